import type { BadgeEvent, CorrelationEvent, LoginEvent, StatusEvent } from './events';
import type { CorrelationSettings, RuleId } from './settings';
import { firstAfter, firstAtOrAfter } from './sorted';
import type { Verdict } from './verdict';

/**
 * The person rules, each judging one trigger (a login, an exit, a pair of
 * sessions, a pair of passes) from the facts it depends on, so the engine can
 * judge again only what a new fact can change (person-timeline.ts). Every
 * list is in event-time order (`byTime`).
 */

/** Makes the verdicts of one person's rules into `out`. */
export const verdictMaker =
  (personId: string, s: CorrelationSettings, out: Verdict[]): Add =>
  (rule, at, trigger, evidence, summary, waitsLike = rule) => {
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

/** `waitsLike`: the rule whose grace applies, where a rule's verdict also rests on an absence. */
export type Add = (
  rule: RuleId,
  at: number,
  trigger: string,
  evidence: CorrelationEvent[],
  summary: string,
  waitsLike?: RuleId,
) => void;

export const zonesOf = (login: LoginEvent): readonly string[] =>
  login.acceptedZones ?? (login.zone === null ? [] : [login.zone]);

export const enters = (b: BadgeEvent, zones: readonly string[]) =>
  b.zone !== null && zones.includes(b.zone) && !(b.fromZone !== null && zones.includes(b.fromZone));
const leaves = (b: BadgeEvent, zones: readonly string[]) =>
  b.fromZone !== null && zones.includes(b.fromZone) && !(b.zone !== null && zones.includes(b.zone));

/** The passes of `login`'s day (from `since`, its start) up to the login and the skew after it. */
export const passesBefore = (
  badges: readonly BadgeEvent[],
  login: LoginEvent,
  since: number,
  s: CorrelationSettings,
): readonly BadgeEvent[] =>
  badges.slice(firstAtOrAfter(badges, since), firstAfter(badges, login.at + s.skewToleranceMs));

/**
 * A login or unlock at a workstation on site: the person must have entered
 * its zone today and not left it since. No entry at all today is a login
 * without badge-in; an entry elsewhere on site but never this zone is a
 * session in a zone the person never entered (credential sharing); a last
 * move out of the zone is a login after badge-out.
 */
export const presenceAtLogin = (
  login: LoginEvent,
  /** The person's passes from the start of the login's day to the login (and the skew after it). */
  today: readonly BadgeEvent[],
  s: CorrelationSettings,
  add: Add,
) => {
  if (login.action !== 'logon' && login.action !== 'unlock') return;
  if (login.remote && !s.remoteNeedsPresence) return;
  const zones = zonesOf(login);
  if (zones.length === 0) return;
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

/** Which session a login fact belongs to: its host's session id. */
export const sessionOf = (l: LoginEvent): string => `${l.host}\u0000${l.sessionKey}`;

/**
 * The person leaves a zone while a session of theirs at a workstation in it
 * is still active (logged on and not locked) a little after: someone else may
 * use it. A lock or logoff that arrives late within the grace disproves it.
 */
export const sessionsOpenAtExit = (
  exit: BadgeEvent,
  badges: readonly BadgeEvent[],
  /** The person's sessions, in the order of their first facts. */
  sessions: readonly (readonly LoginEvent[])[],
  s: CorrelationSettings,
  add: Add,
) => {
  if (exit.fromZone === null) return;
  for (const session of sessions) {
    const first = session[0]!;
    if (first.remote || !leaves(exit, zonesOf(first))) continue;
    if (first.at > exit.at) continue;
    if (sessionState(session, exit.at + s.skewToleranceMs) !== 'active') continue;
    const opened = session
      .filter((f) => f.at <= exit.at && (f.action === 'logon' || f.action === 'unlock'))
      .at(-1);
    // Known locked or ended at the exit, active only within the skew after it: not "still open"
    // (as an unlock that soon after an exit is not "after" it).
    if (!opened) continue;
    // The entry this exit ends, when known: the evidence then reads in, logged on, out, still open.
    const zones = zonesOf(first);
    const entered = lastEntering(badges, opened.at + s.skewToleranceMs, zones);
    add(
      'session-after-badge-out',
      exit.at,
      `${exit.id}:${first.host}:${first.sessionKey}`,
      entered ? [entered, opened, exit] : [opened, exit],
      `session at ${first.host} still open after leaving ${exit.fromZone}`,
    );
  }
};

/** The last pass into `zones` at or before `upTo`. */
const lastEntering = (badges: readonly BadgeEvent[], upTo: number, zones: readonly string[]) => {
  for (let i = firstAfter(badges, upTo) - 1; i >= 0; i--) if (enters(badges[i]!, zones)) return badges[i];
  return undefined;
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

/**
 * One account active at two workstations on site at once: two people, one
 * credential. `a` is the session whose first fact came first; neither is remote.
 */
export const sharedPair = (
  a: readonly LoginEvent[],
  b: readonly LoginEvent[],
  s: CorrelationSettings,
  add: Add,
) => {
  if (a[0]!.account !== b[0]!.account || a[0]!.host === b[0]!.host) return;
  const overlap = firstOverlap(activeIntervals(a), activeIntervals(b), s.skewToleranceMs);
  if (!overlap) return;
  const [x, y] = overlap;
  const [first, second] = x.at <= y.at ? [x, y] : [y, x];
  add(
    'credential-sharing',
    second.at,
    `${first.id}+${second.id}`,
    [first, second],
    `one account active at ${first.host} and ${second.host} at once`,
  );
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

/** Two consecutive passes closer in time than the walk between their readers. */
export const travelPair = (a: BadgeEvent, b: BadgeEvent, s: CorrelationSettings, add: Add) => {
  if (a.readerId === b.readerId) return;
  const walk = s.walkingMs(a.readerId, b.readerId) ?? s.walkingMs(b.readerId, a.readerId);
  if (walk === null || b.at - a.at >= walk) return;
  add(
    'impossible-travel',
    b.at,
    `${a.id}+${b.id}`,
    [a, b],
    `passed ${a.doorId} then ${b.doorId} ${Math.round((b.at - a.at) / 1000)} s apart; the walk takes ${Math.round(walk / 1000)} s`,
  );
};

/** Anything done with a leaver's card or account after they left. */
export const leaverActivity = (facts: readonly CorrelationEvent[], add: Add) => {
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
