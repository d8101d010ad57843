import fc from 'fast-check';
import type { SensorBinding } from './converter';
import { SensorRouter } from './router';

const b = (over: Partial<SensorBinding> & Pick<SensorBinding, 'converter' | 'device'>): SensorBinding => ({
  id: `${over.converter}-${over.device}`,
  ...over,
});
const route = (bindings: SensorBinding[], topic: string, payload: string | Buffer) =>
  new SensorRouter(bindings).route(topic, Buffer.isBuffer(payload) ? payload : Buffer.from(payload), 1000);
const signals = (bindings: SensorBinding[], topic: string, payload: string) => {
  const [r] = route(bindings, topic, payload);
  if (!r || !('reading' in r)) throw new Error(`expected a reading, got ${JSON.stringify(r)}`);
  return r.reading.signals;
};
const refusal = (bindings: SensorBinding[], topic: string, payload: string | Buffer) => {
  const [r] = route(bindings, topic, payload);
  if (!r || !('deadLetter' in r)) throw new Error(`expected a dead letter, got ${JSON.stringify(r)}`);
  return r.deadLetter;
};

describe('sensor converters on real payload shapes', () => {
  const z = [b({ converter: 'zigbee2mqtt', device: 'front_door' })];
  it('Zigbee2MQTT: contact true is closed; tamper, battery; availability in both forms', () => {
    expect(
      signals(
        z,
        'zigbee2mqtt/front_door',
        '{"contact":false,"battery":97,"tamper":false,"linkquality":120,"voltage":3000}',
      ),
    ).toEqual([
      { kind: 'contact', open: true },
      { kind: 'tamper', active: false },
      { kind: 'battery', percent: 97 },
    ]);
    expect(signals(z, 'zigbee2mqtt/front_door', '{"contact":true}')).toEqual([
      { kind: 'contact', open: false },
    ]);
    expect(signals(z, 'zigbee2mqtt/front_door/availability', '{"state":"offline"}')).toEqual([
      { kind: 'availability', online: false },
    ]);
    expect(signals(z, 'zigbee2mqtt/front_door/availability', 'online')).toEqual([
      { kind: 'availability', online: true },
    ]);
    expect(
      signals(
        [b({ converter: 'zigbee2mqtt', device: 'front_door', invert: true })],
        'zigbee2mqtt/front_door',
        '{"contact":true}',
      ),
    ).toEqual([{ kind: 'contact', open: true }]);
  });

  it('Shelly Gen1 door/window: open/close, tilt, vibration, battery, online', () => {
    const s = [b({ converter: 'shelly-gen1', device: 'shellydw2-C45BBE' })];
    expect(signals(s, 'shellies/shellydw2-C45BBE/sensor/state', 'open')).toEqual([
      { kind: 'contact', open: true },
    ]);
    expect(signals(s, 'shellies/shellydw2-C45BBE/sensor/state', 'close')).toEqual([
      { kind: 'contact', open: false },
    ]);
    expect(signals(s, 'shellies/shellydw2-C45BBE/sensor/tilt', '12')).toEqual([
      { kind: 'tilt', degrees: 12 },
    ]);
    expect(signals(s, 'shellies/shellydw2-C45BBE/sensor/vibration', '1')).toEqual([
      { kind: 'vibration', active: true },
    ]);
    expect(signals(s, 'shellies/shellydw2-C45BBE/sensor/battery', '84')).toEqual([
      { kind: 'battery', percent: 84 },
    ]);
    expect(signals(s, 'shellies/shellydw2-C45BBE/online', 'false')).toEqual([
      { kind: 'availability', online: false },
    ]);
    expect(refusal(s, 'shellies/shellydw2-C45BBE/sensor/state', 'ajar').reason).toMatch(/not open or close/);
  });

  it('Shelly Gen2 NotifyStatus: a window component, an input with a reed switch, battery', () => {
    const s = [b({ converter: 'shelly-gen2', device: 'shellyplusi4-a8032ab1' })];
    const rpc = (params: object) =>
      JSON.stringify({
        src: 'shellyplusi4-a8032ab1',
        dst: 'shellyplusi4-a8032ab1/events',
        method: 'NotifyStatus',
        params: { ts: 1700000000.5, ...params },
      });
    expect(
      signals(s, 'shellyplusi4-a8032ab1/events/rpc', rpc({ 'input:0': { id: 0, state: false } })),
    ).toEqual([{ kind: 'contact', open: true }]);
    expect(
      signals(
        s,
        'shellyplusi4-a8032ab1/events/rpc',
        rpc({ 'window:0': { id: 0, open: false }, 'devicepower:0': { battery: { V: 2.9, percent: 71 } } }),
      ),
    ).toEqual([
      { kind: 'contact', open: false },
      { kind: 'battery', percent: 71 },
    ]);
    const [withTime] = route(
      s,
      'shellyplusi4-a8032ab1/events/rpc',
      rpc({ 'input:0': { id: 0, state: true } }),
    );
    expect(withTime).toMatchObject({ reading: { deviceTime: 1700000000500 } });
    // Other notifications (NotifyEvent: button presses) are not door state: ignored, not refused.
    expect(
      route(
        s,
        'shellyplusi4-a8032ab1/events/rpc',
        JSON.stringify({ method: 'NotifyEvent', params: { events: [] } }),
      ),
    ).toEqual([{ ignored: true }]);
  });

  it('Tasmota switches in SENSOR and RESULT, and LWT', () => {
    const t = [b({ converter: 'tasmota', device: 'porch' })];
    expect(signals(t, 'tele/porch/SENSOR', '{"Time":"2026-06-01T10:00:00","Switch1":"ON"}')).toEqual([
      { kind: 'contact', open: false },
    ]);
    expect(signals(t, 'stat/porch/RESULT', '{"Switch1":{"Action":"OFF"}}')).toEqual([
      { kind: 'contact', open: true },
    ]);
    expect(signals(t, 'tele/porch/LWT', 'Offline')).toEqual([{ kind: 'availability', online: false }]);
    expect(route(t, 'stat/porch/RESULT', '{"POWER1":"ON"}')).toEqual([{ ignored: true }]);
    expect(refusal(t, 'stat/porch/RESULT', '{"Switch1":"MAYBE"}').reason).toMatch(/not ON or OFF/);
  });

  it('ESPHome binary sensor and status', () => {
    const e = [b({ converter: 'esphome', device: 'door-node', channel: 'back_door' })];
    expect(signals(e, 'door-node/binary_sensor/back_door/state', 'ON')).toEqual([
      { kind: 'contact', open: true },
    ]);
    expect(signals(e, 'door-node/status', 'offline')).toEqual([{ kind: 'availability', online: false }]);
  });

  it('generic: a path into JSON and value maps, or plain text', () => {
    const g = [
      b({
        converter: 'generic',
        device: 'x',
        id: 'warehouse',
        generic: {
          topic: 'site/warehouse/door',
          path: 'door.state',
          openValues: ['1', 'opened'],
          closedValues: ['0', 'shut'],
        },
      }),
    ];
    expect(signals(g, 'site/warehouse/door', '{"door":{"state":1}}')).toEqual([
      { kind: 'contact', open: true },
    ]);
    expect(refusal(g, 'site/warehouse/door', '{"door":{}}').reason).toMatch(/no value at door.state/);
    const rex = [
      b({
        converter: 'generic',
        device: 'x',
        id: 'rex',
        generic: { topic: 'site/rex', openValues: ['pressed'], closedValues: ['released'], signal: 'rex' },
      }),
    ];
    expect(signals(rex, 'site/rex', 'pressed')).toEqual([{ kind: 'rex', active: true }]);
  });
});

