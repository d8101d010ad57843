import { DenialTimeline } from './denial-timeline';
import type { CorrelationEvent } from './events';
import { ForgetQueue } from './forget-queue';
import { PersonTimeline } from './person-timeline';
import type { CorrelationSettings, RuleId } from './settings';
import type { Timeline } from './timeline';
import type { Verdict } from './verdict';

/** An alert as the engine has decided it: raised once due, withdrawn when later facts disprove it. */
export interface Alert extends Verdict {
  state: 'raised' | 'withdrawn';
  /** Processing time it was raised. */
  raisedAt: number;
}

export interface Withdrawal {
  alert: Alert;
  /** The fact whose arrival disproved it; null when the replay after a restart did. */
  because: CorrelationEvent | null;
  reason: string;
}

export interface Outcome {
  raised: Alert[];
  withdrawn: Withdrawal[];
}

export interface EngineCounters {
  observed: number;
  duplicates: number;
  /** Logins whose account maps to no person: kept out of every rule. */
  unmapped: number;
  /** Logins from a host that maps to no zone: presence rules cannot judge them. */
  unzoned: number;
  /** Facts whose time lay further ahead than `maxFutureMs`: taken at their arrival instead. */
  clockSuspect: number;
  /** Facts older than the horizon on arrival: too late to judge. */
  tooLate: number;
  raised: Record<RuleId, number>;
  withdrawn: Record<RuleId, number>;
}

/** A source whose clock runs ahead this much is not believed. */
const MAX_FUTURE_MS = 5 * 60_000;

/** How timelines are kept and judged: incrementally, unless a test asks for its reference. */
export interface EngineOptions {
  personTimeline?: (personId: string) => Timeline;
  denialTimeline?: (scope: 'reader' | 'credential') => Timeline;
}

/**
 * The correlation engine: keeps each person's facts (and each reader's and
 * card's denials) ordered by event time, and after every fact re-evaluates
 * the rules over the timelines it touched, only what the fact can change
 * (person-timeline.ts, denial-timeline.ts). A verdict that appears is raised
 * once due (at once, or after its grace when it depends on an absence); a
 * raised one that no longer holds is withdrawn with the fact that disproved
 * it; one never raised that no longer holds is dropped silently. Pure and
 * deterministic: time comes in as arguments.
 */
export class CorrelationEngine {
  /** Each fact's arrival (processing time), by id: a second delivery is known, and a late one waits its grace. */
  private readonly arrivedAt = new Map<string, number>();
  private readonly timelines = new Map<string, Timeline>();
  private readonly forgetting = new ForgetQueue();
  private readonly pending = new Map<string, Verdict>();
  private readonly alerts = new Map<string, Alert>();
  /** Journal sequence numbers learned from a second delivery (a login's entry, committed after its fact). */
  private readonly seqs = new Map<string, number>();
  /** Alerts raised before a restart, until the replay has judged them again. */
  private readonly adopted = new Set<string>();
  readonly counters: EngineCounters;

  constructor(
    private settings: CorrelationSettings,
    private readonly options: EngineOptions = {},
  ) {
    const zero = () =>
      Object.fromEntries(Object.keys(settings.rules).map((r) => [r, 0])) as Record<RuleId, number>;
    this.counters = {
      observed: 0,
      duplicates: 0,
      unmapped: 0,
      unzoned: 0,
      clockSuspect: 0,
      tooLate: 0,
      raised: zero(),
      withdrawn: zero(),
    };
  }

  /** New settings from now on; what is raised stays raised until a fact disproves it. */
  configure(settings: CorrelationSettings): void {
    this.settings = settings;
    for (const timeline of this.timelines.values()) timeline.invalidate();
  }

  /**
   * Marks alerts raised before a restart as raised, so that replaying the
   * facts they came from does not raise them again (no burst after a restart).
   */
  adopt(alerts: readonly Alert[]): void {
    for (const a of alerts) {
      if (a.state !== 'raised') continue;
      this.alerts.set(a.key, a);
      this.adopted.add(a.key);
    }
  }

