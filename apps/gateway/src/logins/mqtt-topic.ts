import type { GatehouseConfig } from '@gatehouse/config';
import type { Clock, Log } from '@gatehouse/contracts';
import { PerSourceRateLimiter } from '@gatehouse/ingest';
import { interpretJson } from '@gatehouse/logins';
import type { LoginsGateway } from './logins-gateway';

/** Why a message on the logins topic was dropped whole, or an event of it refused. */
export type TopicRejection =
  'too-large' | 'invalid-utf8' | 'not-json' | 'not-an-event' | 'batch-too-large' | 'rate-limited';

/** A bad message is logged at most this often per reason: a broken agent must not flood the log. */
const LOG_EVERY_MS = 60_000;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Login events published by agents on the site broker: the same JSON as
 * POST /api/v1/logins (one object or an array), on `logins.mqtt.topic`
 * (`+` levels give each agent its own topic). The broker does not tell a
 * subscriber who published, so the source a rate limit and the journal's
 * `via` name is the topic the message came on. Each event costs a token of
 * its source's bucket; a bad message is counted by reason and logged, never
 * thrown, and the stream goes on.
 */
export class LoginTopic {
  readonly counters = { messages: 0, events: 0, rejected: {} as Partial<Record<TopicRejection, number>> };
  private readonly limiter: PerSourceRateLimiter;
  private readonly lastLogged = new Map<TopicRejection, number>();

  constructor(
    private readonly config: GatehouseConfig['logins']['mqtt'],
    private readonly maxBatch: number,
    private readonly logins: LoginsGateway,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {
    this.limiter = new PerSourceRateLimiter(config.rate, () => clock.monotonicMs());
  }

  /** Subscribes the topic on the gateway's broker connection (kept across reconnections). */
  attach(mqtt: {
    handleTopic(topic: string, handler: (payload: Buffer, topic: string) => void): void;
  }): void {
    mqtt.handleTopic(this.config.topic, (payload, topic) => this.handle(payload, topic));
  }

  handle(payload: Buffer, topic: string): void {
    this.counters.messages += 1;
    if (payload.length > this.config.maxPayloadBytes) return this.reject('too-large', topic, payload.length);
    let text: string;
    try {
      text = strictUtf8.decode(payload);
    } catch {
      return this.reject('invalid-utf8', topic);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return this.reject('not-json', topic);
    }
    const items = Array.isArray(body) ? body : [body];
    if (items.length > this.maxBatch) return this.reject('batch-too-large', topic, items.length);
    const arrival = { via: `mqtt:${topic}`, sourceAddress: null };
    const ctx = { zone: this.logins.zone };
    for (const item of items) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        this.reject('not-an-event', topic);
        continue;
      }
      if (!this.limiter.take(topic)) {
        this.reject('rate-limited', topic);
        continue;
      }
      this.counters.events += 1;
      this.logins.takeDetached(interpretJson(item, JSON.stringify(item), ctx), arrival);
    }
  }

  private reject(reason: TopicRejection, topic: string, size?: number): void {
    this.counters.rejected[reason] = (this.counters.rejected[reason] ?? 0) + 1;
    const now = this.clock.monotonicMs();
    const last = this.lastLogged.get(reason);
    if (last !== undefined && now - last < LOG_EVERY_MS) return;
    this.lastLogged.set(reason, now);
    // The topic and the reason only: a payload may name accounts.
    this.log('warn', 'a message on the logins topic was refused', {
      topic,
      reason,
      ...(size !== undefined ? { size } : {}),
      count: this.counters.rejected[reason],
    });
  }
}
