import { GatehouseBus, ManualClock } from '@gatehouse/contracts';
import { type ActuationReport, actuatorTopics, MqttDoorActuators } from './actuators';

describe('MQTT relay topics per ecosystem', () => {
  it("commands and confirms on each device family's own topics", () => {
    expect(actuatorTopics({ door: 'd', kind: 'shelly-gen1', device: 'shelly1-AB' })).toMatchObject({
      command: 'shellies/shelly1-AB/relay/0/command',
      state: 'shellies/shelly1-AB/relay/0',
      on: 'on',
      off: 'off',
    });
    const t = actuatorTopics({ door: 'd', kind: 'tasmota', device: 'strike', channel: '2' });
    expect(t).toMatchObject({
      command: 'cmnd/strike/POWER2',
      state: 'stat/strike/POWER2',
      on: 'ON',
      off: 'OFF',
    });
    expect([t.isOn('ON'), t.isOn('OFF'), t.isOn('TOGGLE')]).toEqual([true, false, null]);
    expect(actuatorTopics({ door: 'd', kind: 'esphome', device: 'door-node' })).toMatchObject({
      command: 'door-node/switch/lock/command',
      state: 'door-node/switch/lock/state',
    });
    const g = actuatorTopics({
      door: 'd',
      kind: 'generic',
      device: 'x',
      generic: {
        commandTopic: 'site/strike/set',
        stateTopic: 'site/strike',
        on: '1',
        off: '0',
        onState: 'unlocked',
        offState: 'locked',
      },
    });
    expect([g.command, g.on, g.isOn('unlocked'), g.isOn('locked'), g.isOn('?')]).toEqual([
      'site/strike/set',
      '1',
      true,
      false,
      null,
    ]);
  });
});

describe('MQTT relays on the injected clock', () => {
  const setup = () => {
    const clock = new ManualClock();
    const published: [string, string][] = [];
    const handlers = new Map<string, (p: Buffer, topic: string) => void>();
    const mqtt = {
      clock,
      handleTopic: (t: string, h: (p: Buffer, topic: string) => void) => void handlers.set(t, h),
      publish: async (t: string, p: string) => void published.push([t, p]),
    };
    const reports: ActuationReport[] = [];
    const actuators = new MqttDoorActuators(
      mqtt,
      new GatehouseBus(),
      [{ door: 'd', kind: 'tasmota', device: 'strike' }],
      (r) => reports.push(r),
      2000,
    );
    actuators.start();
    return { clock, published, handlers, reports, actuators };
  };

  it('switches off after the unlock time and reports the confirmation time, stepping time, not sleeping', async () => {
    const { clock, published, handlers, actuators } = setup();
    const pulse = actuators.pulse('d', 5000);
    await Promise.resolve();
    expect(published).toEqual([['cmnd/strike/POWER1', 'ON']]);
    clock.advance(120);
    handlers.get('stat/strike/POWER1')!(Buffer.from('ON'), 'stat/strike/POWER1');
    expect(await pulse).toEqual({ door: 'd', ms: 5000, confirmed: true, confirmMs: 120 });
    clock.advance(4879);
    expect(published).toHaveLength(1);
    clock.advance(1);
    expect(published).toEqual([
      ['cmnd/strike/POWER1', 'ON'],
      ['cmnd/strike/POWER1', 'OFF'],
    ]);
  });

  it('a relay that never confirms is reported unconfirmed when the time allowed runs out', async () => {
    const { clock, reports, actuators } = setup();
    const pulse = actuators.pulse('d', 5000);
    await Promise.resolve();
    clock.advance(1999);
    expect(reports).toEqual([]);
    clock.advance(1);
    expect(await pulse).toMatchObject({ confirmed: false, confirmMs: null });
    expect(clock.pendingTimers).toBe(1); // the switch-off is still due
  });
});
