import { type Converter, jsonObject, refuse, text } from '../converter';

/**
 * Anything else: one topic, an optional dotted path into a JSON payload (plain
 * text otherwise), and the values that mean open and closed (compared as text).
 */
export const generic: Converter = {
  topics: (b) => (b.generic ? [b.generic.topic] : []),
  convert(b, _topic, payload) {
    const g = b.generic;
    if (!g) return refuse('generic converter without settings');
    let value: unknown = text(payload);
    if (g.path) {
      const doc = jsonObject(payload);
      if (typeof doc === 'string') return refuse(doc);
      value = g.path
        .split('.')
        .reduce<unknown>(
          (v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined),
          doc,
        );
      if (value === undefined) return refuse(`no value at ${g.path}`);
    }
    const s = typeof value === 'object' ? JSON.stringify(value) : String(value);
    const active = g.openValues.includes(s) ? true : g.closedValues.includes(s) ? false : null;
    if (active === null) return refuse(`value "${s.slice(0, 40)}" is in neither value list`);
    const signal = g.signal ?? 'contact';
    if (signal === 'contact') return { signals: [{ kind: 'contact', open: b.invert ? !active : active }] };
    return { signals: [{ kind: signal, active }] };
  },
};
