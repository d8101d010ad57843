import fc from 'fast-check';
import { CorrelationEngine } from './engine';
import type { BadgeEvent, CorrelationEvent, DenialEvent, LoginEvent } from './events';
import { defaultSettings, siteDayStart } from './settings';

const T0 = Date.parse('2026-11-30T08:00:00Z');
const MIN = 60_000;
const GRACE = 3 * MIN;

let n = 0;
const id = () => `f${++n}`;
const badgeIn = (at: number, personId = 'ann', zone = 'floor-1', readerId = 'r-main'): BadgeEvent => ({
  kind: 'badge',
  id: id(),
  at,
  personId,
  doorId: `door-${readerId}`,
  readerId,
  zone,
  fromZone: null,
});
const badgeOut = (at: number, personId = 'ann', zone = 'floor-1', readerId = 'r-main'): BadgeEvent => ({
  ...badgeIn(at, personId, zone, readerId),
  zone: null,
  fromZone: zone,
});
const login = (
  at: number,
  action: LoginEvent['action'] = 'logon',
  o: Partial<LoginEvent> = {},
): LoginEvent => ({
  kind: 'login',
  id: id(),
  at,
  action,
  account: 'corp\\ann',
  personId: 'ann',
  host: 'ws-101',
  zone: 'floor-1',
  remote: false,
  sessionKey: '0x3e7',
  source: 'syslog 127.0.0.1',
  ...o,
});
const denial = (at: number, readerId = 'r-main', credentialKey = 'H10301:7:1'): DenialEvent => ({
  kind: 'denial',
  id: id(),
  at,
  personId: null,
  credentialKey,
  readerId,
  doorId: null,
  reason: 'unknown-card',
});

const engine = (o: Parameters<typeof defaultSettings>[0] = {}) => new CorrelationEngine(defaultSettings(o));

