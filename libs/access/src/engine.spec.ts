import fc from 'fast-check';
import { AccessEngine, type DecisionRequest, type PinOutcome } from './engine';
import { AccessIndex, type AccessSnapshot, type CredentialRecord } from './index-data';
import type { AccessLevel, Cardholder, Door, DoorMode, Reason, Schedule, ScheduleInterval } from './model';

const ZONES = [
  'UTC',
  'Europe/London',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Europe/Paris',
];
const T0 = Date.parse('2026-01-01T00:00:00Z');
const YEAR = 365 * 86_400_000;

// ---------- the slow, obviously correct reference ----------

/** Local wall time by a different route than the engine's (a formatted string, parsed). */
const localOf = (zone: string, at: number) => {
  const s = new Date(at).toLocaleString('sv-SE', { timeZone: zone, hourCycle: 'h23' }); // "2026-03-29 02:30:00"
  const [date, time] = s.split(' ') as [string, string];
  const weekday = ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
  const [h, m] = time.split(':').map(Number) as [number, number];
  return { date, weekday, minute: h * 60 + m };
};
const toMin = (t: string) => (t === '24:00' ? 1440 : Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)));
const covers = (ivs: ScheduleInterval[], weekday: number, minute: number) =>
  ivs.some((iv) => iv.days.includes(weekday) && minute >= toMin(iv.start) && minute < toMin(iv.end));
const refSchedule = (s: Schedule, holidays: string[], at: number): 'active' | 'inactive' | 'holiday' => {
  const l = localOf(s.timeZone, at);
  if (holidays.includes(l.date)) {
    if (covers(s.holidayIntervals, l.weekday, l.minute)) return 'active';
    return covers(s.intervals, l.weekday, l.minute) ? 'holiday' : 'inactive';
  }
  return covers(s.intervals, l.weekday, l.minute) ? 'active' : 'inactive';
};

interface Site extends AccessSnapshot {
  manual: { doorId: string; mode: DoorMode } | null;
}

const reference = (site: Site, req: DecisionRequest): { grant: boolean; reason: Reason } => {
  const door = site.doors.find((d) => d.readers.some((r) => r.id === req.readerId));
  if (!door) return { grant: false, reason: 'unknown-reader' };
  const mode: DoorMode = site.manual?.doorId === door.id ? site.manual.mode : door.mode;
  const cred = site.credentials.find((c) => c.format === req.format && c.number === req.number);
  const person = cred && site.cardholders.find((c) => c.id === cred.cardholderId);
  if (mode === 'emergency') return { grant: true, reason: 'granted-emergency' };
  if (!cred || !person) return { grant: false, reason: 'unknown-credential' };
  if (cred.state !== 'active') return { grant: false, reason: `credential-${cred.state}` as Reason };
  if (cred.validFrom !== null && req.at < cred.validFrom)
    return { grant: false, reason: 'credential-not-yet-valid' };
  if (cred.validUntil !== null && req.at >= cred.validUntil)
    return { grant: false, reason: 'credential-expired' };
  if (
    cred.expireUnusedDays !== null &&
    req.at - (cred.lastUsedAt ?? cred.createdAt) > cred.expireUnusedDays * 86_400_000
  ) {
    return { grant: false, reason: 'credential-expired-unused' };
  }
  if (person.state !== 'active') return { grant: false, reason: 'cardholder-inactive' };
  if (person.watchListed) return { grant: false, reason: 'watch-listed' };
  if (mode === 'lockdown' && !person.privileged) return { grant: false, reason: 'door-lockdown' };
  const levelIds = new Set([
    ...person.levelIds,
    ...person.groupIds.flatMap((g) => site.groups.find((x) => x.id === g)?.levelIds ?? []),
  ]);
  const levels = site.levels.filter((l) => levelIds.has(l.id) && l.doorIds.includes(door.id));
  if (levels.length === 0) return { grant: false, reason: 'no-access-level' };
  const states = levels.map((l) => {
    const s = site.schedules.find((x) => x.id === l.scheduleId);
    return s
      ? refSchedule(
          s,
          site.holidays.map((h) => h.date),
          req.at,
        )
      : 'inactive';
  });
  if (!states.includes('active'))
    return { grant: false, reason: states.includes('holiday') ? 'holiday' : 'outside-schedule' };
  if (mode === 'card-and-pin' || cred.format === 'pin-only') {
    if (req.pin === undefined) return { grant: false, reason: 'pin-required' };
    if (req.pin === 'wrong') return { grant: false, reason: 'pin-wrong' };
  }
  if (door.escortRequired && person.kind === 'visitor') return { grant: false, reason: 'escort-required' };
  return { grant: true, reason: 'granted' };
};

