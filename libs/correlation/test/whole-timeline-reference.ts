import { denialBursts } from '../src/burst-rules';
import { CorrelationEngine } from '../src/engine';
import type { BadgeEvent, CorrelationEvent, DenialEvent, LoginEvent } from '../src/events';
import {
  leaverActivity,
  passesBefore,
  presenceAtLogin,
  sessionOf,
  sessionsOpenAtExit,
  sharedPair,
  travelPair,
  verdictMaker,
} from '../src/person-rules';
import type { CorrelationSettings } from '../src/settings';
import { insertByTime } from '../src/sorted';
import { forgetOlder, type Judgement, type Timeline } from '../src/timeline';
import type { Verdict } from '../src/verdict';

/**
 * A timeline judged whole after every fact, as the engine judged them all
 * before it judged incrementally.
 */
export class WholeTimeline implements Timeline {
  private facts: CorrelationEvent[] = [];
  private held = new Set<string>();

  constructor(
    private readonly judgeAll: (facts: readonly CorrelationEvent[], s: CorrelationSettings) => Verdict[],
  ) {}

  get size(): number {
    return this.facts.length;
  }

  add(fact: CorrelationEvent): void {
    insertByTime(this.facts, fact);
  }

  judge(s: CorrelationSettings): Judgement {
    const after = this.judgeAll(this.facts, s);
    const before = this.held;
    this.held = new Set(after.map((v) => v.key));
    return { before, after };
  }

  prune(oldest: number): CorrelationEvent[] {
    const split = forgetOlder(this.facts, oldest);
    if (!split) return [];
    this.facts = split.kept;
    return split.forgotten;
  }

  keys(): Iterable<string> {
    return this.held;
  }

  invalidate(): void {}
}

/** A person's sessions, in the order of their first facts. */
const sessionsOf = (logins: readonly LoginEvent[]) => {
  const sessions = new Map<string, LoginEvent[]>();
  for (const l of logins) {
    const key = sessionOf(l);
    const list = sessions.get(key) ?? [];
    list.push(l);
    sessions.set(key, list);
  }
  return [...sessions.values()];
};

/**
 * The tests' reference: every person rule over the person's whole timeline,
 * after every fact, as the engine judged before it judged incrementally.
 * Slow and plain; the engine must reach exactly the same alerts.
 */
export const wholeTimelineVerdicts = (
  personId: string,
  facts: readonly CorrelationEvent[],
  s: CorrelationSettings,
): Verdict[] => {
  const badges = facts.filter((f): f is BadgeEvent => f.kind === 'badge');
  const logins = facts.filter((f): f is LoginEvent => f.kind === 'login');
  const out: Verdict[] = [];
  const add = verdictMaker(personId, s, out);
  for (const login of logins)
    presenceAtLogin(login, passesBefore(badges, login, s.dayStart(login.at), s), s, add);
  const sessions = sessionsOf(logins);
  for (const exit of badges) sessionsOpenAtExit(exit, badges, sessions, s, add);
  const onSite = sessions.filter((x) => !x[0]!.remote);
  for (let i = 0; i < onSite.length; i++)
    for (let j = i + 1; j < onSite.length; j++) sharedPair(onSite[i]!, onSite[j]!, s, add);
  for (let i = 1; i < badges.length; i++) travelPair(badges[i - 1]!, badges[i]!, s, add);
  leaverActivity(facts, add);
  return out;
};

/** An engine whose rules judge each whole timeline after every fact: the reference. */
export const referenceEngine = (s: CorrelationSettings) =>
  new CorrelationEngine(s, {
    personTimeline: (personId) => new WholeTimeline((facts, x) => wholeTimelineVerdicts(personId, facts, x)),
    denialTimeline: (scope) =>
      new WholeTimeline((facts, x) =>
        denialBursts(
          scope,
          facts.filter((f): f is DenialEvent => f.kind === 'denial'),
          x,
        ),
      ),
  });
