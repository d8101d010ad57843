import { type Converter, contact, jsonObject, percent, readFields, refuse, text } from '../converter';

/** The latest time a JavaScript Date can hold (ms): beyond it, a time cannot even be printed. */
const MAX_DATE_MS = 8.64e15;

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;

/** A device's time in seconds since the epoch → ms; null when absent, a reason when unusable. */
const deviceTimeOf = (ts: unknown): number | null | string => {
  if (ts === undefined) return null;
  const ms = typeof ts === 'number' ? Math.round(ts * 1000) : NaN;
  return Number.isFinite(ms) && ms > 0 && ms <= MAX_DATE_MS ? ms : 'not a time';
};

/**
 * Shelly Gen1 Door/Window: plain-text topics under `shellies/<id>/sensor/`:
 * `state` (open | close), `tilt` (degrees), `vibration` (0 | 1), `battery` (%);
 * `shellies/<id>/online` is true | false.
 */
export const shellyGen1: Converter = {
  topics: (b) =>
    ['state', 'tilt', 'vibration', 'battery']
      .map((t) => `shellies/${b.device}/sensor/${t}`)
      .concat(`shellies/${b.device}/online`),
  convert(b, topic, payload) {
    const value = text(payload);
    const leaf = topic.slice(topic.lastIndexOf('/') + 1);
    switch (leaf) {
      case 'state':
        return value === 'open' || value === 'close'
          ? { signals: [contact(b, value === 'open')] }
          : refuse(`state "${value.slice(0, 20)}" is not open or close`);
      case 'tilt': {
        const n = Number(value);
        return value !== '' && Number.isFinite(n) && n >= -1 && n <= 180
          ? { signals: [{ kind: 'tilt', degrees: n }] }
          : refuse('tilt is not a number of degrees');
      }
      case 'vibration':
        return value === '0' || value === '1'
          ? { signals: [{ kind: 'vibration', active: value === '1' }] }
          : refuse('vibration is not 0 or 1');
      case 'battery': {
        const p = percent(Number(value));
        return value !== '' && p !== null
          ? { signals: [{ kind: 'battery', percent: p }] }
          : refuse('battery is not a percentage');
      }
      case 'online':
        return value === 'true' || value === 'false'
          ? { signals: [{ kind: 'availability', online: value === 'true' }] }
          : refuse('online is not true or false');
      default:
        return refuse('unexpected topic');
    }
  },
};

/**
 * Shelly Gen2+ (Plus, Pro): JSON-RPC notifications on `<id>/events/rpc`. A
 * NotifyStatus carries changed component state, e.g. `params["input:0"].state`
 * (true: circuit closed) or `params["window:0"].open`; `devicepower:0.battery.percent`.
 * Availability on `<id>/online`.
 */
export const shellyGen2: Converter = {
  topics: (b) => [`${b.device}/events/rpc`, `${b.device}/online`],
  convert(b, topic, payload) {
    if (topic.endsWith('/online')) {
      const value = text(payload);
      return value === 'true' || value === 'false'
        ? { signals: [{ kind: 'availability', online: value === 'true' }] }
        : refuse('online is not true or false');
    }
    const doc = jsonObject(payload);
    if (typeof doc === 'string') return refuse(doc);
    if (doc.method !== 'NotifyStatus' && doc.method !== 'NotifyFullStatus') return { signals: [] };
    const params = doc.params;
    if (typeof params !== 'object' || params === null) return refuse('NotifyStatus without params');
    const p = params as Record<string, unknown>;
    const channel = b.channel ?? '0';
    const window = record(p[`window:${channel}`]);
    const input = record(p[`input:${channel}`]);
    const battery = record(record(p['devicepower:0'])?.battery);
    // NotifyStatus carries the device's own time (seconds, fractional): it orders deliveries.
    const ts = deviceTimeOf(p.ts);
    return readFields(
      {
        [window && 'open' in window ? 'window open' : 'input state']: () => {
          if (window && 'open' in window)
            return typeof window.open === 'boolean' ? contact(b, window.open) : 'not a boolean';
          if (!input || !('state' in input)) return null;
          // A reed switch on an input: circuit closed = door closed.
          return typeof input.state === 'boolean' ? contact(b, !input.state) : 'not a boolean';
        },
        'battery percent': () => {
          if (!battery || !('percent' in battery)) return null;
          const pc = percent(battery.percent);
          return pc === null ? 'not a percentage' : { kind: 'battery', percent: pc };
        },
      },
      typeof ts === 'string' ? { badFields: [`ts is ${ts}`] } : ts === null ? {} : { deviceTime: ts },
    );
  },
};
