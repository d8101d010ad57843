import type { BadgeEvent, CorrelationEvent, LoginEvent } from './events';
import {
  leaverActivity,
  passesBefore,
  presenceAtLogin,
  sessionOf,
  sessionsOpenAtExit,
  sharedPair,
  travelPair,
  verdictMaker,
  zonesOf,
} from './person-rules';
import type { CorrelationSettings } from './settings';
import { firstAtOrAfter, insertByTime, positionOf } from './sorted';
import { forgetOlder, type Judgement, type Timeline } from './timeline';
import { byTime, type Verdict } from './verdict';

/**
 * Where a verdict stands in the order a whole judgement of the timeline
 * lists them (rule group, then its trigger facts in time order): new alerts
 * come due, and withdrawals are told, in the same order as when every rule
 * looked at the whole timeline.
 */
type Rank = readonly [number, ...CorrelationEvent[]];
interface Ranked {
  verdict: Verdict;
  rank: Rank;
}
const byRank = (a: Ranked, b: Ranked): number => {
  const x = a.rank;
  const y = b.rank;
  if (x[0] !== y[0]) return x[0] - y[0];
  for (let i = 1; i < Math.min(x.length, y.length); i++) {
    const c = byTime(x[i] as CorrelationEvent, y[i] as CorrelationEvent);
    if (c !== 0) return c;
  }
  return 0;
};

const opens = (l: LoginEvent) => l.action === 'logon' || l.action === 'unlock';

/** Whether two facts of one session make the rules judge it alike as its first fact. */
const judgedAlike = (a: LoginEvent, b: LoginEvent) =>
  a.remote === b.remote && zonesOf(a).join('\u0000') === zonesOf(b).join('\u0000');

/*
 * A person's rules are judged per trigger, each a scope of its own:
 *   p:<login>   presence at a login or unlock (its day's passes up to it);
 *   x:<exit>    sessions still open at a pass out of a zone (every session, the passes before);
 *   s:<pair>    one account active in two sessions at once (the two sessions' facts);
 *   t:<pass>    impossible travel from the pass before (two consecutive passes);
 *   l           a leaver's card or account used (the whole timeline: only people with a status).
 * A new fact marks the scopes it can change; the judgement judges those again.
 */
const LEAVER = 'l';

/**
 * One person's facts, judged incrementally: each fact judges again only the
 * triggers it can change (bounded by the skew tolerance and the day), and
 * the horizon's forgetting judges again only what depended on what it forgot.
 * The verdicts are the same as judging the whole timeline after every fact
 * (the tests hold it to that reference).
 */
export class PersonTimeline implements Timeline {
  private facts: CorrelationEvent[] = [];
  private readonly byId = new Map<string, CorrelationEvent>();
  private badges: BadgeEvent[] = [];
  /** Logins and unlocks: the presence rule's triggers. */
  private openings: LoginEvent[] = [];
  private readonly sessions = new Map<string, LoginEvent[]>();
  private ordered: LoginEvent[][] | null = null;
  private statuses = 0;
  private readonly scopes = new Map<string, Ranked[]>();
  /** Pair scopes by their two sessions, and the pair scopes holding a verdict by session. */
  private readonly pairs = new Map<string, readonly [string, string]>();
  private readonly pairsOf = new Map<string, Set<string>>();
  /** Each pair scope's name, made once (sessions are paired again at every login). */
  private readonly pairNames = new Map<string, Map<string, string>>();
  private readonly dirty = new Set<string>();
  private readonly dirtySessions = new Set<string>();
  private readonly dayStarts = new Map<string, number>();
  private everything = false;

  constructor(private readonly personId: string) {}

  get size(): number {
    return this.facts.length;
  }

  keys(): Iterable<string> {
    return [...this.scopes.values()].flatMap((r) => r.map((x) => x.verdict.key));
  }

  invalidate(): void {
    this.everything = true;
    this.dayStarts.clear();
  }

  add(fact: CorrelationEvent, s: CorrelationSettings): void {
    insertByTime(this.facts, fact);
    this.byId.set(fact.id, fact);
    if (fact.kind === 'badge') this.addBadge(fact, s);
    else if (fact.kind === 'login') this.addLogin(fact, s);
    else if (fact.kind === 'status') this.statuses++;
    // A person's last status outlives the horizon: once there is one, every fact judges the leaver rule again.
    if (this.statuses > 0) this.dirty.add(LEAVER);
  }

