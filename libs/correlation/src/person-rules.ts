import type { BadgeEvent, CorrelationEvent, LoginEvent, StatusEvent } from './events';
import type { CorrelationSettings, RuleId } from './settings';
import type { Verdict } from './verdict';

/** The rules over one person's facts, sorted by event time. */
export const personVerdicts = (
  personId: string,
  facts: readonly CorrelationEvent[],
  s: CorrelationSettings,
): Verdict[] => {
  const badges = facts.filter((f): f is BadgeEvent => f.kind === 'badge');
  const logins = facts.filter((f): f is LoginEvent => f.kind === 'login');
  const out: Verdict[] = [];
  const add: Add = (rule, at, trigger, evidence, summary, waitsLike = rule) => {
    const r = s.rules[rule];
    if (!r.enabled) return;
    out.push({
      key: `${rule}:${trigger}`,
      rule,
      severity: r.severity,
      personId,
      at,
      dueAt: at + s.rules[waitsLike].graceMs,
      evidence: [...evidence].sort((a, b) => a.at - b.at),
      summary,
    });
  };

  for (const login of logins) {
    if (login.action !== 'logon' && login.action !== 'unlock') continue;
    presenceAtLogin(login, badges, s, add);
  }
  for (const exit of badges) sessionsOpenAtExit(exit, badges, logins, s, add);
  sharedSessions(logins, s, add);
  impossibleTravel(badges, s, add);
  leaverActivity(facts, add);
  return out;
};

/** `waitsLike`: the rule whose grace applies, where a rule's verdict also rests on an absence. */
type Add = (
  rule: RuleId,
  at: number,
  trigger: string,
  evidence: CorrelationEvent[],
  summary: string,
  waitsLike?: RuleId,
) => void;

const zonesOf = (login: LoginEvent): readonly string[] =>
  login.acceptedZones ?? (login.zone === null ? [] : [login.zone]);

const enters = (b: BadgeEvent, zones: readonly string[]) =>
  b.zone !== null && zones.includes(b.zone) && !(b.fromZone !== null && zones.includes(b.fromZone));
const leaves = (b: BadgeEvent, zones: readonly string[]) =>
  b.fromZone !== null && zones.includes(b.fromZone) && !(b.zone !== null && zones.includes(b.zone));

/**
 * A login or unlock at a workstation on site: the person must have entered
 * its zone today and not left it since. No entry at all today is a login
 * without badge-in; an entry elsewhere on site but never this zone is a
 * session in a zone the person never entered (credential sharing); a last
 * move out of the zone is a login after badge-out.
 */
const presenceAtLogin = (
  login: LoginEvent,
  badges: readonly BadgeEvent[],
  s: CorrelationSettings,
  add: Add,
) => {
  if (login.remote && !s.remoteNeedsPresence) return;
  const zones = zonesOf(login);
  if (zones.length === 0) return;
  const since = s.dayStart(login.at);
  const today = badges.filter((b) => b.at >= since && b.at <= login.at + s.skewToleranceMs);
  const relevant = today.filter((b) => enters(b, zones) || leaves(b, zones));
  const last = relevant.at(-1);
  // No account in the words: the fact's account is a keyed digest, and people read these lines.
  const where = `${login.action === 'unlock' ? 'unlock' : 'login'} at ${login.host}`;
  if (last && enters(last, zones)) return;
  if (last) {
    if (login.at <= last.at + s.skewToleranceMs) return;
    add(
      'login-after-badge-out',
      login.at,
      login.id,
      [last, login],
      `${where} after leaving ${last.fromZone}`,
    );
    return;
  }
  const elsewhere = today.filter((b) => b.zone !== null);
  if (elsewhere.length > 0)
    add(
      'credential-sharing',
      login.at,
      `zone:${login.id}`,
      [elsewhere.at(-1)!, login],
      `${where}, in ${zones.join(' or ')}, a zone the person did not enter today (last seen entering ${elsewhere.at(-1)!.zone})`,
      // It rests on an entry that never came, like a login without badge-in.
      'login-without-badge-in',
    );
  else add('login-without-badge-in', login.at, login.id, [login], `${where} with no badge-in today`);
};

/** A session's state at a time, from its own facts: active (logged on, unlocked), locked, or ended. */
const sessionState = (facts: readonly LoginEvent[], at: number): 'active' | 'locked' | 'ended' | null => {
  let state: 'active' | 'locked' | 'ended' | null = null;
  for (const f of facts) {
    if (f.at > at) break;
    state = f.action === 'lock' ? 'locked' : f.action === 'logoff' ? 'ended' : 'active';
  }
  return state;
};

const sessionsOf = (logins: readonly LoginEvent[]) => {
  const sessions = new Map<string, LoginEvent[]>();
  for (const l of logins) {
    const key = `${l.host}\u0000${l.sessionKey}`;
    const list = sessions.get(key) ?? [];
    list.push(l);
    sessions.set(key, list);
  }
  return [...sessions.values()];
};