  /**
   * After the replay that follows `adopt`: an adopted alert that no verdict
   * holds any more was disproved by facts that arrived while the gateway was
   * away, and is withdrawn now, with that reason.
   */
  reconcileAdopted(): Withdrawal[] {
    const held = new Set([...this.timelines.values()].flatMap((t) => [...t.keys()]));
    const out: Withdrawal[] = [];
    for (const key of this.adopted) {
      const alert = this.alerts.get(key);
      if (!alert || alert.state !== 'raised' || held.has(key)) continue;
      const withdrawn: Alert = { ...alert, state: 'withdrawn' };
      this.alerts.set(key, withdrawn);
      this.counters.withdrawn[alert.rule]++;
      out.push({
        alert: withdrawn,
        because: null,
        reason: 'facts that arrived while the gateway was away no longer support it',
      });
    }
    this.adopted.clear();
    return out;
  }

  /** One fact, at processing time `now`. */
  observe(fact: CorrelationEvent, now: number): Outcome {
    const out: Outcome = { raised: [], withdrawn: [] };
    if (this.arrivedAt.has(fact.id)) {
      this.counters.duplicates++;
      if (fact.seq !== undefined && this.kept(fact, now) && !this.seqs.has(fact.id))
        this.seqs.set(fact.id, fact.seq);
      return out;
    }
    this.arrivedAt.set(fact.id, now);
    this.counters.observed++;
    if (fact.at > now + MAX_FUTURE_MS) {
      this.counters.clockSuspect++;
      fact = { ...fact, at: now };
    }
    if (fact.at < now - this.settings.horizonMs && fact.kind !== 'status') {
      this.counters.tooLate++;
      return out;
    }
    if (fact.kind === 'login' && fact.personId === null) {
      this.counters.unmapped++;
      return out;
    }
    if (fact.kind === 'login' && fact.zone === null && !fact.remote) this.counters.unzoned++;
    for (const key of timelinesOf(fact)) {
      let timeline = this.timelines.get(key);
      if (!timeline) {
        timeline = this.timelineFor(key);
        this.timelines.set(key, timeline);
      }
      timeline.add(fact, this.settings);
      // A new status may make the person's previous last status forgettable: look at the next tick.
      this.forgetting.push(fact.kind === 'status' ? Number.NEGATIVE_INFINITY : fact.at, key);
      this.reevaluate(timeline, fact, out);
    }
    this.raiseDue(now, out);
    return out;
  }

  /** Whether a fact lies in some timeline (and is forgotten with it): a second delivery's seq is kept only then. */
  private kept(fact: CorrelationEvent, now: number): boolean {
    return (fact.personId !== null || fact.kind === 'denial') && fact.at >= now - this.settings.horizonMs;
  }

  /** Raises what has waited out its grace; call on a timer. */
  tick(now: number): Outcome {
    const out: Outcome = { raised: [], withdrawn: [] };
    this.raiseDue(now, out);
    this.prune(now);
    return out;
  }

  /** The journal entry a fact came from, when known: the alert's evidence links to it. */
  seqOf(fact: CorrelationEvent): number | undefined {
    return fact.seq ?? this.seqs.get(fact.id);
  }

  /** Alerts raised and not withdrawn. */
  open(): Alert[] {
    return [...this.alerts.values()].filter((a) => a.state === 'raised');
  }

  /** Verdicts waiting out their grace. */
  waiting(): Verdict[] {
    return [...this.pending.values()];
  }

  private timelineFor(key: string): Timeline {
    const [scope, id] = splitOnce(key);
    if (scope === 'person') return this.options.personTimeline?.(id) ?? new PersonTimeline(id);
    const kind = scope === 'reader' ? 'reader' : 'credential';
    return this.options.denialTimeline?.(kind) ?? new DenialTimeline(kind);
  }

