import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { GatehouseBus } from '@gatehouse/contracts';
import { SensorRouter } from './router';
import type { SensorBinding } from './converter';

export interface MqttSettings {
  url: string;
  /** Topic prefix of what the gateway publishes (door states, alarms, its own status). */
  topicPrefix?: string;
  clientId: string;
  username: string;
  password?: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  reconnectMaxSeconds: number;
}

export interface BrokerSecurity {
  tls: boolean;
  credentials: boolean;
  embedded: boolean;
  /** Why a sensor message on this broker could be forged; null when TLS and credentials are both in use. */
  warning: string | null;
}

/**
 * MQTT as an input is only as trustworthy as its broker: anyone who can publish
 * on a sensor's topic can report a forced door as closed. Says what is missing.
 */
export const brokerSecurity = (
  s: Pick<MqttSettings, 'url' | 'username' | 'certFile'>,
  embedded: boolean,
): BrokerSecurity => {
  const tls = /^(mqtts|wss):/i.test(s.url);
  const credentials = Boolean(s.username || s.certFile);
  if (embedded)
    return {
      tls,
      credentials,
      embedded,
      warning:
        'embedded broker: no authentication and no TLS; a demo and single-box convenience, not for sensors on a network',
    };
  const missing = [tls ? '' : 'TLS', credentials ? '' : 'credentials'].filter(Boolean);
  return {
    tls,
    credentials,
    embedded,
    warning:
      missing.length === 0
        ? null
        : `broker connection without ${missing.join(' and ')}: sensor messages can be forged (use per-device credentials, topic ACLs and TLS)`,
  };
};

/** MQTT topic filter matching (+ one level, # the rest). */
export const matchesFilter = (filter: string, topic: string): boolean => {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
};

export type MqttConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'refused' | 'closed';

export interface ConnectionEvent {
  state: MqttConnectionState;
  at: number;
  detail?: string;
}

/**
 * Door sensors over MQTT. QoS 1 with a persistent session (fixed client id,
 * clean=false): what sensors publish while the gateway is down waits at the
 * broker and arrives when it is back. Reconnects with a backoff that doubles up
 * to a limit. Every message becomes a reading or a dead letter on the bus.
 */
export class MqttSensorSource {
  readonly router: SensorRouter;
  private client: MqttClient | undefined;
  private period = 1000;
  private stateValue: MqttConnectionState = 'closed';
  private since = Date.now();
  private lastError: string | undefined;
  readonly counters = { messages: 0, connects: 0 };

  constructor(
    private readonly settings: MqttSettings,
    bindings: readonly SensorBinding[],
    private readonly bus: GatehouseBus,
    private readonly onConnection: (e: ConnectionEvent) => void = () => undefined,
  ) {
    this.router = new SensorRouter(bindings);
  }

  get state(): { state: MqttConnectionState; since: string; lastError?: string } {
    return {
      state: this.stateValue,
      since: new Date(this.since).toISOString(),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  private setState(state: MqttConnectionState, detail?: string): void {
    if (state === this.stateValue && detail === undefined) return;
    this.stateValue = state;
    this.since = Date.now();
    this.onConnection({ state, at: this.since, ...(detail ? { detail } : {}) });
  }

  start(): void {
    const s = this.settings;
    const prefix = s.topicPrefix ?? 'gatehouse';
    const options: IClientOptions = {
      clientId: s.clientId,
      // The broker announces the gateway offline if the connection drops without a goodbye.
      will: { topic: `${prefix}/status`, payload: Buffer.from('offline'), qos: 1, retain: true },
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: this.period,
      connectTimeout: 10_000,
      keepalive: 30,
      ...(s.username ? { username: s.username } : {}),
      ...(s.password ? { password: s.password } : {}),
      ...(s.caFile ? { ca: readFileSync(s.caFile) } : {}),
      ...(s.certFile ? { cert: readFileSync(s.certFile), key: readFileSync(s.keyFile) } : {}),
    };
    this.setState('connecting');
    const client = mqtt.connect(s.url, options);
    this.client = client;
    client.on('connect', (ack) => {
      this.period = 1000;
      client.options.reconnectPeriod = this.period;
      this.counters.connects += 1;
      this.lastError = undefined;
      this.setState('connected', ack.sessionPresent ? 'session resumed' : 'new session');
      client.publish(`${prefix}/status`, 'online', { qos: 1, retain: true });
      for (const l of this.connectListeners) l();
      const topics = this.router.topics;
      // Subscribing again is harmless with a resumed session and picks up newly configured
      // sensors; retained messages it replays are marked as such.
      const all = [...topics, ...this.topicHandlers.keys()];
      if (all.length > 0) {
        client.subscribe(all, { qos: 1 }, (error) => {
          if (error) this.lastError = `subscribe failed: ${error.message}`;
        });
      }
    });
    client.on('reconnect', () => {
      // Back off: 1 s, 2 s, 4 s … up to the limit.
      this.period = Math.min(this.period * 2, this.settings.reconnectMaxSeconds * 1000);
      client.options.reconnectPeriod = this.period;
      // A refusal stays reported until a connection succeeds: retrying does not make the credentials right.
      if (this.stateValue !== 'refused') this.setState('reconnecting');
    });
    client.on('error', (error: Error & { code?: number }) => {
      this.lastError = error.message;
      // 4 / 5: bad user name or password, not authorised. Retrying is pointless until someone changes them.
      if (error.code === 4 || error.code === 5 || /Not authorized|Bad username/i.test(error.message))
        this.setState('refused', error.message);
    });
    client.on('close', () => {
      if (this.stateValue === 'connected') this.setState('reconnecting', 'connection lost');
    });
    client.on('message', (topic, payload, packet) => {
      this.counters.messages += 1;
      const own =
        this.topicHandlers.get(topic) ??
        [...this.topicHandlers].find(([filter]) => matchesFilter(filter, topic))?.[1];
      if (own) {
        try {
          own(payload, topic);
        } catch {
          /* a handler's bug must not stop the stream */
        }
        return;
      }
      for (const r of this.router.route(topic, payload, Date.now(), packet.retain)) {
        if ('reading' in r) this.bus.emit('sensor.reading', r.reading);
        else if ('deadLetter' in r) this.bus.emit('device.dead-letter', r.deadLetter);
      }
    });
  }

  private readonly connectListeners: (() => void)[] = [];
  private readonly topicHandlers = new Map<string, (payload: Buffer, topic: string) => void>();

  /** Subscribes a topic (or a filter with + and #) that is not a sensor's: its messages go to `handler`. */
  handleTopic(topic: string, handler: (payload: Buffer, topic: string) => void): void {
    this.topicHandlers.set(topic, handler);
    if (this.client?.connected) this.client.subscribe(topic, { qos: 1 });
  }

  /** Runs after every (re)connection: publishers re-announce what they keep retained. */
  onConnect(listener: () => void): void {
    this.connectListeners.push(listener);
  }

  /** Publishes at QoS 1; queued by the client while disconnected. */
  publish(topic: string, payload: string, retain = false): Promise<void> {
    const client = this.client;
    if (!client) return Promise.resolve();
    return new Promise((resolve, reject) =>
      client.publish(topic, payload, { qos: 1, retain }, (e) => (e ? reject(e) : resolve())),
    );
  }

  get connected(): boolean {
    return this.stateValue === 'connected';
  }

  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    // A clean goodbye: say offline ourselves (the will is only for a dropped connection).
    if (this.stateValue === 'connected')
      await this.publish(`${this.settings.topicPrefix ?? 'gatehouse'}/status`, 'offline', true).catch(
        () => undefined,
      );
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    this.setState('closed');
  }
}
