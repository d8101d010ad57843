import type { DeadLetter, SensorReading } from '@gatehouse/contracts';
import { MAX_PAYLOAD_BYTES, type SensorBinding } from './converter';
import { CONVERTER_TABLE } from './converters';

/** A dead letter names the device it is counted against (a sensor id, or every unconfigured topic as one). */
export type Routed =
  { reading: SensorReading } | { deadLetter: DeadLetter; device: string } | { ignored: true };

/** Messages on topics no sensor is configured for are bounded together: a spray of topics is one source. */
export const UNCONFIGURED_TOPICS = 'unconfigured topics';

const RAW_KEPT = 1024;

/**
 * Maps topics to the sensors configured on them and runs their converter. Every
 * message ends as a reading or a dead letter (with its raw bytes and a reason):
 * nothing a device sends can throw past here.
 */
export class SensorRouter {
  private readonly byTopic = new Map<string, SensorBinding[]>();
  readonly counters = { accepted: 0, refused: 0, badFields: 0, unknownTopic: 0, tooLarge: 0 };

  constructor(bindings: readonly SensorBinding[]) {
    for (const b of bindings) {
      for (const topic of CONVERTER_TABLE[b.converter].topics(b)) {
        this.byTopic.set(topic, [...(this.byTopic.get(topic) ?? []), b]);
      }
    }
  }

  get topics(): string[] {
    return [...this.byTopic.keys()];
  }

  route(topic: string, payload: Buffer, at: number, retained = false): Routed[] {
    const dead = (reason: string, device: string): Routed => ({
      device,
      deadLetter: {
        source: 'mqtt',
        origin: topic.slice(0, 300),
        reason,
        raw: payload.subarray(0, RAW_KEPT).toString('base64'),
        bytes: payload.length,
        at,
      },
    });
    const bindings = this.byTopic.get(topic);
    if (!bindings) {
      this.counters.unknownTopic += 1;
      return [dead('no sensor is configured for this topic', UNCONFIGURED_TOPICS)];
    }
    if (payload.length > MAX_PAYLOAD_BYTES) {
      this.counters.tooLarge += 1;
      return [
        dead(
          `payload of ${payload.length} bytes is over the ${MAX_PAYLOAD_BYTES}-byte limit`,
          bindings[0]!.id,
        ),
      ];
    }
    return bindings.flatMap((b): Routed[] => {
      let result;
      try {
        result = CONVERTER_TABLE[b.converter].convert(b, topic, payload);
      } catch (error) {
        result = { refused: `converter failed: ${(error as Error).message}` };
      }
      if ('refused' in result) {
        this.counters.refused += 1;
        return [dead(`${b.id}: ${result.refused}`, b.id)];
      }
      // The good fields are taken; each bad one is refused on its own, with the message's bytes.
      const partly: Routed[] = [];
      if (result.badFields) {
        this.counters.badFields += 1;
        partly.push(dead(`${b.id}: refused ${result.badFields.join('; ')} (the rest was taken)`, b.id));
      }
      if (result.signals.length === 0) return partly.length ? partly : [{ ignored: true as const }];
      this.counters.accepted += 1;
      return [
        ...partly,
        {
          reading: {
            sensorId: b.id,
            signals: result.signals,
            at,
            origin: topic,
            ...(retained ? { retained: true } : {}),
            ...(result.deviceTime !== undefined ? { deviceTime: result.deviceTime } : {}),
          },
        },
      ];
    });
  }
}
