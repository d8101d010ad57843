import type { SensorSignal } from '@gatehouse/contracts';

/** How one sensor is reached: which ecosystem's converter, and its name there. */
export interface SensorBinding {
  id: string;
  converter: ConverterName;
  /** Zigbee2MQTT friendly name, Shelly device id, Tasmota topic, ESPHome node. */
  device: string;
  /** ESPHome binary sensor name; Tasmota switch number (default 1). */
  channel?: string;
  /** The contact reports closed as open (a sensor mounted the other way round). */
  invert?: boolean;
  /** Generic converter: the exact topic, a dotted JSON path (empty: plain text), and value → open map. */
  generic?: {
    topic: string;
    path?: string;
    openValues: string[];
    closedValues: string[];
    signal?: 'contact' | 'rex' | 'tamper';
  };
}

export const CONVERTERS = [
  'zigbee2mqtt',
  'shelly-gen1',
  'shelly-gen2',
  'tasmota',
  'esphome',
  'generic',
] as const;
export type ConverterName = (typeof CONVERTERS)[number];

/**
 * What a converter made of a payload: the signals it could read, or why it read
 * none. A payload that carries several fields gives every valid one and names
 * each bad one in `badFields`: one bad side field (a battery of 101) must not
 * throw away the contact in the same message.
 */
export type Converted =
  { signals: SensorSignal[]; deviceTime?: number; badFields?: string[] } | { refused: string };

/** One ecosystem's knowledge, as data and pure functions (the zigbee2mqtt habit). */
export interface Converter {
  /** The topics to subscribe to for this sensor. */
  topics(b: SensorBinding): string[];
  /** Payload bytes on one of those topics → signals, or the reason it is refused. */
  convert(b: SensorBinding, topic: string, payload: Buffer): Converted;
}

/** The largest payload any converter reads; larger ones are refused unread. */
export const MAX_PAYLOAD_BYTES = 8 * 1024;

export const refuse = (reason: string): Converted => ({ refused: reason });

/** Parses a JSON object payload, or says why not. */
export const jsonObject = (payload: Buffer): Record<string, unknown> | string => {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : 'JSON is not an object';
};

export const text = (payload: Buffer): string => payload.toString('utf8').trim();

/** A contact signal, turned round for sensors mounted the other way. */
export const contact = (b: SensorBinding, open: boolean): SensorSignal => ({
  kind: 'contact',
  open: b.invert ? !open : open,
});

/**
 * Reads the fields of one multi-field payload: each reader returns its signal,
 * null when the field is absent, or a string saying why the field is bad. The
 * good fields are kept, the bad ones listed; nothing valid at all is a refusal.
 */
export const readFields = (
  fields: Record<string, () => SensorSignal | null | string>,
  extra: { deviceTime?: number; badFields?: string[]; none?: string } = {},
): Converted => {
  const signals: SensorSignal[] = [];
  const bad = [...(extra.badFields ?? [])];
  for (const [name, read] of Object.entries(fields)) {
    const r = read();
    if (typeof r === 'string') bad.push(`${name} is ${r}`);
    else if (r !== null) signals.push(r);
  }
  if (signals.length === 0 && bad.length > 0) return refuse(bad.join('; '));
  if (signals.length === 0 && extra.none) return refuse(extra.none);
  return {
    signals,
    ...(extra.deviceTime !== undefined ? { deviceTime: extra.deviceTime } : {}),
    ...(bad.length > 0 ? { badFields: bad } : {}),
  };
};

export const percent = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100 ? v : null;