// ---------- generators ----------

/** Mostly null, sometimes a value: validity windows are the exception, not the rule. */
const rarely = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const intervalsArb = fc
  .array(
    fc.record({
      days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      slot: fc.integer({ min: 0, max: 1 }),
      start: fc.integer({ min: 0, max: 700 }),
      length: fc.integer({ min: 1, max: 1440 }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  // One interval per half day at most, so generated intervals never overlap.
  .map((raw) => {
    const seen = new Set<number>();
    return raw
      .filter((r) => !seen.has(r.slot) && seen.add(r.slot))
      .map((r) => {
        const start = r.slot * 720 + Math.min(r.start, 719);
        const end = Math.min(r.slot * 720 + 720, start + r.length);
        return { days: r.days, start: hhmm(start), end: end === 1440 ? '24:00' : hhmm(end) };
      });
  });

const siteArb = fc
  .record({
    schedules: fc.array(
      fc.record({ tz: fc.constantFrom(...ZONES), intervals: intervalsArb, holidayIntervals: intervalsArb }),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
    holidayDays: fc.array(fc.integer({ min: 0, max: 364 }), { maxLength: 120 }),
    doors: fc.array(
      fc.record({
        mode: fc.constantFrom('locked', 'card-only', 'card-and-pin' as const),
        exitReader: fc.boolean(),
        escort: fc.boolean(),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    levels: fc.array(
      fc.record({
        schedule: fc.nat(),
        doors: fc.uniqueArray(fc.nat({ max: 3 }), { minLength: 2, maxLength: 4 }),
      }),
      {
        minLength: 1,
        maxLength: 5,
      },
    ),
    groups: fc.array(fc.uniqueArray(fc.nat({ max: 4 }), { maxLength: 3 }), { maxLength: 3 }),
    people: fc.array(
      fc.record({
        state: fc.oneof(
          { weight: 12, arbitrary: fc.constant('active' as const) },
          fc.constantFrom('suspended', 'left' as const),
        ),
        kind: fc.constantFrom('employee', 'contractor', 'visitor' as const),
        privileged: fc.boolean(),
        watchListed: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, fc.constant(true)),
        levels: fc.uniqueArray(fc.nat({ max: 4 }), { minLength: 1, maxLength: 3 }),
        groups: fc.uniqueArray(fc.nat({ max: 2 }), { maxLength: 2 }),
        creds: fc.array(
          fc.record({
            state: fc.oneof(
              { weight: 20, arbitrary: fc.constant('active' as const) },
              fc.constantFrom('suspended', 'lost', 'revoked' as const),
            ),
            format: fc.constantFrom('H10301', 'H10301', 'pin-only' as const),
            from: rarely(fc.integer({ min: 0, max: YEAR })),
            until: rarely(fc.integer({ min: 0, max: YEAR })),
            unusedDays: rarely(fc.integer({ min: 1, max: 90 })),
            lastUsed: fc.option(fc.integer({ min: 0, max: YEAR })),
          }),
          { minLength: 1, maxLength: 2 },
        ),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    manual: fc.option(
      fc.record({
        door: fc.nat({ max: 3 }),
        mode: fc.constantFrom<DoorMode>('lockdown', 'emergency', 'card-and-pin', 'card-only'),
      }),
      {
        freq: 3,
      },
    ),
  })
  .map((g): Site => {
    const schedules: Schedule[] = g.schedules.map((s, i) => ({
      id: `s${i}`,
      name: `S${i}`,
      timeZone: s.tz,
      intervals: s.intervals,
      holidayIntervals: s.holidayIntervals,
    }));
    const doors: Door[] = g.doors.map((d, i) => ({
      id: `d${i}`,
      name: `Door ${i}`,
      readers: [
        { id: `r${i}-in`, direction: 'entry' },
        ...(d.exitReader ? [{ id: `r${i}-out`, direction: 'exit' as const }] : []),
      ],
      zoneOut: 'outside',
      zoneIn: `z${i}`,
      mode: d.mode,
      unlockMs: 5000,
      heldOpenMs: 30000,
      unlockScheduleId: null,
      firstPersonIn: false,
      antiPassback: 'none',
      antiPassbackKind: 'zone',
      antiPassbackSeconds: 0,
      escortRequired: d.escort,
      lock: null,
      contact: null,
      rex: null,
    }));
    const levels: AccessLevel[] = g.levels.map((l, i) => ({
      id: `l${i}`,
      name: `L${i}`,
      scheduleId: `s${l.schedule % schedules.length}`,
      doorIds: l.doors.filter((x) => x < doors.length).map((x) => `d${x}`),
    }));
    const cardholders: Cardholder[] = [];
    const credentials: CredentialRecord[] = [];
    g.people.forEach((p, i) => {
      cardholders.push({
        id: `p${i}`,
        name: `Person ${i}`,
        employeeNumber: `E${i}`,
        department: null,
        directoryAccount: null,
        kind: p.kind,
        state: p.state,
        privileged: p.privileged,
        watchListed: p.watchListed,
        levelIds: p.levels.map((l) => `l${l}`),
        groupIds: p.groups.filter((x) => x < g.groups.length).map((x) => `g${x}`),
        hasPhoto: false,
      });
      p.creds.forEach((c, j) =>
        credentials.push({
          id: `c${i}-${j}`,
          cardholderId: `p${i}`,
          format: c.format,
          number: `${i}:${j}`,
          hasPin: true,
          hasDuressPin: true,
          pinHash: null,
          duressPinHash: null,
          validFrom: c.from === null ? null : T0 + c.from,
          validUntil: c.until === null ? null : T0 + c.until,
          state: c.state,
          expireUnusedDays: c.unusedDays,
          lastUsedAt: c.lastUsed === null ? null : T0 + c.lastUsed,
          createdAt: T0,
        }),
      );
    });
    return {
      zones: [],
      doors,
      schedules,
      holidays: g.holidayDays.map((d, i) => ({
        id: `h${i}`,
        name: 'Holiday',
        date: new Date(T0 + d * 86_400_000).toISOString().slice(0, 10),
      })),
      levels,
      groups: g.groups.map((levelIdx, i) => ({
        id: `g${i}`,
        name: `G${i}`,
        levelIds: levelIdx.map((l) => `l${l}`),
      })),
      cardholders,
      credentials,
      manual:
        g.manual && g.manual.door < doors.length
          ? { doorId: `d${g.manual.door}`, mode: g.manual.mode }
          : null,
    };
  });

const requestArb = (site: Site) =>
  fc.record({
    reader: fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...site.doors.flatMap((d) => d.readers.map((r) => r.id))) },
      { weight: 1, arbitrary: fc.constant('nowhere') },
    ),
    credential: fc.oneof(
      {
        weight: 12,
        arbitrary: fc.constantFrom(...site.credentials.map((c) => [c.format, c.number] as const)),
      },
      { weight: 1, arbitrary: fc.constant(['H10301', '999:999'] as const) },
    ),
    // Instants through the whole year, daylight-saving changes included.
    at: fc.integer({ min: 0, max: YEAR }).map((ms) => T0 + ms),
    pin: fc.constantFrom<PinOutcome | undefined>(undefined, 'ok', 'wrong', 'duress'),
  });

describe('access engine against the reference evaluator (fast-check)', () => {
  it('gives the same grant and reason for random sites, people, levels, schedules and times', () => {
    fc.assert(
      fc.property(
        siteArb.chain((site) => fc.tuple(fc.constant(site), requestArb(site))),
        ([site, r]) => {
          const engine = new AccessEngine(AccessIndex.build(site));
          if (site.manual)
            engine.manualModes.set(site.manual.doorId, {
              mode: site.manual.mode,
              until: null,
              by: 'test',
              reason: 'test',
            });
          const req: DecisionRequest = {
            readerId: r.reader,
            format: r.credential[0],
            number: r.credential[1],
            at: r.at,
            pin: r.pin,
          };
          const expected = reference(site, req);
          const got = engine.decide(req);
          expect({ grant: got.grant, reason: got.reason }).toEqual(expected);
          if (got.grant && r.pin === 'duress' && got.reason === 'granted') {
            const needsPin =
              got.mode === 'card-and-pin' ||
              site.credentials.find((c) => c.id === got.credentialId)?.format === 'pin-only';
            if (needsPin) expect(got.alarms.map((a) => a.type)).toContain('duress');
          }
        },
      ),
      { numRuns: 4000 },
    );
  });
});
