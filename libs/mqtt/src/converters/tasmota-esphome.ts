import { type Converter, contact, jsonObject, refuse, text } from '../converter';

const onOff = (v: unknown): boolean | null => (v === 'ON' ? true : v === 'OFF' ? false : null);

/**
 * Tasmota: `tele/<topic>/SENSOR` (periodic) and `stat/<topic>/RESULT` (on change)
 * carry `{"Switch1":"ON"}` or `{"Switch1":{"Action":"ON"}}`; ON is a closed
 * circuit, i.e. the door closed, for a reed switch wired to the input.
 * `tele/<topic>/LWT` is Online | Offline.
 */
export const tasmota: Converter = {
  topics: (b) => [`tele/${b.device}/SENSOR`, `stat/${b.device}/RESULT`, `tele/${b.device}/LWT`],
  convert(b, topic, payload) {
    if (topic.endsWith('/LWT')) {
      const v = text(payload);
      return v === 'Online' || v === 'Offline'
        ? { signals: [{ kind: 'availability', online: v === 'Online' }] }
        : refuse('LWT is not Online or Offline');
    }
    const doc = jsonObject(payload);
    if (typeof doc === 'string') return refuse(doc);
    const key = `Switch${b.channel ?? '1'}`;
    if (!(key in doc)) return { signals: [] }; // another sensor's or relay's state on the same device
    const raw = doc[key];
    const closed = onOff(
      typeof raw === 'object' && raw !== null ? (raw as { Action?: unknown }).Action : raw,
    );
    return closed === null ? refuse(`${key} is not ON or OFF`) : { signals: [contact(b, !closed)] };
  },
};

/**
 * ESPHome: `<node>/binary_sensor/<name>/state` is ON | OFF, ON meaning open for
 * a door-class sensor; `<node>/status` is online | offline.
 */
export const esphome: Converter = {
  topics: (b) => [`${b.device}/binary_sensor/${b.channel ?? 'door'}/state`, `${b.device}/status`],
  convert(b, topic, payload) {
    const v = text(payload);
    if (topic.endsWith('/status')) {
      return v === 'online' || v === 'offline'
        ? { signals: [{ kind: 'availability', online: v === 'online' }] }
        : refuse('status is not online or offline');
    }
    const open = onOff(v);
    return open === null ? refuse('state is not ON or OFF') : { signals: [contact(b, open)] };
  },
};
