import { MAX_IDS_PER_SESSION, type SessionFact, SessionTracker } from './sessions';

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);

const fact = (over: Partial<SessionFact>): SessionFact => ({
  at: T0,
  action: 'logon',
  personId: 'p-ann',
  accountDigest: 'acct:ann',
  account: 'CORP\\ann',
  host: 'ws-7',
  zone: 'floor-2',
  remote: false,
  sessionId: null,
  ...over,
});

const tracker = (over: Partial<ConstructorParameters<typeof SessionTracker>[0]> = {}) =>
  new SessionTracker({ idleTimeoutMs: 600 * MIN, lockedTimeoutMs: 120 * MIN, maxSessions: 100, ...over });

describe('SessionTracker', () => {
  it('opens at a logon, closes at the logoff of the same logon id', () => {
    const t = tracker();
    t.apply(fact({ sessionId: '0x1' }), T0);
    expect(t.list(T0)).toEqual([
      expect.objectContaining({
        personId: 'p-ann',
        host: 'ws-7',
        state: 'open',
        since: T0,
        sessionIds: ['0x1'],
      }),
    ]);
    t.apply(fact({ action: 'logoff', sessionId: '0x1', at: T0 + MIN }), T0 + MIN);
    expect(t.list(T0 + MIN)).toEqual([]);
    expect(t.counters).toMatchObject({ opened: 1, closed: 1 });
  });

  it('keeps a bounded number of logon ids per session: the oldest is forgotten, its late logoff unmatched', () => {
    const t = tracker();
    const n = MAX_IDS_PER_SESSION + 3;
    for (let i = 0; i < n; i++) t.apply(fact({ sessionId: `sshd:${i}`, at: T0 + i }), T0 + i);
    const [s] = t.list(T0 + n);
    expect(s!.sessionIds).toHaveLength(MAX_IDS_PER_SESSION);
    expect(s!.sessionIds[0]).toBe('sshd:3');
    expect(t.counters).toMatchObject({ opened: 1, idsForgotten: 3 });
    t.apply(fact({ action: 'logoff', sessionId: 'sshd:0', at: T0 + n }), T0 + n);
    expect(t.counters.unmatchedEnds).toBe(1);
    // Every id kept ends it: the last logoff closes the session.
    for (let i = 3; i < n; i++)
      t.apply(fact({ action: 'logoff', sessionId: `sshd:${i}`, at: T0 + n + i }), T0 + n + i);
    expect(t.list(T0 + 2 * n)).toEqual([]);
    expect(t.counters.closed).toBe(1);
  });

  it('a lock ends the open stretch, an unlock starts a new one; Windows’ short unlock logon does not end it', () => {
    const t = tracker();
    t.apply(fact({ sessionId: '0x1' }), T0);
    t.apply(fact({ action: 'lock', sessionId: '0x1', at: T0 + 10 * MIN }), T0 + 10 * MIN);
    expect(t.list(T0 + 10 * MIN).map((s) => s.state)).toEqual(['locked']);
    // 4801 and the type 7 logon (0x2), then 4634 for 0x2 a moment later.
    t.apply(fact({ action: 'unlock', sessionId: '0x1', at: T0 + 20 * MIN }), T0 + 20 * MIN);
    t.apply(fact({ action: 'unlock', sessionId: '0x2', at: T0 + 20 * MIN }), T0 + 20 * MIN);
    t.apply(fact({ action: 'logoff', sessionId: '0x2', at: T0 + 20 * MIN + 5000 }), T0 + 21 * MIN);
    const [s] = t.list(T0 + 21 * MIN);
    expect(s).toMatchObject({ state: 'open', since: T0 + 20 * MIN, sessionIds: ['0x1'] });
    t.apply(fact({ action: 'logoff', sessionId: '0x1', at: T0 + 30 * MIN }), T0 + 30 * MIN);
    expect(t.list(T0 + 30 * MIN)).toEqual([]);
    expect(t.counters).toMatchObject({ opened: 2, locked: 1, closed: 1 });
  });

  it('keeps a desktop open when an SSH login beside it ends; an end naming no account finds its session by id', () => {
    const t = tracker();
    t.apply(fact({ sessionId: 'logind:3' }), T0);
    t.apply(fact({ sessionId: 'sshd:400', at: T0 + MIN }), T0 + MIN);
    t.apply(fact({ action: 'logoff', sessionId: 'sshd:400', at: T0 + 2 * MIN }), T0 + 2 * MIN);
    expect(t.list(T0 + 2 * MIN)).toHaveLength(1);
    // logind's "Removed session 3." names no user.
    t.apply(
      fact({
        action: 'logoff',
        sessionId: 'logind:3',
        personId: null,
        accountDigest: null,
        account: null,
        at: T0 + 3 * MIN,
      }),
      T0 + 3 * MIN,
    );
    expect(t.list(T0 + 3 * MIN)).toEqual([]);
  });

  it('one session per person and workstation; an unmapped account is tracked by its digest', () => {
    const t = tracker();
    t.apply(fact({}), T0);
    t.apply(fact({ host: 'ws-8' }), T0);
    t.apply(
      fact({ personId: null, accountDigest: 'acct:eve', account: 'eve', host: 'ws-8', at: T0 + 1 }),
      T0 + 1,
    );
    expect(t.list(T0 + 1).map((s) => [s.personId ?? s.accountDigest, s.host])).toEqual([
      ['acct:eve', 'ws-8'],
      ['p-ann', 'ws-7'],
      ['p-ann', 'ws-8'],
    ]);
  });

  it('times out an open session whose end never came, and a locked one sooner', () => {
    const t = tracker();
    t.apply(fact({ sessionId: '0x1' }), T0);
    t.apply(fact({ host: 'ws-8', sessionId: '0x9' }), T0);
    t.apply(fact({ host: 'ws-8', action: 'lock', sessionId: '0x9' }), T0);
    expect(t.list(T0 + 121 * MIN).map((s) => s.host)).toEqual(['ws-7']);
    expect(t.list(T0 + 601 * MIN)).toEqual([]);
    expect(t.counters.timedOut).toBe(2);
    // Its logoff arriving after all is an end for nothing, counted.
    t.apply(fact({ action: 'logoff', sessionId: '0x1', at: T0 + 602 * MIN }), T0 + 602 * MIN);
    expect(t.counters.unmatchedEnds).toBe(1);
  });

  it('an end older than the start it would end is stale, not applied', () => {
    const t = tracker();
    t.apply(fact({ at: T0 + MIN }), T0 + MIN);
    t.apply(fact({ action: 'logoff', at: T0 }), T0 + MIN);
    expect(t.list(T0 + MIN)).toHaveLength(1);
    expect(t.counters.stale).toBe(1);
  });

  it('holds at most maxSessions, forgetting the stalest', () => {
    const t = tracker({ maxSessions: 3 });
    for (let i = 0; i < 5; i++) t.apply(fact({ personId: `p-${i}`, at: T0 + i }), T0 + i);
    expect(t.list(T0 + 5).map((s) => s.personId)).toEqual(['p-4', 'p-3', 'p-2']);
    expect(t.counters.evicted).toBe(2);
  });

  it('forgets an erased person’s sessions', () => {
    const t = tracker();
    t.apply(fact({}), T0);
    t.apply(fact({ personId: 'p-bob', accountDigest: 'acct:bob' }), T0);
    t.forgetPerson('p-ann');
    expect(t.list(T0).map((s) => s.personId)).toEqual(['p-bob']);
  });
  it('an account mapped while its session is open makes the session the person’s at once, ends still matched', () => {
    const t = tracker();
    const unmapped = { personId: null, accountDigest: 'acct:zed', account: 'CORP\\zed' };
    t.apply(fact({ ...unmapped, sessionId: '0x9' }), T0);
    t.apply(fact({ ...unmapped, host: 'ws-8', sessionId: '0xa' }), T0);
    t.apply(fact({ personId: null, accountDigest: 'acct:other', host: 'ws-9' }), T0);
    expect(t.unmappedDigests()).toEqual(new Set(['acct:zed', 'acct:other']));
    const done = t.attribute('acct:zed', 'p-zed');
    expect(done.map((s) => [s.personId, s.host]).sort()).toEqual([
      ['p-zed', 'ws-7'],
      ['p-zed', 'ws-8'],
    ]);
    expect(t.unmappedDigests()).toEqual(new Set(['acct:other']));
    expect(t.attribute('acct:zed', 'p-zed')).toEqual([]);
    // The next logon of the now mapped account joins the same session; its logoff ends it by id.
    t.apply(fact({ ...unmapped, personId: 'p-zed', sessionId: '0xb', at: T0 + MIN }), T0 + MIN);
    t.apply(
      fact({ action: 'logoff', personId: null, accountDigest: null, sessionId: '0x9', at: T0 + 2 * MIN }),
      T0 + 2 * MIN,
    );
    t.apply(
      fact({ action: 'logoff', personId: null, accountDigest: null, sessionId: '0xb', at: T0 + 2 * MIN }),
      T0 + 2 * MIN,
    );
    expect(t.list(T0 + 3 * MIN).map((s) => [s.host, s.personId])).toEqual([
      ['ws-9', null],
      ['ws-8', 'p-zed'],
    ]);
    expect(t.counters).toMatchObject({ opened: 3, closed: 1, unmatchedEnds: 0 });
  });

  it('an attributed session meets the person’s own on that workstation: one session, open, its ids joined', () => {
    const t = tracker();
    t.apply(fact({ sessionId: '0x1', at: T0 + MIN }), T0 + MIN);
    t.apply(fact({ action: 'lock', sessionId: '0x1', at: T0 + 2 * MIN }), T0 + 2 * MIN);
    t.apply(
      fact({ personId: null, accountDigest: 'acct:ann-admin', sessionId: 'sshd:5', at: T0 }),
      T0 + 2 * MIN,
    );
    t.attribute('acct:ann-admin', 'p-ann');
    expect(t.list(T0 + 3 * MIN)).toEqual([
      expect.objectContaining({ personId: 'p-ann', state: 'open', since: T0, sessionIds: ['0x1', 'sshd:5'] }),
    ]);
    t.apply(
      fact({ action: 'logoff', accountDigest: null, sessionId: 'sshd:5', at: T0 + 4 * MIN }),
      T0 + 4 * MIN,
    );
    t.apply(
      fact({ action: 'logoff', accountDigest: null, sessionId: '0x1', at: T0 + 5 * MIN }),
      T0 + 5 * MIN,
    );
    expect(t.list(T0 + 6 * MIN)).toEqual([]);
  });
  it('moves the open sessions of a workstation placed since to its zone, leaving the others', () => {
    const t = tracker();
    t.apply(fact({ host: 'ws-9', zone: null }), T0);
    t.apply(fact({ host: 'ws-7', zone: 'floor-2' }), T0);
    const placed = (host: string) => (host === 'ws-9' ? { zone: 'floor-3', remote: false } : null);
    expect(t.relocate(placed)).toBe(1);
    expect(t.relocate(placed)).toBe(0);
    expect(t.list(T0).map((s) => [s.host, s.zone, s.remote])).toEqual([
      ['ws-9', 'floor-3', false],
      ['ws-7', 'floor-2', false],
    ]);
  });
});
