import { readFileSync } from 'node:fs';
import {
  type AlarmTransport,
  mqttTransport,
  syslogTransport,
  webhookTransport,
  workstationLockTransport,
} from '@gatehouse/alarms';
import { readSecret, type GatehouseConfig } from '@gatehouse/config';
import type { MqttSensorSource } from '@gatehouse/mqtt';
import { VERSION } from './version';

const USER_AGENT = `Gatehouse/${VERSION}`;

/** Every configured receiver of alarm notifications, each with who may hear what. */
export const notificationTargets = (
  config: GatehouseConfig,
  mqtt: MqttSensorSource | null,
): AlarmTransport[] => {
  const n = config.notifications;
  const ca = (file: string) => (file ? readFileSync(file) : undefined);
  return [
    ...(mqtt
      ? [
          mqttTransport(
            // Not connected: fail now and retry later, rather than wait in the client's offline queue.
            (t, p) =>
              mqtt.connected ? mqtt.publish(t, p) : Promise.reject(new Error('broker not connected')),
            config.mqtt.topicPrefix,
            { events: n.mqttEvents, silentAlarms: n.mqttSilentAlarms, personalData: n.mqttPersonalData },
          ),
        ]
      : []),
    ...n.webhooks.map((w) =>
      webhookTransport({
        ...w,
        secret: readSecret(w.secret),
        ca: ca(w.caFile),
        timeoutMs: w.timeoutSeconds * 1000,
        userAgent: USER_AGENT,
      }),
    ),
    ...n.syslog.map((l) => syslogTransport({ ...l, ca: ca(l.caFile), version: VERSION })),
    ...workstationLock(config),
  ];
};

/** The lock webhook of the correlation rules: one more target of the same outbox, when enabled. */
const workstationLock = (config: GatehouseConfig): AlarmTransport[] => {
  const w = config.correlation.lockWebhook;
  if (!w.enabled || !config.correlation.enabled) return [];
  // The schema refuses an enabled lock webhook without a secret; this keeps the types honest.
  if (!w.secret) throw new Error('correlation.lockWebhook: no secret');
  return [
    workstationLockTransport({
      url: w.url,
      secret: readSecret(w.secret),
      rules: w.rules,
      ...(w.caFile ? { ca: readFileSync(w.caFile) } : {}),
      timeoutMs: w.timeoutSeconds * 1000,
      userAgent: USER_AGENT,
    }),
  ];
};