describe('correlation engine', () => {
  it('raises a login without badge-in only once its grace has passed', () => {
    const e = engine();
    expect(e.observe(login(T0), T0).raised).toEqual([]);
    expect(e.tick(T0 + GRACE - 1).raised).toEqual([]);
    const { raised } = e.tick(T0 + GRACE);
    expect(raised.map((a) => [a.rule, a.personId, a.summary])).toEqual([
      ['login-without-badge-in', 'ann', 'login at ws-101 with no badge-in today'],
    ]);
    expect(raised[0]!.evidence.map((f) => f.kind)).toEqual(['login']);
  });

  it('never raises it when the badge-in arrives late but within the grace', () => {
    const e = engine();
    e.observe(login(T0), T0);
    e.observe(badgeIn(T0 - 2 * MIN), T0 + MIN); // the reader's event was delayed
    expect(e.tick(T0 + 10 * MIN)).toEqual({ raised: [], withdrawn: [] });
  });

  it('withdraws a raised alert that a later-arriving badge-in disproves, saying why', () => {
    const e = engine();
    e.observe(login(T0), T0);
    expect(e.tick(T0 + GRACE).raised).toHaveLength(1);
    const late = badgeIn(T0 - 5 * MIN);
    const { withdrawn } = e.observe(late, T0 + 20 * MIN);
    expect(withdrawn).toHaveLength(1);
    expect(withdrawn[0]!.alert).toMatchObject({ rule: 'login-without-badge-in', state: 'withdrawn' });
    expect(withdrawn[0]!.because).toBe(late);
    expect(withdrawn[0]!.reason).toMatch(/badge at door-r-main .* arrived late/);
    expect(e.open()).toEqual([]);
    expect(e.counters.withdrawn['login-without-badge-in']).toBe(1);
  });

  it('tolerates clock skew between a reader and a workstation', () => {
    const e = engine();
    e.observe(login(T0), T0);
    e.observe(badgeIn(T0 + 20_000), T0); // the reader's clock is 20 s ahead
    expect(e.tick(T0 + GRACE).raised).toEqual([]);
  });

  it('raises a login after badge-out, and a session in a zone never entered as credential sharing', () => {
    const e = engine();
    e.observe(badgeIn(T0 - 60 * MIN), T0);
    e.observe(badgeOut(T0 - 10 * MIN), T0);
    e.observe(login(T0, 'unlock'), T0);
    e.observe(badgeIn(T0 - 30 * MIN, 'bob', 'floor-2'), T0);
    e.observe(
      login(T0, 'logon', { personId: 'bob', account: 'corp\\bob', host: 'ws-102', sessionKey: '1' }),
      T0,
    );
    const raised = e.tick(T0 + GRACE).raised.map((a) => [a.rule, a.personId]);
    expect(raised).toEqual(
      expect.arrayContaining([
        ['login-after-badge-out', 'ann'],
        ['credential-sharing', 'bob'],
      ]),
    );
    expect(raised).toHaveLength(2);
  });

  it('does not expect presence for remote sessions unless the site asks for it', () => {
    const remote = login(T0, 'logon', { remote: true, host: 'jump-1' });
    const lenient = engine();
    lenient.observe(remote, T0);
    expect(lenient.tick(T0 + GRACE).raised).toEqual([]);
    const strict = engine({ remoteNeedsPresence: true });
    strict.observe({ ...remote, id: id() }, T0);
    expect(strict.tick(T0 + GRACE).raised.map((a) => a.rule)).toEqual(['login-without-badge-in']);
  });

  it('raises a session still open after badge-out; a late lock within the grace disproves it', () => {
    const open = engine();
    open.observe(badgeIn(T0), T0);
    open.observe(login(T0 + MIN), T0 + MIN);
    open.observe(badgeOut(T0 + 60 * MIN), T0 + 60 * MIN);
    const [left] = open.tick(T0 + 60 * MIN + GRACE).raised;
    expect(left?.rule).toBe('session-after-badge-out');
    // The evidence reads as the console draws it: in, logged on, out (and the session still open).
    expect(left?.evidence.map((f) => (f.kind === 'badge' ? (f.zone ? 'in' : 'out') : f.kind))).toEqual([
      'in',
      'login',
      'out',
    ]);

    const locked = engine();
    locked.observe(badgeIn(T0), T0);
    locked.observe(login(T0 + MIN), T0 + MIN);
    locked.observe(badgeOut(T0 + 60 * MIN), T0 + 60 * MIN);
    locked.observe(login(T0 + 60 * MIN - 5_000, 'lock'), T0 + 61 * MIN); // locked just before leaving, delivered late
    expect(locked.tick(T0 + 60 * MIN + GRACE).raised).toEqual([]);
  });

  it('judges an exit between a lock and an unlock just after it (within the skew) without failing: not still open', () => {
    const e = engine();
    e.observe(badgeIn(T0), T0);
    // The session's logon is older than anything heard: its first fact is a lock.
    e.observe(login(T0 + MIN, 'lock'), T0 + MIN);
    e.observe(badgeOut(T0 + 10 * MIN), T0 + 10 * MIN);
    e.observe(login(T0 + 10 * MIN + 10_000, 'unlock'), T0 + 10 * MIN + 10_000);
    expect(e.tick(T0 + 30 * MIN).raised).toEqual([]);
  });

  it('raises one account active at two workstations at once, at once; a late lock that ends the overlap withdraws it', () => {
    const e = engine();
    e.observe(badgeIn(T0), T0);
    e.observe(login(T0 + MIN), T0 + MIN);
    const second = login(T0 + 30 * MIN, 'logon', { host: 'ws-205', sessionKey: '9' });
    const { raised } = e.observe(second, T0 + 30 * MIN);
    expect(raised.map((a) => [a.rule, a.summary])).toEqual([
      ['credential-sharing', 'one account active at ws-101 and ws-205 at once'],
    ]);
    const { withdrawn } = e.observe(login(T0 + 29 * MIN, 'lock'), T0 + 31 * MIN);
    expect(withdrawn.map((w) => w.alert.rule)).toEqual(['credential-sharing']);
  });

  it('raises impossible travel from the walking time between readers', () => {
    const e = engine({ walkingMs: (a, b) => (a === 'r-north' && b === 'r-south' ? 5 * MIN : null) });
    e.observe(badgeIn(T0, 'ann', 'north', 'r-north'), T0);
    const { raised } = e.observe(badgeIn(T0 + MIN, 'ann', 'south', 'r-south'), T0 + MIN);
    expect(raised.map((a) => [a.rule, a.summary])).toEqual([
      ['impossible-travel', 'passed door-r-north then door-r-south 60 s apart; the walk takes 300 s'],
    ]);
    e.observe(badgeIn(T0 + 20 * MIN, 'ann', 'north', 'r-north'), T0 + 20 * MIN);
    expect(e.open()).toHaveLength(1);
  });

  it('raises one denial burst per run: at a reader, or for one card tried at several readers', () => {
    const e = engine();
    const raised = [0, 1, 2, 3, 4].flatMap((i) => e.observe(denial(T0 + i * MIN), T0 + i * MIN).raised);
    // One card at one reader: that reader's burst, one alarm (not a second for the card).
    expect(raised.map((a) => a.key.split(':').slice(0, 2).join(':'))).toEqual(['denial-burst:reader']);
    // A new run after a quiet window is a new burst.
    const later = [30, 31, 32].flatMap((m) => e.observe(denial(T0 + m * MIN), T0 + m * MIN).raised);
    expect(later).toHaveLength(1);
    // The same card refused at three readers, once each: the card's burst.
    const roaming = ['r-a', 'r-b', 'r-c'].flatMap(
      (r, i) => e.observe(denial(T0 + (60 + i) * MIN, r, 'H10301:9:9'), T0 + (60 + i) * MIN).raised,
    );
    expect(roaming.map((a) => [a.key.split(':').slice(0, 2).join(':'), a.summary])).toEqual([
      ['denial-burst:credential', '3 denials for one card (H10301:9:9) within 120 s'],
    ]);
  });

  it("raises a leaver's card or account used after they left", () => {
    const e = engine();
    e.observe({ kind: 'status', id: id(), at: T0, personId: 'ann', leaver: true }, T0);
    const { raised } = e.observe(login(T0 + MIN, 'logon', { host: 'ws-9' }), T0 + MIN);
    expect(raised.map((a) => [a.rule, a.severity])).toEqual([['leaver-activity', 'critical']]);
    expect(raised[0]!.summary).toBe('logon at ws-9 after the person left');
  });

  it('counts duplicates, unmapped accounts and clocks far ahead, and raises nothing for them', () => {
    const e = engine();
    const l = login(T0);
    e.observe(badgeIn(T0 - MIN), T0);
    e.observe(l, T0);
    e.observe({ ...l }, T0);
    e.observe(login(T0, 'logon', { personId: null, account: 'svc_backup' }), T0);
    e.observe(badgeIn(T0 + 3 * 3_600_000, 'carl'), T0);
    expect(e.counters).toMatchObject({ observed: 4, duplicates: 1, unmapped: 1, clockSuspect: 1 });
    expect(e.tick(T0 + GRACE).raised).toEqual([]);
  });

  it('after a restart, replaying the facts raises nothing already raised', () => {
    const first = engine();
    const facts = [login(T0), login(T0 + MIN, 'logon', { host: 'ws-205', sessionKey: '2' })];
    for (const f of facts) first.observe(f, f.at);
    first.tick(T0 + 10 * MIN);
    const before = first.open();
    expect(before.length).toBeGreaterThan(0);
    const second = engine();
    second.adopt(before);
    const again = facts.flatMap((f) => second.observe(f, T0 + 11 * MIN).raised);
    expect([...again, ...second.tick(T0 + 12 * MIN).raised]).toEqual([]);
    expect(
      second
        .open()
        .map((a) => a.key)
        .sort(),
    ).toEqual(before.map((a) => a.key).sort());
  });

  it('reaches the same open alerts whatever order the facts arrive in', () => {
    const day = (): CorrelationEvent[] => [
      badgeIn(T0),
      login(T0 + MIN),
      login(T0 + 50 * MIN, 'lock'),
      badgeOut(T0 + 50 * MIN + 10_000),
      login(T0 + 55 * MIN, 'unlock'),
      login(T0 + 20 * MIN, 'logon', { host: 'ws-205', sessionKey: '2' }),
      login(T0 + 25 * MIN, 'logoff', { host: 'ws-205', sessionKey: '2' }),
      badgeIn(T0 + 2 * MIN, 'bob', 'floor-2'),
      login(T0 + 3 * MIN, 'logon', {
        personId: 'bob',
        account: 'corp\\bob',
        host: 'ws-300',
        sessionKey: '3',
      }),
      badgeOut(T0 + 90 * MIN, 'bob', 'floor-2'),
    ];
    const facts = day();
    const settle = (order: readonly CorrelationEvent[]) => {
      const e = engine();
      order.forEach((f, i) => e.observe(f, T0 + 100 * MIN + i * 1000));
      e.tick(T0 + 200 * MIN);
      return e
        .open()
        .map((a) => a.key)
        .sort();
    };
    const inOrder = settle([...facts].sort((a, b) => a.at - b.at));
    expect(inOrder.map((k) => k.split(':')[0])).toEqual(
      expect.arrayContaining(['login-after-badge-out', 'credential-sharing']),
    );
    fc.assert(
      fc.property(
        fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }),
        (order) => {
          expect(settle(order)).toEqual(inOrder);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("the site's day", () => {
  it('starts at midnight on the clocks of the site', () => {
    const london = siteDayStart('Europe/London');
    expect(new Date(london(Date.parse('2026-07-01T12:34:56.789Z'))).toISOString()).toBe(
      '2026-06-30T23:00:00.000Z',
    );
    expect(new Date(london(Date.parse('2026-12-01T00:30:00Z'))).toISOString()).toBe(
      '2026-12-01T00:00:00.000Z',
    );
    const sydney = siteDayStart('Australia/Sydney');
    expect(new Date(sydney(Date.parse('2026-12-01T10:00:00Z'))).toISOString()).toBe(
      '2026-11-30T13:00:00.000Z',
    );
  });
});
