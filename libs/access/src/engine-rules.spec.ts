import { DomainError } from '@gatehouse/contracts';
import { AccessEngine } from './engine';
import { AccessIndex, type AccessSnapshot, type CredentialRecord } from './index-data';
import type { Cardholder, Door } from './model';
import { LocalClock, compileSchedule, scheduleState, validateSchedule } from './schedule';

const door = (over: Partial<Door> = {}): Door => ({
  id: 'd1',
  name: 'Lobby',
  readers: [
    { id: 'in', direction: 'entry' },
    { id: 'out', direction: 'exit' },
  ],
  zoneOut: 'outside',
  zoneIn: 'lobby',
  mode: 'card-only',
  unlockMs: 4000,
  heldOpenMs: 30000,
  unlockScheduleId: null,
  firstPersonIn: false,
  antiPassback: 'none',
  antiPassbackKind: 'zone',
  antiPassbackSeconds: 60,
  escortRequired: false,
  lock: null,
  contact: null,
  rex: null,
  ...over,
});
const person = (over: Partial<Cardholder> = {}): Cardholder => ({
  id: 'p1',
  name: 'Ann',
  employeeNumber: 'E1',
  department: null,
  directoryAccount: 'ann',
  kind: 'employee',
  state: 'active',
  privileged: false,
  watchListed: false,
  levelIds: ['all-day'],
  groupIds: [],
  hasPhoto: false,
  ...over,
});
const cred = (over: Partial<CredentialRecord> = {}): CredentialRecord => ({
  id: 'c1',
  cardholderId: 'p1',
  format: 'H10301',
  number: '12:345',
  hasPin: true,
  hasDuressPin: true,
  pinHash: null,
  duressPinHash: null,
  validFrom: null,
  validUntil: null,
  state: 'active',
  expireUnusedDays: null,
  lastUsedAt: null,
  createdAt: Date.parse('2026-01-01T00:00:00Z'),
  ...over,
});
const site = (over: Partial<AccessSnapshot> = {}): AccessSnapshot => ({
  zones: [],
  doors: [door()],
  schedules: [
    {
      id: 'always',
      name: 'Always',
      timeZone: 'UTC',
      intervals: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
      holidayIntervals: [],
    },
    {
      id: 'office',
      name: 'Office',
      timeZone: 'Europe/London',
      intervals: [{ days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' }],
      holidayIntervals: [],
    },
  ],
  holidays: [],
  levels: [
    { id: 'all-day', name: 'All day', scheduleId: 'always', doorIds: ['d1'] },
    { id: 'office-hours', name: 'Office hours', scheduleId: 'office', doorIds: ['d1'] },
  ],
  groups: [],
  cardholders: [person()],
  credentials: [cred()],
  ...over,
});
const read = (e: AccessEngine, readerId: string, at: string | number, pin?: 'ok' | 'wrong' | 'duress') =>
  e.decide({
    readerId,
    format: 'H10301',
    number: '12:345',
    at: typeof at === 'number' ? at : Date.parse(at),
    pin,
  });

describe('schedules', () => {
  it('follow local wall time across daylight-saving changes (Europe/London, 29 March 2026)', () => {
    const office = compileSchedule(site().schedules[1]!);
    const clock = new LocalClock();
    const none = new Set<string>();
    // Friday 27 March, 07:30 UTC = 07:30 GMT: before opening.
    expect(scheduleState(office, none, Date.parse('2026-03-27T07:30:00Z'), clock)).toBe('inactive');
    // Monday 30 March, 07:30 UTC = 08:30 BST: open, although the UTC time is the same.
    expect(scheduleState(office, none, Date.parse('2026-03-30T07:30:00Z'), clock)).toBe('active');
    expect(scheduleState(office, none, Date.parse('2026-03-30T16:59:00Z'), clock)).toBe('active'); // 17:59 BST
    expect(scheduleState(office, none, Date.parse('2026-03-30T17:00:00Z'), clock)).toBe('inactive'); // 18:00 BST
  });

  it('are closed on holidays unless holiday intervals say otherwise', () => {
    const s = compileSchedule({
      ...site().schedules[1]!,
      holidayIntervals: [{ days: [1], start: '10:00', end: '12:00' }],
    });
    const holidays = new Set(['2026-05-04']); // a Monday
    const clock = new LocalClock();
    expect(scheduleState(s, holidays, Date.parse('2026-05-04T08:30:00Z'), clock)).toBe('holiday');
    expect(scheduleState(s, holidays, Date.parse('2026-05-04T09:30:00Z'), clock)).toBe('active');
  });

  it('refuses inverted, overlapping, malformed intervals and unknown zones, naming them', () => {
    const base = { timeZone: 'UTC', holidayIntervals: [] };
    const problem = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        return (e as DomainError).message;
      }
      throw new Error('expected a refusal');
    };
    expect(
      problem(() => validateSchedule({ ...base, intervals: [{ days: [1], start: '18:00', end: '08:00' }] })),
    ).toMatch(/ends \(08:00\) at or before it starts/);
    expect(
      problem(() =>
        validateSchedule({
          ...base,
          intervals: [
            { days: [1, 2], start: '08:00', end: '12:00' },
            { days: [2], start: '11:00', end: '13:00' },
          ],
        }),
      ),
    ).toMatch(/^interval 2 overlaps interval 1 on Tuesday$/);
    expect(
      problem(() => validateSchedule({ ...base, intervals: [{ days: [8], start: '08:00', end: '12:00' }] })),
    ).toMatch(/ISO weekdays/);
    expect(
      problem(() => validateSchedule({ ...base, intervals: [{ days: [1], start: '8am', end: '12:00' }] })),
    ).toMatch(/HH:MM/);
    expect(problem(() => validateSchedule({ ...base, timeZone: 'Europe/Atlantis', intervals: [] }))).toMatch(
      /unknown time zone/,
    );
    expect(() =>
      validateSchedule({ ...base, intervals: [{ days: [1], start: '00:00', end: '24:00' }] }),
    ).not.toThrow();
  });
});

