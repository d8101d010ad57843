import { GatehouseBus, ManualClock, type AlarmRaised, type JournalEntryInput } from '@gatehouse/contracts';
import { DoorsService } from '@gatehouse/doors';

describe('DoorsService: sensors, grants and modes into door machines', () => {
  const setup = () => {
    const bus = new GatehouseBus();
    const entries: JournalEntryInput[] = [];
    const clock = new ManualClock('2026-06-01T09:00:00Z');
    const doors = new DoorsService(
      bus,
      { append: async (e: JournalEntryInput) => void entries.push(e) },
      clock,
      () => [{ id: 'd1', name: 'Door', unlockMs: 5000, heldOpenMs: 30_000 }],
      [
        { sensorId: 'c1', doorId: 'd1', role: 'contact' },
        { sensorId: 'p1', doorId: 'd1', role: 'contact' },
      ],
      { debounceMs: 0 },
    );
    const alarms: AlarmRaised[] = [];
    bus.on('alarm.raised', 'test', (a) => alarms.push(a));
    const at = () => clock.now().getTime();
    const read = (sensorId: string, signals: Parameters<typeof bus.emit<'sensor.reading'>>[1]['signals']) =>
      bus.emit('sensor.reading', { sensorId, signals, at: at(), origin: 'test' });
    return { bus, doors, alarms, entries, read, at, clock };
  };

  it('a people counter counting two through one grant raises tailgating', () => {
    const { bus, doors, alarms, read, at } = setup();
    read('c1', [{ kind: 'contact', open: false }]);
    bus.emit('access.decided', {
      readerId: 'r',
      doorId: 'd1',
      grant: true,
      reason: 'granted',
      unlockMs: 5000,
      awaitingPin: false,
      cardholderId: 'p',
      at: at(),
    });
    read('c1', [{ kind: 'contact', open: true }]);
    read('p1', [{ kind: 'people', count: 2 }]);
    expect(alarms.map((a) => a.type)).toEqual(['tailgating']);
    expect(doors.board()[0]!.alarms).toEqual(['tailgating']);
    doors.stop();
  });

  it('sensor offline, tamper and low battery raise their alarms once, and clear', () => {
    const { alarms, read, doors } = setup();
    read('c1', [{ kind: 'availability', online: true }]);
    read('c1', [{ kind: 'availability', online: false }]);
    read('c1', [{ kind: 'availability', online: false }]);
    read('c1', [{ kind: 'tamper', active: true }]);
    read('c1', [{ kind: 'battery', percent: 12 }]);
    read('c1', [{ kind: 'battery', percent: 11 }]);
    expect(alarms.map((a) => a.type)).toEqual(['sensor-offline', 'sensor-tamper', 'sensor-battery-low']);
    expect(doors.board()[0]!.sensors.find((s) => s.sensorId === 'c1')).toMatchObject({
      online: false,
      tamper: true,
      battery: 11,
    });
    doors.stop();
  });

  it('an unlocked mode suppresses forced and held alarms; readings for unknown sensors are ignored', () => {
    const { bus, alarms, read, doors } = setup();
    read('c1', [{ kind: 'contact', open: false }]);
    bus.emit('door.mode-changed', {
      doorId: 'd1',
      mode: 'unlocked',
      until: null,
      by: 'g',
      reason: 'open day',
    });
    read('c1', [{ kind: 'contact', open: true }]);
    read('nobody', [{ kind: 'contact', open: true }]);
    expect(alarms).toEqual([]);
    expect(doors.board()[0]!.phase).toBe('open');
    doors.stop();
  });

  it("refuses a delivery older than one already applied, by the device's own time", () => {
    const { bus, doors } = setup();
    const dead: string[] = [];
    bus.on('device.dead-letter', 'test', (d) => dead.push(d.reason));
    const at = Date.now();
    bus.emit('sensor.reading', {
      sensorId: 'c1',
      signals: [{ kind: 'contact', open: false }],
      at,
      origin: 't',
      deviceTime: 2000,
    });
    bus.emit('sensor.reading', {
      sensorId: 'c1',
      signals: [{ kind: 'contact', open: true }],
      at,
      origin: 't',
      deviceTime: 1000,
    });
    expect(dead).toEqual([expect.stringMatching(/^c1: out of order/)]);
    expect(doors.board()[0]!.phase).toBe('secure');
    doors.stop();
  });
});
