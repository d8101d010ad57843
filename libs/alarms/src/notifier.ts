import { createHmac } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import type { GatehouseBus } from '@gatehouse/contracts';
import type { Alarm } from './alarm';
import type { AlarmsService } from './alarms.service';

/** Which changes a transport sends: e.g. alarm.raised, alarm.escalated, alarm.resolved. */
export interface AlarmTransport {
  name: string;
  events: readonly string[];
  send(alarm: Alarm, change: string): Promise<void>;
}

const SYSLOG_SEVERITY: Record<Alarm['priority'], number> = { critical: 2, high: 3, medium: 4, low: 5 };
const CEF_SEVERITY: Record<Alarm['priority'], number> = { critical: 10, high: 8, medium: 5, low: 3 };

const alarmDocument = (a: Alarm, change: string) => ({
  change,
  id: a.id,
  type: a.type,
  priority: a.priority,
  state: a.state,
  doorId: a.doorId,
  readerId: a.readerId,
  sensorId: a.sensorId,
  cardholderId: a.cardholderId,
  detail: a.detail,
  silent: a.silent,
  count: a.count,
  escalations: a.escalations,
  raisedAt: new Date(a.raisedAt).toISOString(),
});

export const mqttTransport = (
  publish: (topic: string, payload: string) => Promise<void>,
  prefix: string,
  events: readonly string[],
): AlarmTransport => ({
  name: 'mqtt',
  events,
  send: (a, change) => publish(`${prefix}/alarms/${a.id}`, JSON.stringify(alarmDocument(a, change))),
});

/**
 * A POST of the alarm as JSON, signed so the receiver can tell it came from this
 * gateway and was not replayed: `X-Gatehouse-Signature: sha256=<hex HMAC of
 * "<timestamp>.<body>">` with `X-Gatehouse-Timestamp`. Three attempts with backoff.
 */
export const webhookTransport = (
  url: string,
  secret: string,
  events: readonly string[],
  timeoutMs = 5000,
): AlarmTransport => ({
  name: `webhook ${new URL(url).host}`,
  events,
  async send(a, change) {
    const body = JSON.stringify(alarmDocument(a, change));
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 1000 * 2 ** (attempt - 1)));
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-gatehouse-timestamp': timestamp,
            'x-gatehouse-signature': `sha256=${signature}`,
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.ok) return;
        lastError = new Error(`HTTP ${res.status}`);
        if (res.status >= 400 && res.status < 500 && res.status !== 429) break; // the receiver refuses it: retrying will not help
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  },
});

const sdEscape = (v: string) => v.replace(/[\\"\]]/g, (c) => `\\${c}`);
const cefEscape = (v: string) => v.replace(/[\\=]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ');
const cefHeaderEscape = (v: string) => v.replace(/[\\|]/g, (c) => `\\${c}`);

/** RFC 5424 with structured data, or ArcSight CEF inside an RFC 5424 frame: what SIEMs ingest. */
export const formatSyslog = (
  a: Alarm,
  change: string,
  format: 'rfc5424' | 'cef',
  host = hostname(),
): string => {
  const pri = 8 * 13 + SYSLOG_SEVERITY[a.priority]; // facility 13: log audit
  const time = new Date().toISOString();
  const head = `<${pri}>1 ${time} ${host} gatehouse - ${change}`;
  if (format === 'cef') {
    const ext = [
      `rt=${Date.now()}`,
      `cs1Label=alarmId cs1=${cefEscape(a.id)}`,
      `cs2Label=door cs2=${cefEscape(a.doorId ?? '')}`,
      `cs3Label=state cs3=${cefEscape(a.state)}`,
      `cnt=${a.count}`,
      a.detail ? `msg=${cefEscape(a.detail)}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return `${head} - CEF:0|Gatehouse|Gatehouse|0.1.0|${cefHeaderEscape(a.type)}|${cefHeaderEscape(`${change} ${a.type}`)}|${CEF_SEVERITY[a.priority]}|${ext}`;
  }
  const sd = `[alarm@32473 id="${sdEscape(a.id)}" type="${sdEscape(a.type)}" priority="${a.priority}" state="${a.state}" door="${sdEscape(a.doorId ?? '')}" count="${a.count}"]`;
  return `${head} ${sd} ${a.type} (${a.priority})${a.detail ? `: ${a.detail}` : ''}`;
};

/** Syslog over UDP (one datagram a message) or TCP (RFC 6587 octet counting). */
export const syslogTransport = (
  host: string,
  port: number,
  protocol: 'udp' | 'tcp',
  format: 'rfc5424' | 'cef',
  events: readonly string[],
): AlarmTransport => ({
  name: `syslog ${host}:${port}/${protocol}`,
  events,
  send(a, change) {
    const message = Buffer.from(formatSyslog(a, change, format));
    if (protocol === 'udp') {
      return new Promise((resolve, reject) => {
        const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
        socket.send(message, port, host, (e) => {
          socket.close();
          if (e) reject(e);
          else resolve();
        });
      });
    }
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () =>
        socket.end(Buffer.concat([Buffer.from(`${message.length} `), message]), () => resolve()),
      );
      socket.setTimeout(5000, () => socket.destroy(new Error('syslog TCP timeout')));
      socket.once('error', reject);
    });
  },
});

/**
 * Sends alarm changes to the configured transports. A failing transport is
 * counted and logged; it never blocks the alarm queue or another transport.
 */
export class AlarmNotifier {
  readonly counters = { sent: 0, failed: 0 };
  constructor(
    private readonly bus: GatehouseBus,
    private readonly alarms: AlarmsService,
    private readonly transports: readonly AlarmTransport[],
    private readonly onFailure: (transport: string, error: unknown) => void = () => undefined,
  ) {}

  start(): void {
    this.bus.on('alarm.changed', 'notifier', (c) => {
      const wanting = this.transports.filter((t) => t.events.includes(c.change));
      if (wanting.length === 0) return;
      const alarm = this.alarms.get(c.id);
      for (const t of wanting) {
        t.send(alarm, c.change).then(
          () => (this.counters.sent += 1),
          (error: unknown) => {
            this.counters.failed += 1;
            this.onFailure(t.name, error);
          },
        );
      }
    });
  }
}