describe('decision rules', () => {
  const t = Date.parse('2026-06-01T12:00:00Z');

  it('zone anti-passback: hard denies a second entry, soft grants and raises an alarm; forgive clears', () => {
    const hard = new AccessEngine(AccessIndex.build(site({ doors: [door({ antiPassback: 'hard' })] })));
    expect(read(hard, 'in', t).reason).toBe('granted');
    expect(read(hard, 'in', t + 1000).reason).toBe('anti-passback');
    expect(read(hard, 'out', t + 2000)).toMatchObject({ grant: true, presenceZone: 'outside' });
    expect(read(hard, 'out', t + 3000).reason).toBe('anti-passback'); // never re-entered
    expect(hard.forgive('p1')).toBe(1);
    expect(read(hard, 'out', t + 4000).reason).toBe('granted');

    const soft = new AccessEngine(AccessIndex.build(site({ doors: [door({ antiPassback: 'soft' })] })));
    read(soft, 'in', t);
    const again = read(soft, 'in', t + 1000);
    expect(again.grant).toBe(true);
    expect(again.alarms.map((a) => a.type)).toEqual(['anti-passback']);
  });

  it('timed anti-passback refuses the same credential at the same door within the time', () => {
    const e = new AccessEngine(
      AccessIndex.build(
        site({ doors: [door({ antiPassback: 'hard', antiPassbackKind: 'timed', antiPassbackSeconds: 30 })] }),
      ),
    );
    expect(read(e, 'in', t).grant).toBe(true);
    expect(read(e, 'out', t + 10_000).reason).toBe('anti-passback');
    expect(read(e, 'in', t + 31_000).grant).toBe(true);
  });

  it('card-and-PIN: asks for the PIN, locks out after three wrong ones with an alarm, duress grants silently', () => {
    const e = new AccessEngine(AccessIndex.build(site({ doors: [door({ mode: 'card-and-pin' })] })));
    expect(read(e, 'in', t).reason).toBe('pin-required');
    expect(read(e, 'in', t, 'wrong').reason).toBe('pin-wrong');
    expect(read(e, 'in', t + 1, 'wrong').reason).toBe('pin-wrong');
    const third = read(e, 'in', t + 2, 'wrong');
    expect(third.alarms).toEqual([expect.objectContaining({ type: 'pin-brute-force', priority: 'high' })]);
    expect(read(e, 'in', t + 3, 'ok').reason).toBe('pin-locked-out');
    const later = t + 11 * 60_000;
    const duress = read(e, 'in', later, 'duress');
    expect(duress.grant).toBe(true);
    expect(duress.alarms).toEqual([
      expect.objectContaining({ type: 'duress', silent: true, priority: 'critical' }),
    ]);
  });

  it('lockdown admits privileged people only; emergency release opens for anyone', () => {
    const e = new AccessEngine(AccessIndex.build(site({ cardholders: [person({ privileged: false })] })));
    e.manualModes.set('d1', { mode: 'lockdown', until: null, by: 'guard', reason: 'drill' });
    expect(read(e, 'in', t).reason).toBe('door-lockdown');
    const p = new AccessEngine(AccessIndex.build(site({ cardholders: [person({ privileged: true })] })));
    p.manualModes.set('d1', { mode: 'lockdown', until: null, by: 'guard', reason: 'drill' });
    expect(read(p, 'in', t).grant).toBe(true);
    e.manualModes.set('d1', { mode: 'emergency', until: null, by: 'guard', reason: 'fire' });
    expect(e.decide({ readerId: 'in', format: 'H10301', number: 'unknown', at: t })).toMatchObject({
      grant: true,
      reason: 'granted-emergency',
    });
  });

  it('a manual mode ends by itself at its expiry', () => {
    const e = new AccessEngine(AccessIndex.build(site()));
    e.manualModes.set('d1', { mode: 'unlocked', until: t + 60_000, by: 'guard', reason: 'delivery' });
    expect(e.effectiveMode(e.index.doors.get('d1')!, t)).toBe('unlocked');
    expect(e.effectiveMode(e.index.doors.get('d1')!, t + 60_000)).toBe('card-only');
  });

  it('first-person-in: the scheduled unlock waits for the first authorised grant of the day', () => {
    const e = new AccessEngine(
      AccessIndex.build(site({ doors: [door({ unlockScheduleId: 'office', firstPersonIn: true })] })),
    );
    const d = e.index.doors.get('d1')!;
    const morning = Date.parse('2026-06-01T08:00:00Z'); // 09:00 BST, Monday
    expect(e.effectiveMode(d, morning)).toBe('card-only');
    expect(read(e, 'in', morning).grant).toBe(true);
    expect(e.effectiveMode(d, morning + 1000)).toBe('unlocked');
    expect(e.effectiveMode(d, Date.parse('2026-06-02T08:00:00Z'))).toBe('card-only'); // a new day waits again
  });

  it('revoked and lost credentials raise alarms; expiry when unused counts from the last use', () => {
    const e = new AccessEngine(AccessIndex.build(site({ credentials: [cred({ state: 'revoked' })] })));
    expect(read(e, 'in', t).alarms.map((a) => a.type)).toEqual(['revoked-credential-used']);
    const day = 86_400_000;
    const unused = new AccessEngine(
      AccessIndex.build(site({ credentials: [cred({ expireUnusedDays: 30, lastUsedAt: t - 30 * day })] })),
    );
    expect(read(unused, 'in', t).grant).toBe(true); // exactly 30 days: still valid
    expect(read(unused, 'out', t + 30 * day).grant).toBe(true); // the grant at t restarted the count
    const stale = new AccessEngine(
      AccessIndex.build(
        site({ credentials: [cred({ expireUnusedDays: 30, lastUsedAt: t - 30 * day - 1 })] }),
      ),
    );
    expect(read(stale, 'in', t).reason).toBe('credential-expired-unused');
  });

  it('answers who can open a door and which doors a person opens, from the same index', () => {
    const e = new AccessEngine(
      AccessIndex.build(
        site({
          cardholders: [person(), person({ id: 'p2', levelIds: ['office-hours'] })],
          credentials: [cred()],
        }),
      ),
    );
    const night = Date.parse('2026-06-01T22:00:00Z');
    expect(e.whoCanOpen('d1', night)).toEqual(['p1']);
    expect(e.whoCanOpen('d1', Date.parse('2026-06-01T10:00:00Z')).sort()).toEqual(['p1', 'p2']);
    expect(e.doorsOf('p2', night)).toEqual([{ doorId: 'd1', now: false, scheduleIds: ['office'] }]);
  });
});
