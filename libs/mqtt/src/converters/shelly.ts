import { type Converter, contact, jsonObject, percent, refuse, text } from '../converter';

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
    const signals: ReturnType<typeof contact>[] = [];
    const channel = b.channel ?? '0';
    const window = p[`window:${channel}`] as { open?: unknown } | undefined;
    const input = p[`input:${channel}`] as { state?: unknown } | undefined;
    if (window && 'open' in window) {
      if (typeof window.open !== 'boolean') return refuse('window open is not a boolean');
      signals.push(contact(b, window.open));
    } else if (input && 'state' in input) {
      if (typeof input.state !== 'boolean') return refuse('input state is not a boolean');
      // A reed switch on an input: circuit closed = door closed.
      signals.push(contact(b, !input.state));
    }
    const power = p['devicepower:0'] as { battery?: { percent?: unknown } } | undefined;
    if (power?.battery && 'percent' in power.battery) {
      const pc = percent(power.battery.percent);
      if (pc === null) return refuse('battery percent is not a percentage');
      signals.push({ kind: 'battery', percent: pc });
    }
    // NotifyStatus carries the device's own time (seconds, fractional): it orders deliveries.
    const ts =
      typeof p.ts === 'number' && Number.isFinite(p.ts) && p.ts > 0 ? Math.round(p.ts * 1000) : undefined;
    return ts === undefined ? { signals } : { signals, deviceTime: ts };
  },
};