  private addBadge(b: BadgeEvent, s: CorrelationSettings): void {
    const i = insertByTime(this.badges, b);
    // Presence at the logins whose day and skew window hold this pass.
    for (let j = firstAtOrAfter(this.openings, b.at - s.skewToleranceMs); j < this.openings.length; j++) {
      const l = this.openings[j]!;
      if (this.dayStart(l, s) <= b.at) this.dirty.add(`p:${l.id}`);
    }
    // Exits whose entry (the evidence's badge-in) it may be.
    this.exitsFrom(b.at - s.skewToleranceMs);
    this.dirty.add(`t:${b.id}`);
    const next = this.badges[i + 1];
    if (next) this.dirty.add(`t:${next.id}`);
  }

  private addLogin(l: LoginEvent, s: CorrelationSettings): void {
    if (opens(l)) {
      insertByTime(this.openings, l);
      this.dirty.add(`p:${l.id}`);
    }
    const key = sessionOf(l);
    const session = this.sessions.get(key) ?? [];
    insertByTime(session, l);
    this.sessions.set(key, session);
    this.ordered = null;
    this.dirtySessions.add(key);
    // A session's state at an exit counts facts up to the skew after it.
    this.exitsFrom(l.at - s.skewToleranceMs);
  }

  private exitsFrom(at: number): void {
    for (let j = firstAtOrAfter(this.badges, at); j < this.badges.length; j++) {
      const e = this.badges[j]!;
      if (e.fromZone !== null) this.dirty.add(`x:${e.id}`);
    }
  }

  private dayStart(l: LoginEvent, s: CorrelationSettings): number {
    let since = this.dayStarts.get(l.id);
    if (since === undefined) {
      since = s.dayStart(l.at);
      this.dayStarts.set(l.id, since);
    }
    return since;
  }

  prune(oldest: number): CorrelationEvent[] {
    const split = forgetOlder(this.facts, oldest, this.statuses > 0);
    if (!split) return [];
    this.facts = split.kept;
    const gone = new Set<string>();
    const shortened = new Set<string>();
    let lastForgottenPass = Number.NEGATIVE_INFINITY;
    for (const f of split.forgotten) {
      this.byId.delete(f.id);
      gone.add(f.id);
      if (f.kind === 'badge') {
        lastForgottenPass = Math.max(lastForgottenPass, f.at);
        this.dirty.add(`t:${f.id}`).add(`x:${f.id}`);
      } else if (f.kind === 'login') {
        this.dayStarts.delete(f.id);
        this.dirty.add(`p:${f.id}`);
        shortened.add(sessionOf(f));
      } else if (f.kind === 'status') this.statuses--;
    }
    // Only a person's last status outlives the horizon, and it is never a pass or a login:
    // what is forgotten of the passes, openings and sessions is a prefix of each.
    this.badges = this.badges.slice(firstAtOrAfter(this.badges, oldest));
    this.openings = this.openings.slice(firstAtOrAfter(this.openings, oldest));
    let firstChanged = false;
    for (const key of shortened) {
      this.dirtySessions.add(key);
      const session = this.sessions.get(key)!;
      const kept = session.slice(firstAtOrAfter(session, oldest));
      if (kept.length > 0) {
        this.sessions.set(key, kept);
        firstChanged ||= !judgedAlike(session[0]!, kept[0]!);
      } else {
        this.sessions.delete(key);
        this.pairNames.delete(key);
        for (const named of this.pairNames.values()) named.delete(key);
      }
    }
    if (shortened.size > 0) this.ordered = null;
    // Sessions at an exit: what a forgotten fact was evidence for (the entry, the opening); a
    // session whose first fact now says otherwise (remote, zones) changes every exit.
    if (firstChanged) this.exitsFrom(oldest);
    else
      for (const [scope, held] of this.scopes)
        if (scope.startsWith('x:') && held.some((r) => r.verdict.evidence.some((f) => gone.has(f.id))))
          this.dirty.add(scope);
    // Presence at logins whose day began before a forgotten pass; travel from a forgotten pass.
    if (lastForgottenPass > Number.NEGATIVE_INFINITY) {
      for (const l of this.openings) {
        const since = this.dayStarts.get(l.id);
        if (since === undefined || since <= lastForgottenPass) this.dirty.add(`p:${l.id}`);
      }
      if (this.badges[0]) this.dirty.add(`t:${this.badges[0].id}`);
    }
    return split.forgotten;
  }

