import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AlarmRaised, GatehouseBus, ManualClock } from '@gatehouse/contracts';
import {
  journalConnectionStates,
  MqttDoorActuators,
  recordActuations,
  recordSwitchOffs,
} from '@gatehouse/mqtt';
import { openTestJournal } from '@gatehouse/testing';

/** Past the pulse's promise chain and the journal's commit at the next turn of the loop. */
const settled = async () => {
  for (let turn = 0; turn < 3; turn++) await new Promise((done) => setImmediate(done));
};

describe('what the MQTT adapter journals, on a real journal', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gh-mqtt-journal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const setup = async () => {
    const clock = new ManualClock();
    const { db, journal } = await openTestJournal(dir, clock);
    const failures: string[] = [];
    const bus = new GatehouseBus((event, owner, error) =>
      failures.push(`${event}/${owner}: ${(error as Error).message}`),
    );
    const alarms: AlarmRaised[] = [];
    bus.on('alarm.raised', 'test', (a) => void alarms.push(a));
    const entries = (type: string) =>
      (
        db
          .prepare('SELECT entry_json FROM journal_entries WHERE type = ? ORDER BY seq')
          .pluck()
          .all(type) as string[]
      ).map(
        (j) => JSON.parse(j) as { source: string; subjects: unknown[]; payload: Record<string, unknown> },
      );
    return { clock, db, journal, bus, failures, alarms, entries };
  };

  it('journals each relay pulse, and raises an alarm for one that does not confirm even when its entry fails', async () => {
    const { clock, db, journal, bus, failures, alarms, entries } = await setup();
    const handlers = new Map<string, (p: Buffer, topic: string) => void>();
    const mqtt = {
      clock,
      handleTopic: (t: string, h: (p: Buffer, topic: string) => void) => void handlers.set(t, h),
      publish: () => Promise.resolve(),
    };
    new MqttDoorActuators(
      mqtt,
      bus,
      [{ door: 'front', kind: 'tasmota', device: 'strike' }],
      recordActuations(journal, bus, clock),
    ).start();
    const pulse = () =>
      bus.emit('door.command', { doorId: 'front', action: 'pulse', ms: 3000, reason: 'test' });

    pulse();
    await settled();
    clock.advance(150);
    handlers.get('stat/strike/POWER1')!(Buffer.from('ON'), 'stat/strike/POWER1');
    await settled();
    expect(entries('door.actuator-confirmed').map((e) => [e.source, e.subjects, e.payload])).toEqual([
      ['mqtt', [{ kind: 'door', id: 'front' }], { door: 'front', ms: 3000, confirmed: true, confirmMs: 150 }],
    ]);
    expect(alarms).toEqual([]);

    pulse();
    await settled();
    clock.advance(2000);
    await settled();
    expect(entries('door.actuator-unconfirmed').map((e) => e.payload)).toEqual([
      { door: 'front', ms: 3000, confirmed: false, confirmMs: null },
    ]);
    expect(alarms).toEqual([
      {
        type: 'actuator-unconfirmed',
        priority: 'medium',
        silent: false,
        doorId: 'front',
        at: clock.now().getTime(),
        detail: 'the relay did not confirm it switched',
      },
    ]);

    await journal.close();
    pulse();
    await settled();
    clock.advance(2000);
    await settled();
    expect(alarms).toHaveLength(2);
    expect(failures).toEqual(['door.command/mqtt-actuators: the journal is closed']);
    expect(bus.failureCount).toBe(1);
    db.close();
  });

  it('a relay stuck on is journaled with a high alarm at once; its release is journaled and clears the cause', async () => {
    const { clock, db, journal, bus, failures, alarms, entries } = await setup();
    const cleared: unknown[] = [];
    bus.on('alarm.cleared', 'test', (c) => void cleared.push(c));
    const handlers = new Map<string, (p: Buffer, topic: string) => void>();
    let brokerUp = true;
    const mqtt = {
      clock,
      handleTopic: (t: string, h: (p: Buffer, topic: string) => void) => void handlers.set(t, h),
      publish: () => (brokerUp ? Promise.resolve() : Promise.reject(new Error('not connected'))),
    };
    new MqttDoorActuators(
      mqtt,
      bus,
      [{ door: 'front', kind: 'tasmota', device: 'strike' }],
      recordActuations(journal, bus, clock),
      2000,
      recordSwitchOffs(journal, bus, clock),
    ).start();
    const device = (state: string) =>
      handlers.get('stat/strike/POWER1')!(Buffer.from(state), 'stat/strike/POWER1');

    bus.emit('door.command', { doorId: 'front', action: 'pulse', ms: 3000, reason: 'test' });
    await settled();
    device('ON');
    await settled();
    brokerUp = false;
    clock.advance(3000);
    await settled();
    expect(entries('door.actuator-stuck-on').map((e) => e.payload)).toEqual([
      {
        door: 'front',
        outcome: 'stuck',
        attempts: 1,
        detail: 'the broker did not take the switch-off: not connected',
      },
    ]);
    expect(alarms).toEqual([
      expect.objectContaining({ type: 'actuator-stuck-on', priority: 'high', doorId: 'front' }),
    ]);

    brokerUp = true;
    clock.advance(1000);
    await settled();
    device('OFF');
    await settled();
    expect(entries('door.actuator-released').map((e) => e.payload)).toEqual([
      { door: 'front', outcome: 'released', attempts: 2, detail: null },
    ]);
    expect(cleared).toEqual([expect.objectContaining({ type: 'actuator-stuck-on', doorId: 'front' })]);
    expect(failures).toEqual([]);
    await journal.close();
    db.close();
  });

  it('journals each change of the broker connection; a write that fails is counted, not swallowed', async () => {
    const { clock, db, journal, bus, failures, entries } = await setup();
    const logged: unknown[] = [];
    const onConnection = journalConnectionStates(journal, bus, 'mqtts://broker.site:8883', (...line) =>
      logged.push(line),
    );
    onConnection({ state: 'connected', at: clock.now().getTime(), detail: 'new session' });
    onConnection({ state: 'reconnecting', at: clock.now().getTime() });
    await settled();
    expect(entries('device.mqtt-connected').map((e) => [e.source, e.payload])).toEqual([
      ['mqtt', { url: 'mqtts://broker.site:8883', detail: 'new session' }],
    ]);
    expect(entries('device.mqtt-reconnecting').map((e) => e.payload)).toEqual([
      { url: 'mqtts://broker.site:8883', detail: null },
    ]);
    expect(logged).toEqual([
      ['info', 'mqtt connection', { mqtt: 'connected', detail: 'new session' }],
      ['info', 'mqtt connection', { mqtt: 'reconnecting', detail: undefined }],
    ]);

    await journal.close();
    onConnection({ state: 'closed', at: clock.now().getTime() });
    await settled();
    expect(failures).toEqual(['device.mqtt-closed/mqtt-connection: the journal is closed']);
    db.close();
  });
});
