import type { SensorSignal } from '@gatehouse/contracts';
import { type Converter, contact, jsonObject, percent, refuse, text } from '../converter';

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
    const signals: SensorSignal[] = [];
    if ('contact' in doc) {
      if (typeof doc.contact !== 'boolean') return refuse('contact is not a boolean');
      signals.push(contact(b, !doc.contact));
    }
    if ('tamper' in doc && doc.tamper !== null) {
      if (typeof doc.tamper !== 'boolean') return refuse('tamper is not a boolean');
      signals.push({ kind: 'tamper', active: doc.tamper });
    }
    if ('battery' in doc && doc.battery !== null) {
      const p = percent(doc.battery);
      if (p === null) return refuse('battery is not a percentage');
      signals.push({ kind: 'battery', percent: p });
    }
    // Other fields (linkquality, voltage, battery_low…) are the device's own business.
    return signals.length > 0 ? { signals } : refuse('no contact, tamper or battery in the state');
  },
};