  judge(s: CorrelationSettings): Judgement {
    if (this.everything) this.markEverything();
    for (const key of this.dirtySessions) {
      for (const scope of this.pairsOf.get(key) ?? []) this.dirty.add(scope);
      if (!this.sessions.has(key)) continue;
      for (const other of this.sessions.keys()) if (other !== key) this.dirty.add(this.pairScope(key, other));
    }
    this.dirtySessions.clear();
    const before: Ranked[] = [];
    const after: Ranked[] = [];
    for (const scope of this.dirty) {
      const was = this.scopes.get(scope);
      if (was) before.push(...was);
      const now = this.judgeScope(scope, s);
      after.push(...now);
      this.keep(scope, now);
    }
    this.dirty.clear();
    before.sort(byRank);
    after.sort(byRank);
    return { before: before.map((r) => r.verdict.key), after: after.map((r) => r.verdict) };
  }

  private markEverything(): void {
    this.everything = false;
    for (const scope of this.scopes.keys()) this.dirty.add(scope);
    for (const l of this.openings) this.dirty.add(`p:${l.id}`);
    for (const b of this.badges) this.dirty.add(`t:${b.id}`).add(`x:${b.id}`);
    for (const key of this.sessions.keys()) this.dirtySessions.add(key);
    this.dirty.add(LEAVER);
  }

  private pairScope(a: string, b: string): string {
    const [x, y] = a < b ? [a, b] : [b, a];
    let scope = this.pairNames.get(x)?.get(y);
    if (scope === undefined) {
      scope = `s:${JSON.stringify([x, y])}`;
      const named = this.pairNames.get(x) ?? new Map<string, string>();
      this.pairNames.set(x, named.set(y, scope));
    }
    if (!this.pairs.has(scope)) this.pairs.set(scope, [x, y]);
    return scope;
  }

  private keep(scope: string, now: Ranked[]): void {
    if (now.length > 0) this.scopes.set(scope, now);
    else this.scopes.delete(scope);
    const pair = this.pairs.get(scope);
    if (!pair) return;
    for (const key of pair) {
      const held = this.pairsOf.get(key) ?? new Set<string>();
      if (now.length > 0) this.pairsOf.set(key, held.add(scope));
      else if (held.delete(scope) && held.size === 0) this.pairsOf.delete(key);
    }
    if (now.length === 0) this.pairs.delete(scope);
  }

  private judgeScope(scope: string, s: CorrelationSettings): Ranked[] {
    const out: Verdict[] = [];
    const add = verdictMaker(this.personId, s, out);
    let rank: Rank;
    if (scope === LEAVER) {
      leaverActivity(this.facts, add);
      rank = [4];
    } else if (scope.startsWith('s:')) {
      const [ka, kb] = this.pairs.get(scope)!;
      let a = this.sessions.get(ka);
      let b = this.sessions.get(kb);
      if (!a || !b) return [];
      if (byTime(a[0]!, b[0]!) > 0) [a, b] = [b, a];
      if (a[0]!.remote || b[0]!.remote) return [];
      sharedPair(a, b, s, add);
      rank = [2, a[0]!, b[0]!];
    } else {
      const trigger = this.byId.get(scope.slice(2));
      if (!trigger) return [];
      if (scope.startsWith('p:') && trigger.kind === 'login') {
        presenceAtLogin(trigger, passesBefore(this.badges, trigger, this.dayStart(trigger, s), s), s, add);
        rank = [0, trigger];
      } else if (scope.startsWith('x:') && trigger.kind === 'badge') {
        sessionsOpenAtExit(trigger, this.badges, this.sessionsInOrder(), s, add);
        rank = [1, trigger];
      } else if (scope.startsWith('t:') && trigger.kind === 'badge') {
        const i = positionOf(this.badges, trigger) - 1;
        if (i > 0) travelPair(this.badges[i - 1]!, trigger, s, add);
        rank = [3, trigger];
      } else return [];
    }
    return out.map((verdict) => ({ verdict, rank }));
  }

  private sessionsInOrder(): LoginEvent[][] {
    this.ordered ??= [...this.sessions.values()].sort((a, b) => byTime(a[0]!, b[0]!));
    return this.ordered;
  }
}