/**
 * The person leaves a zone while a session of theirs at a workstation in it
 * is still active (logged on and not locked) a little after: someone else may
 * use it. A lock or logoff that arrives late within the grace disproves it.
 */
const sessionsOpenAtExit = (
  exit: BadgeEvent,
  badges: readonly BadgeEvent[],
  logins: readonly LoginEvent[],
  s: CorrelationSettings,
  add: Add,
) => {
  if (exit.fromZone === null) return;
  for (const session of sessionsOf(logins)) {
    const first = session[0]!;
    if (first.remote || !leaves(exit, zonesOf(first))) continue;
    if (first.at > exit.at) continue;
    if (sessionState(session, exit.at + s.skewToleranceMs) !== 'active') continue;
    const opened = session
      .filter((f) => f.at <= exit.at && (f.action === 'logon' || f.action === 'unlock'))
      .at(-1)!;
    // The entry this exit ends, when known: the evidence then reads in, logged on, out, still open.
    const zones = zonesOf(first);
    const entered = badges.filter((b) => b.at <= opened.at + s.skewToleranceMs && enters(b, zones)).at(-1);
    add(
      'session-after-badge-out',
      exit.at,
      `${exit.id}:${first.host}:${first.sessionKey}`,
      entered ? [entered, opened, exit] : [opened, exit],
      `session at ${first.host} still open after leaving ${exit.fromZone}`,
    );
  }
};

/** Intervals in which a session was active (unlocked), from its facts. */
const activeIntervals = (session: readonly LoginEvent[]): [number, number, LoginEvent][] => {
  const out: [number, number, LoginEvent][] = [];
  let from: LoginEvent | null = null;
  for (const f of session) {
    const active = f.action === 'logon' || f.action === 'unlock';
    if (active && from === null) from = f;
    if (!active && from !== null) {
      out.push([from.at, f.at, from]);
      from = null;
    }
  }
  if (from !== null) out.push([from.at, Number.POSITIVE_INFINITY, from]);
  return out;
};

/** One account active at two workstations on site at once: two people, one credential. */
const sharedSessions = (logins: readonly LoginEvent[], s: CorrelationSettings, add: Add) => {
  const sessions = sessionsOf(logins).filter((x) => !x[0]!.remote);
  for (let i = 0; i < sessions.length; i++)
    for (let j = i + 1; j < sessions.length; j++) {
      const a = sessions[i]!;
      const b = sessions[j]!;
      if (a[0]!.account !== b[0]!.account || a[0]!.host === b[0]!.host) continue;
      const overlap = firstOverlap(activeIntervals(a), activeIntervals(b), s.skewToleranceMs);
      if (!overlap) continue;
      const [x, y] = overlap;
      const [first, second] = x.at <= y.at ? [x, y] : [y, x];
      add(
        'credential-sharing',
        second.at,
        `${first.id}+${second.id}`,
        [first, second],
        `one account active at ${first.host} and ${second.host} at once`,
      );
    }
};

const firstOverlap = (
  a: [number, number, LoginEvent][],
  b: [number, number, LoginEvent][],
  toleranceMs: number,
): [LoginEvent, LoginEvent] | null => {
  for (const [a0, a1, ea] of a)
    for (const [b0, b1, eb] of b) if (Math.min(a1, b1) - Math.max(a0, b0) > toleranceMs) return [ea, eb];
  return null;
};

/** Two passes closer in time than the walk between their readers. */
const impossibleTravel = (badges: readonly BadgeEvent[], s: CorrelationSettings, add: Add) => {
  for (let i = 1; i < badges.length; i++) {
    const a = badges[i - 1]!;
    const b = badges[i]!;
    if (a.readerId === b.readerId) continue;
    const walk = s.walkingMs(a.readerId, b.readerId) ?? s.walkingMs(b.readerId, a.readerId);
    if (walk === null || b.at - a.at >= walk) continue;
    add(
      'impossible-travel',
      b.at,
      `${a.id}+${b.id}`,
      [a, b],
      `passed ${a.doorId} then ${b.doorId} ${Math.round((b.at - a.at) / 1000)} s apart; the walk takes ${Math.round(walk / 1000)} s`,
    );
  }
};

/** Anything done with a leaver's card or account after they left. */
const leaverActivity = (facts: readonly CorrelationEvent[], add: Add) => {
  let left: StatusEvent | null = null;
  for (const f of facts) {
    if (f.kind === 'status') left = f.leaver ? f : null;
    else if (
      left &&
      (f.kind === 'badge' || f.kind === 'denial' || (f.kind === 'login' && f.action !== 'lock'))
    )
      add('leaver-activity', f.at, f.id, [left, f], `${describe(f)} after the person left`);
  }
};

const describe = (f: CorrelationEvent): string =>
  f.kind === 'login'
    ? `${f.action} at ${f.host}`
    : f.kind === 'badge'
      ? `passed ${f.doorId}`
      : f.kind === 'denial'
        ? `card refused at ${f.readerId}`
        : 'status change';