  /** Judges again what the fact can change: what appears waits or is raised, what disappears is withdrawn. */
  private reevaluate(timeline: Timeline, cause: CorrelationEvent, out: Outcome): void {
    const { before, after: verdicts } = timeline.judge(this.settings);
    const after = new Set(verdicts.map((v) => v.key));
    for (const v of verdicts) {
      const known = this.alerts.get(v.key);
      if (known?.state === 'raised') {
        // Still holds: the evidence may have grown (a late fact that supports it).
        this.alerts.set(v.key, { ...known, evidence: v.evidence, summary: v.summary });
        continue;
      }
      this.pending.set(v.key, this.waitingForLateFacts(v));
    }
    for (const key of before) {
      if (after.has(key)) continue;
      this.pending.delete(key);
      const alert = this.alerts.get(key);
      if (alert?.state !== 'raised') continue;
      const withdrawn: Alert = { ...alert, state: 'withdrawn' };
      this.alerts.set(key, withdrawn);
      this.counters.withdrawn[alert.rule]++;
      out.withdrawn.push({ alert: withdrawn, because: cause, reason: disproof(alert, cause) });
    }
  }

  /**
   * An alert that rests on an absence waits its grace from the later of when
   * its facts happened and when the last of them arrived: a login delivered an
   * hour late gives the badge-in that may also be late its full grace too.
   */
  private waitingForLateFacts(v: Verdict): Verdict {
    const grace = v.dueAt - v.at;
    if (grace <= 0) return v;
    const lastArrival = Math.max(...v.evidence.map((f) => this.arrivedAt.get(f.id) ?? v.at));
    return lastArrival + grace > v.dueAt ? { ...v, dueAt: lastArrival + grace } : v;
  }

  private raiseDue(now: number, out: Outcome): void {
    for (const [key, v] of this.pending) {
      if (v.dueAt > now) continue;
      this.pending.delete(key);
      if (this.alerts.get(key)?.state === 'raised') continue;
      const alert: Alert = { ...v, state: 'raised', raisedAt: now };
      this.alerts.set(key, alert);
      this.counters.raised[v.rule]++;
      out.raised.push(alert);
    }
  }

  /** Forgets facts, verdicts and alerts older than the horizon: bounded memory. */
  private prune(now: number): void {
    const oldest = now - this.settings.horizonMs;
    for (const key of this.forgetting.due(oldest)) {
      const timeline = this.timelines.get(key);
      if (!timeline) continue;
      for (const f of timeline.prune(oldest)) {
        this.arrivedAt.delete(f.id);
        this.seqs.delete(f.id);
      }
      if (timeline.size === 0) this.timelines.delete(key);
    }
    for (const [key, a] of this.alerts) if (a.at < oldest) this.alerts.delete(key);
    for (const [key, v] of this.pending) if (v.at < oldest) this.pending.delete(key);
  }
}

/** The timelines a fact belongs to: its person's, and a denial's reader and card. */
const timelinesOf = (f: CorrelationEvent): string[] => {
  const out: string[] = [];
  if (f.personId !== null) out.push(`person:${f.personId}`);
  if (f.kind === 'denial') out.push(`reader:${f.readerId}`, `credential:${f.credentialKey}`);
  return out;
};

const splitOnce = (s: string): [string, string] => {
  const i = s.indexOf(':');
  return [s.slice(0, i), s.slice(i + 1)];
};

/** Why a late fact disproved an alert, in words. */
const disproof = (alert: Alert, cause: CorrelationEvent): string => {
  const late = `${Math.max(0, Math.round((cause.at - alert.at) / 1000))} s`;
  switch (cause.kind) {
    case 'badge':
      return `a badge at ${cause.doorId} (event time ${new Date(cause.at).toISOString()}) arrived late and changes where the person was`;
    case 'login':
      return `a ${cause.action} at ${cause.host} (event time ${new Date(cause.at).toISOString()}, ${late} after the alert's time) arrived late`;
    case 'status':
      return 'the person’s status changed';
    case 'denial':
      return `a denial at ${cause.readerId} arrived late`;
  }
};
