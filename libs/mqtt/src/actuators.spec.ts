import { GatehouseBus, ManualClock } from '@gatehouse/contracts';
import {
  type ActuationReport,
  actuatorTopics,
  MqttDoorActuators,
  SWITCH_OFF_RETRY_MS,
  type SwitchOffReport,
} from './actuators';

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
    /** How the broker answers the next publishes: true takes it, false refuses it. */
    const brokerTakes: boolean[] = [];
    const mqtt = {
      clock,
      handleTopic: (t: string, h: (p: Buffer, topic: string) => void) => void handlers.set(t, h),
      publish: async (t: string, p: string) => {
        if (brokerTakes.shift() === false) throw new Error('not connected');
        published.push([t, p]);
      },
    };
    const reports: ActuationReport[] = [];
    const offReports: SwitchOffReport[] = [];
    const bus = new GatehouseBus();
    const actuators = new MqttDoorActuators(
      mqtt,
      bus,
      [{ door: 'd', kind: 'tasmota', device: 'strike' }],
      (r) => reports.push(r),
      2000,
      (r) => offReports.push(r),
    );
    actuators.start();
    const device = (state: 'ON' | 'OFF') =>
      handlers.get('stat/strike/POWER1')!(Buffer.from(state), 'stat/strike/POWER1');
    return { clock, published, handlers, reports, offReports, actuators, brokerTakes, device, bus };
  };
  const turns = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
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

  it('a switch-off that works first time, confirmed by the device, is reported by nobody', async () => {
    const { clock, published, offReports, actuators, device } = setup();
    void actuators.pulse('d', 3000);
    await turns();
    device('ON');
    clock.advance(3000);
    await turns();
    expect(published.at(-1)).toEqual(['cmnd/strike/POWER1', 'OFF']);
    device('OFF');
    await turns();
    expect(offReports).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a switch-off the broker refuses is reported stuck at once and retried until it works', async () => {
    const { clock, published, offReports, actuators, brokerTakes, device } = setup();
    void actuators.pulse('d', 3000);
    await turns();
    device('ON');
    brokerTakes.push(false, false);
    clock.advance(3000);
    await turns();
    expect(offReports).toEqual([
      {
        door: 'd',
        outcome: 'stuck',
        attempts: 1,
        detail: 'the broker did not take the switch-off: not connected',
      },
    ]);
    clock.advance(SWITCH_OFF_RETRY_MS[0]);
    await turns();
    expect(offReports).toHaveLength(1); // still refused, reported once
    clock.advance(SWITCH_OFF_RETRY_MS[1]);
    await turns();
    expect(published.at(-1)).toEqual(['cmnd/strike/POWER1', 'OFF']);
    device('OFF');
    await turns();
    expect(offReports.at(-1)).toEqual({ door: 'd', outcome: 'released', attempts: 3, detail: null });
  });

  it('a relay that never confirms the switch-off is retried a bounded number of times, then the alarm stands', async () => {
    const { clock, published, offReports, actuators, device } = setup();
    void actuators.pulse('d', 3000);
    await turns();
    device('ON');
    clock.advance(3000);
    for (let i = 0; i < 60; i++) {
      clock.advance(1000);
      await turns();
    }
    expect(published.filter(([, p]) => p === 'OFF')).toHaveLength(SWITCH_OFF_RETRY_MS.length + 1);
    expect(offReports).toEqual([
      { door: 'd', outcome: 'stuck', attempts: 1, detail: 'the relay did not confirm it switched off' },
    ]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("an earlier grant's switch-off does not cut a later grant's unlock time short", async () => {
    const { clock, published, actuators, device } = setup();
    void actuators.pulse('d', 5000);
    await turns();
    device('ON');
    clock.advance(4000);
    void actuators.pulse('d', 5000); // a second grant one second before the first ends
    await turns();
    device('ON');
    clock.advance(1000);
    await turns();
    expect(published.filter(([, p]) => p === 'OFF')).toHaveLength(0);
    clock.advance(4000);
    await turns();
    expect(published.filter(([, p]) => p === 'OFF')).toHaveLength(1);
  });
});
