import { type Converter, contact, jsonObject, percent, readFields, refuse, text } from '../converter';

/**
 * Zigbee2MQTT: `zigbee2mqtt/<friendly_name>` carries the device's JSON state,
 * where `contact: true` means the magnet is present (closed); availability is on
 * `zigbee2mqtt/<friendly_name>/availability` as JSON `{"state":"online"}` or
 * plain `online` (older versions).
 */
export const zigbee2mqtt: Converter = {
  topics: (b) => [`zigbee2mqtt/${b.device}`, `zigbee2mqtt/${b.device}/availability`],
  convert(b, topic, payload) {
    if (topic.endsWith('/availability')) {
      const raw = text(payload);
      const state = raw.startsWith('{') ? (jsonObject(payload) as Record<string, unknown>)?.state : raw;
      if (state === 'online' || state === 'offline')
        return { signals: [{ kind: 'availability', online: state === 'online' }] };
      return refuse('availability is neither online nor offline');
    }
    const doc = jsonObject(payload);
    if (typeof doc === 'string') return refuse(doc);
    const present = (k: string) => k in doc && doc[k] !== null;
    // Other fields (linkquality, voltage, battery_low…) are the device's own business.
    return readFields(
      {
        contact: () =>
          !('contact' in doc)
            ? null
            : typeof doc.contact === 'boolean'
              ? contact(b, !doc.contact)
              : 'not a boolean',
        tamper: () =>
          !present('tamper')
            ? null
            : typeof doc.tamper === 'boolean'
              ? { kind: 'tamper', active: doc.tamper }
              : 'not a boolean',
        battery: () => {
          if (!present('battery')) return null;
          const p = percent(doc.battery);
          return p === null ? 'not a percentage' : { kind: 'battery', percent: p };
        },
      },
      { none: 'no contact, tamper or battery in the state' },
    );
  },
};
