import { GatehouseBus, ManualClock, type AlarmRaised, type JournalEntryInput } from '@gatehouse/contracts';
import { DoorsService } from '@gatehouse/doors';

describe('DoorsService: sensors, grants and modes into door machines', () => {
  const setup = (timing: { debounceMs?: number } = { debounceMs: 0 }) => {
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
      timing,
    );
    const alarms: AlarmRaised[] = [];
    bus.on('alarm.raised', 'test', (a) => alarms.push(a));
    const at = () => clock.now().getTime();
    const read = (sensorId: string, signals: Parameters<typeof bus.emit<'sensor.reading'>>[1]['signals']) =>
      bus.emit('sensor.reading', { sensorId, signals, at: at(), origin: 'test' });
    /** A card granted at the door, now. */
    const grant = () =>
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
    return { bus, doors, alarms, entries, read, at, clock, grant };
  };

  it('a people counter counting two through one grant raises tailgating', () => {
    const { doors, alarms, read, grant } = setup();
    read('c1', [{ kind: 'contact', open: false }]);
    grant();
    read('c1', [{ kind: 'contact', open: true }]);
    read('p1', [{ kind: 'people', count: 2 }]);
    expect(alarms.map((a) => a.type)).toEqual(['tailgating']);
    expect(doors.board()[0]!.alarms).toEqual(['tailgating']);
    doors.stop();
  });

  it("the board says since when a door is in its phase, and who a grant let through (on the door's entry)", () => {
    const { doors, read, grant, clock, entries } = setup();
    expect(doors.board()[0]).toMatchObject({ since: null, lastThrough: null });
    read('c1', [{ kind: 'contact', open: false }]);
    clock.advance(2000);
    grant();
    expect(doors.board()[0]).toMatchObject({
      phase: 'unlocked',
      since: clock.now().toISOString(),
      lastThrough: null,
    });
    clock.advance(1000);
    read('c1', [{ kind: 'contact', open: true }]);
    const opened = clock.now().toISOString();
    expect(doors.board()[0]).toMatchObject({
      phase: 'open',
      since: opened,
      lastThrough: { cardholderId: 'p', at: opened },
    });
    const entry = entries.find((e) => e.type === 'door.open')!;
    expect(entry.payload).toMatchObject({ through: 'p' });
    expect(entry.subjects).toContainEqual({ kind: 'person', id: 'p' });
    // A grant is used once: opening again after it ran out is forced, and names nobody new.
    read('c1', [{ kind: 'contact', open: false }]);
    clock.advance(10_000);
    read('c1', [{ kind: 'contact', open: true }]);
    expect(doors.board()[0]).toMatchObject({
      phase: 'forced',
      lastThrough: { cardholderId: 'p', at: opened },
    });
    expect(entries.find((e) => e.type === 'door.forced')!.payload).not.toHaveProperty('through');
    doors.stop();
  });

  it("restores each door's last person through from the journal's newest door.open entries, never over a live one", () => {
    const { doors, read, grant, clock } = setup();
    read('c1', [{ kind: 'contact', open: false }]);
    const entry = (doorId: string, through: string | null, at: number) => ({
      type: 'door.open',
      subjects: [{ kind: 'door' as const, id: doorId }],
      payload: { phase: 'open', at, ...(through ? { through } : {}) },
    });
    const earlier = clock.now().getTime() - 60_000;
    // Newest first: the newest opening names nobody (a request to exit), the one before names "q".
    expect(
      doors.restoreLastThrough([
        entry('d1', null, earlier + 2),
        entry('d1', 'q', earlier + 1),
        entry('d1', 'old', earlier),
      ]),
    ).toBe(1);
    expect(doors.board()[0]!.lastThrough).toEqual({
      cardholderId: 'q',
      at: new Date(earlier + 1).toISOString(),
    });
    grant();
    read('c1', [{ kind: 'contact', open: true }]);
    expect(doors.restoreLastThrough([entry('d1', 'late', earlier + 5)])).toBe(0);
    expect(doors.board()[0]!.lastThrough?.cardholderId).toBe('p');
    doors.stop();
  });

  describe('since when a door is as it is, across a restart', () => {
    const phaseEntry = (doorId: string, phase: string, at: number, since?: number) => ({
      type: `door.${phase}`,
      subjects: [{ kind: 'door' as const, id: doorId }],
      payload: { phase, at, ...(since !== undefined ? { since } : {}) },
    });

    it('a door found in the phase it had before the restart keeps its old since, and says so on its entry', () => {
      const { doors, read, clock, entries } = setup();
      const before = clock.now().getTime() - 3 * 3600_000;
      // Newest first: secure three hours ago, open before that; another door's entry is not this one's.
      expect(
        doors.restorePhases([
          phaseEntry('d1', 'secure', before),
          phaseEntry('d1', 'open', before - 1000),
          phaseEntry('d2', 'forced', before),
        ]),
      ).toBe(2);
      read('c1', [{ kind: 'contact', open: false }]);
      expect(doors.board()[0]).toMatchObject({ phase: 'secure', since: new Date(before).toISOString() });
      expect(entries.at(-1)).toMatchObject({
        type: 'door.secure',
        payload: { phase: 'secure', at: clock.now().getTime(), since: before },
      });
      // The next change is its own: since then.
      clock.advance(1000);
      read('c1', [{ kind: 'contact', open: true }]);
      expect(doors.board()[0]!.since).toBe(clock.now().toISOString());
      doors.stop();
    });

    it('a door found in another phase, or with an entry that is not a phase, starts its since now', () => {
      const { doors, read, clock } = setup();
      const before = clock.now().getTime() - 60_000;
      expect(
        doors.restorePhases([
          { type: 'door.lockdown-started', subjects: [{ kind: 'door', id: 'd1' }], payload: { at: before } },
          phaseEntry('d1', 'held', Number.NaN),
          phaseEntry('d1', 'open', before),
        ]),
      ).toBe(1);
      read('c1', [{ kind: 'contact', open: false }]);
      expect(doors.board()[0]).toMatchObject({ phase: 'secure', since: clock.now().toISOString() });
      doors.stop();
    });

    it('a restore that comes after the first reading still carries the since; one after a real change does not', () => {
      const { doors, read, clock } = setup();
      const before = clock.now().getTime() - 60_000;
      read('c1', [{ kind: 'contact', open: false }]);
      expect(doors.restorePhases([phaseEntry('d1', 'secure', before - 5, before)])).toBe(1);
      expect(doors.board()[0]!.since).toBe(new Date(before).toISOString());
      clock.advance(1000);
      read('c1', [{ kind: 'contact', open: true }]);
      expect(doors.restorePhases([phaseEntry('d1', 'open', before)])).toBe(0);
      expect(doors.board()[0]!.since).toBe(clock.now().toISOString());
      doors.stop();
    });
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

  it('a lockdown relocks a door a card unlocked just before: secure at once, an opening after it forced', () => {
    const { bus, alarms, read, doors, grant, clock } = setup();
    read('c1', [{ kind: 'contact', open: false }]);
    grant();
    expect(doors.board()[0]!.phase).toBe('unlocked');
    clock.advance(1000);
    bus.emit('door.mode-changed', { doorId: 'd1', mode: 'lockdown', until: null, by: 'g', reason: 'drill' });
    expect(doors.board()[0]).toMatchObject({ phase: 'secure', since: clock.now().toISOString() });
    clock.advance(1000);
    read('c1', [{ kind: 'contact', open: true }]);
    expect(alarms.map((a) => a.type)).toEqual(['forced-open']);
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
    const { bus, doors, at: now } = setup();
    const dead: string[] = [];
    bus.on('device.dead-letter', 'test', (d) => dead.push(d.reason));
    const at = now();
    bus.emit('sensor.reading', {
      sensorId: 'c1',
      signals: [{ kind: 'contact', open: false }],
      at,
      origin: 't',
      deviceTime: at - 1000,
    });
    bus.emit('sensor.reading', {
      sensorId: 'c1',
      signals: [{ kind: 'contact', open: true }],
      at,
      origin: 't',
      deviceTime: at - 2000,
    });
    expect(dead).toEqual([expect.stringMatching(/^c1: out of order/)]);
    expect(doors.board()[0]!.phase).toBe('secure');
    doors.stop();
  });

  it('a device time outside the sane window is refused without freezing the door; 1e308 throws nowhere', () => {
    const { bus, doors, at, alarms, clock } = setup();
    const dead: string[] = [];
    bus.on('device.dead-letter', 'test', (d) => dead.push(d.reason));
    const failures = bus.failureCount;
    const reading = (open: boolean, deviceTime: number) =>
      bus.emit('sensor.reading', {
        sensorId: 'c1',
        signals: [{ kind: 'contact', open }],
        at: at(),
        origin: 't',
        deviceTime,
      });
    reading(false, at());
    clock.advance(1000);
    reading(true, at() + 86_400_000); // a day ahead: refused as a time, taken at arrival
    expect(doors.board()[0]!.phase).toBe('forced');
    clock.advance(1000);
    reading(false, at()); // a sane time after it: not "out of order"
    expect(doors.board()[0]!.phase).toBe('secure');
    reading(true, 1e308);
    reading(true, Infinity);
    expect(bus.failureCount).toBe(failures);
    expect(dead).toEqual([
      expect.stringMatching(/^c1: device time 2026-06-02T09:00:01.000Z is outside the sane window/),
      expect.stringMatching(/^c1: device time 1e\+308 is outside/),
      expect.stringMatching(/^c1: device time Infinity is outside/),
    ]);
    expect(alarms.map((a) => a.type)).toEqual(['forced-open', 'forced-open']);
    doors.stop();
  });

  it('journals every reading and every bounce; nothing a sensor says vanishes', () => {
    const { bus, doors, entries, clock, at } = setup({ debounceMs: 250 });
    const read = (open: boolean) =>
      bus.emit('sensor.reading', {
        sensorId: 'c1',
        signals: [{ kind: 'contact', open }],
        at: at(),
        origin: 't',
      });
    read(false);
    clock.advance(1000);
    read(true);
    clock.advance(50);
    read(false);
    clock.advance(1000);
    expect(entries.filter((e) => e.type === 'sensor.reading')).toHaveLength(3);
    expect(entries.filter((e) => e.type === 'door.contact-bounced')).toEqual([
      expect.objectContaining({ payload: { open: true, at: at() - 1050, back: at() - 1000 } }),
    ]);
    expect(doors.board()[0]!.phase).toBe('secure');
    doors.stop();
  });

  it('late readings with no device time: one "used while away" notice per door and outage, no forced alarm', () => {
    const { bus, doors, alarms, at } = setup({ debounceMs: 250 });
    const late = (open: boolean, outage: string) =>
      bus.emit('sensor.reading', {
        sensorId: 'c1',
        signals: [{ kind: 'contact', open }],
        at: at(),
        origin: 't',
        late: outage,
      });
    bus.emit('sensor.reading', {
      sensorId: 'c1',
      signals: [{ kind: 'contact', open: false }],
      at: at(),
      origin: 't',
      retained: true,
    });
    for (let i = 0; i < 50; i++) late(i % 2 === 0, 'outage-1');
    expect(alarms.map((a) => a.type)).toEqual(['used-while-away']);
    expect(doors.board()[0]!.phase).toBe('secure');
    for (let i = 0; i < 4; i++) late(i % 2 === 0, 'outage-2');
    expect(alarms.map((a) => a.type)).toEqual(['used-while-away', 'used-while-away']);
    doors.stop();
  });

  it('a retained open is the current state without alarm; a live open right after start is judged', () => {
    const { bus, doors, alarms, at } = setup({ debounceMs: 250 });
    bus.emit('sensor.reading', {
      sensorId: 'c1',
      signals: [{ kind: 'contact', open: true }],
      at: at(),
      origin: 't',
      retained: true,
    });
    expect(doors.board()[0]).toMatchObject({ phase: 'open', alarms: [] });
    const live = setup({ debounceMs: 0 });
    live.bus.emit('sensor.reading', {
      sensorId: 'c1',
      signals: [{ kind: 'contact', open: true }],
      at: live.at(),
      origin: 't',
    });
    expect(live.alarms.map((a) => a.type)).toEqual(['forced-open']);
    expect(alarms).toEqual([]);
    doors.stop();
    live.doors.stop();
  });

  it('settles a contact and raises held-open on the injected clock: time is stepped, not slept', () => {
    const { bus, doors, alarms, clock, at, grant } = setup({ debounceMs: 250 });
    bus.emit('sensor.reading', {
      sensorId: 'c1',
      signals: [{ kind: 'contact', open: false }],
      at: at(),
      origin: 't',
    });
    clock.advance(300);
    expect(doors.board()[0]!.phase).toBe('secure');
    grant();
    bus.emit('sensor.reading', {
      sensorId: 'c1',
      signals: [{ kind: 'contact', open: true }],
      at: at(),
      origin: 't',
    });
    clock.advance(31_000);
    expect(alarms.map((a) => a.type)).toEqual(['held-open-warning', 'held-open']);
    doors.stop();
  });

  it('the board shows every door, sensor or not, and flags a sensor never heard from after the grace period', () => {
    const defined = [{ id: 'd1', name: 'Door', unlockMs: 5000, heldOpenMs: 30_000 }];
    const bus = new GatehouseBus();
    const clock = new ManualClock('2026-06-01T09:00:00Z');
    const doors = new DoorsService(
      bus,
      { append: async () => undefined },
      clock,
      () => defined,
      [
        { sensorId: 'c1', doorId: 'd1', role: 'contact' },
        { sensorId: 'c2', doorId: 'd1', role: 'rex' },
      ],
      {},
      { sensorGraceMs: 60_000 },
    );
    // Created after start, never reported by any sensor: still on the board.
    for (let i = 0; i < 107; i++)
      defined.push({ id: `new-${i}`, name: `New ${i}`, unlockMs: 5000, heldOpenMs: 30_000 });
    expect(doors.board()).toHaveLength(108);
    expect(doors.board().find((d) => d.doorId === 'new-9')).toMatchObject({ phase: 'unknown', sensors: [] });
    bus.emit('sensor.reading', {
      sensorId: 'c1',
      signals: [{ kind: 'contact', open: false }],
      at: 0,
      origin: 't',
    });
    // A sensor's door the access context does not know yet (a site seeded after the broker delivered).
    const late = new DoorsService(bus, { append: async () => undefined }, clock, () => defined, [
      { sensorId: 'x1', doorId: 'seeded-later', role: 'contact' },
    ]);
    bus.emit('sensor.reading', {
      sensorId: 'x1',
      signals: [{ kind: 'contact', open: true }],
      at: 0,
      origin: 't',
      retained: true,
    });
    defined.push({ id: 'seeded-later', name: 'Seeded later', unlockMs: 5000, heldOpenMs: 30_000 });
    expect(late.board().find((d) => d.doorId === 'seeded-later')).toMatchObject({
      name: 'Seeded later',
      phase: 'open',
    });
    late.stop();
    const flags = () => doors.board()[0]!.sensors.map((s) => [s.sensorId, s.neverHeard]);
    expect(flags()).toEqual([
      ['c1', false],
      ['c2', false],
    ]);
    clock.advance(60_000);
    expect(flags()).toEqual([
      ['c1', false],
      ['c2', true],
    ]);
    doors.stop();
  });

  it('a journal write that fails is counted and reported by the bus, not swallowed', async () => {
    const failures: string[] = [];
    const bus = new GatehouseBus((event, owner, error) =>
      failures.push(`${event}/${owner}: ${(error as Error).message}`),
    );
    const doors = new DoorsService(
      bus,
      { append: () => Promise.reject(new Error('the journal is closed')) },
      new ManualClock(),
      () => [{ id: 'd1', name: 'Door', unlockMs: 5000, heldOpenMs: 30_000 }],
      [{ sensorId: 'c1', doorId: 'd1', role: 'contact' }],
      { debounceMs: 0 },
    );
    bus.emit('sensor.reading', {
      sensorId: 'c1',
      signals: [{ kind: 'tamper', active: true }],
      at: Date.parse('2026-01-05T08:00:00Z'),
      origin: 'test',
    });
    await new Promise((done) => setImmediate(done));
    expect(failures).toEqual(['sensor.reading/doors: the journal is closed']);
    expect(bus.failureCount).toBe(1);
    doors.stop();
  });
});
