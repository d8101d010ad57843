/** What door sensors report, whatever ecosystem they reach us through (INTEROP.md section 3). */
export type SensorSignal =
  | { kind: 'contact'; open: boolean }
  | { kind: 'tamper'; active: boolean }
  | { kind: 'battery'; percent: number }
  | { kind: 'availability'; online: boolean }
  | { kind: 'rex'; active: boolean }
  | { kind: 'lock'; locked: boolean }
  | { kind: 'tilt'; degrees: number }
  | { kind: 'vibration'; active: boolean }
  | { kind: 'people'; count: number };

export interface SensorReading {
  sensorId: string;
  signals: SensorSignal[];
  /** When the gateway received it (epoch ms). */
  at: number;
  /** Where it came from, e.g. the MQTT topic. */
  origin: string;
  /** The payload was a retained message: state from before we subscribed, maybe stale. */
  retained?: boolean;
  /** The device's own time for the reading (epoch ms), when its payload carries one: orders deliveries. */
  deviceTime?: number;
  /**
   * Set when the broker delivered it from the gateway's queue after a
   * reconnection: it happened while the gateway was away, at a time only a
   * device time can tell. Names that outage, so each door is noticed once per outage.
   */
  late?: string;
}

/** A device message refused: kept with its raw bytes, counted, logged, never fatal. */
export interface DeadLetter {
  source: string;
  origin: string;
  reason: string;
  /** The raw payload, base64, truncated to a bounded size. */
  raw: string;
  bytes: number;
  at: number;
  /** A summary: this many more letters like it were counted, not kept (DeadLetterLimiter). */
  suppressed?: number;
}