describe('bad device input ends as a counted dead letter, never a throw', () => {
  const z = [b({ converter: 'zigbee2mqtt', device: 'front_door' })];
  it('non-JSON, wrong types, unknown topics, huge payloads', () => {
    expect(refusal(z, 'zigbee2mqtt/front_door', 'not json at all').reason).toMatch(/not JSON/);
    expect(refusal(z, 'zigbee2mqtt/front_door', '[1,2]').reason).toMatch(/not an object/);
    expect(refusal(z, 'zigbee2mqtt/front_door', '{"contact":"yes"}').reason).toMatch(
      /contact is not a boolean/,
    );
    expect(refusal(z, 'zigbee2mqtt/front_door', '{"battery":140}').reason).toMatch(
      /battery is not a percentage/,
    );
    expect(refusal(z, 'zigbee2mqtt/front_door', '{"linkquality":80}').reason).toMatch(/no contact/);
    const unknown = refusal(z, 'zigbee2mqtt/back_door', '{"contact":true}');
    expect(unknown).toMatchObject({
      reason: 'no sensor is configured for this topic',
      raw: Buffer.from('{"contact":true}').toString('base64'),
    });
    const huge = refusal(z, 'zigbee2mqtt/front_door', Buffer.alloc(100_000, 0x41));
    expect(huge).toMatchObject({ bytes: 100_000 });
    expect(Buffer.from(huge.raw, 'base64').length).toBe(1024);
    const router = new SensorRouter(z);
    router.route('zigbee2mqtt/front_door', Buffer.from('{"contact":true}'), 1);
    router.route('zigbee2mqtt/front_door', Buffer.from('garbage'), 2);
    router.route('nowhere', Buffer.from('x'), 3);
    expect(router.counters).toEqual({ accepted: 1, refused: 1, badFields: 0, unknownTopic: 1, tooLarge: 0 });
  });

  it('a bad side field is refused alone: the contact in the same message is taken, the refusal recorded', () => {
    for (const payload of [
      '{"contact":false,"battery":101}',
      '{"contact":false,"tamper":"false"}',
      '{"contact":false,"battery":"full","tamper":1}',
    ]) {
      const out = route(z, 'zigbee2mqtt/front_door', payload);
      const reading = out.find((r) => 'reading' in r);
      const dead = out.find((r) => 'deadLetter' in r);
      expect(reading && 'reading' in reading && reading.reading.signals).toEqual([
        { kind: 'contact', open: true },
      ]);
      expect(dead && 'deadLetter' in dead && dead.deadLetter).toMatchObject({
        reason: expect.stringMatching(
          /^zigbee2mqtt-front_door: refused .* is not a .*\(the rest was taken\)$/,
        ),
        raw: Buffer.from(payload).toString('base64'),
      });
    }
    // Shelly Gen2: a device time no clock can hold is refused; the window state is taken.
    const s = [b({ converter: 'shelly-gen2', device: 'plus' })];
    const rpc = (params: object) => JSON.stringify({ method: 'NotifyStatus', params });
    for (const ts of [1e308, -5, 'noon', null]) {
      const out = route(s, 'plus/events/rpc', rpc({ ts, 'window:0': { open: true } }));
      const reading = out.find((r) => 'reading' in r);
      expect(reading && 'reading' in reading && reading.reading).toEqual(
        expect.not.objectContaining({ deviceTime: expect.anything() }),
      );
      expect(reading && 'reading' in reading && reading.reading.signals).toEqual([
        { kind: 'contact', open: true },
      ]);
      expect(out.some((r) => 'deadLetter' in r && /ts is not a time/.test(r.deadLetter.reason))).toBe(true);
    }
    const router = new SensorRouter(z);
    router.route('zigbee2mqtt/front_door', Buffer.from('{"contact":true,"battery":101}'), 1);
    expect(router.counters).toMatchObject({ accepted: 1, badFields: 1, refused: 0 });
  });

  it('whatever else a Zigbee2MQTT message holds, a valid contact in it is never lost (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.dictionary(fc.constantFrom('battery', 'tamper', 'linkquality', 'voltage', 'x'), fc.jsonValue()),
        (closed, rest) => {
          const out = route(z, 'zigbee2mqtt/front_door', JSON.stringify({ ...rest, contact: closed }));
          const reading = out.find((r) => 'reading' in r);
          expect(reading && 'reading' in reading && reading.reading.signals[0]).toEqual({
            kind: 'contact',
            open: !closed,
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("random bytes on every converter's topics never throw", () => {
    const all: SensorBinding[] = [
      b({ converter: 'zigbee2mqtt', device: 'a' }),
      b({ converter: 'shelly-gen1', device: 'b' }),
      b({ converter: 'shelly-gen2', device: 'c' }),
      b({ converter: 'tasmota', device: 'd' }),
      b({ converter: 'esphome', device: 'e' }),
      b({
        converter: 'generic',
        device: 'f',
        id: 'g',
        generic: { topic: 'g/t', path: 'a.b', openValues: ['1'], closedValues: ['0'] },
      }),
    ];
    const router = new SensorRouter(all);
    fc.assert(
      fc.property(
        fc.constantFrom(...router.topics),
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.json().map((j) => Buffer.from(j)),
        ),
        (topic, bytes) => {
          const out = router.route(topic, Buffer.from(bytes), 1);
          expect(out.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
