import { actuatorTopics } from './actuators';

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
