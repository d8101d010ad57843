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

export type Converted = { signals: SensorSignal[]; deviceTime?: number } | { refused: string };

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

export const percent = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100 ? v : null;
