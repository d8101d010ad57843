import { denialBursts } from './burst-rules';
import type { CorrelationEvent, DenialEvent } from './events';
import type { CorrelationSettings } from './settings';
import { insertByTime, positionOf } from './sorted';
import { forgetOlder, type Judgement, type Timeline } from './timeline';
import { byTime, type Verdict } from './verdict';

const byFirstDenial = (a: Verdict, b: Verdict) => byTime(a.evidence[0]!, b.evidence[0]!);

/**
 * A reader's or a card's denials, judged a run at a time: denials further
 * apart than the burst window start afresh (no burst spans the gap, and the
 * one-burst-per-run bookkeeping ends there), so a new denial judges again only
 * the run it falls in (joining the runs either side when it closes a gap), and
 * forgetting judges again only the first run left.
 */
export class DenialTimeline implements Timeline {
  private denials: DenialEvent[] = [];
  /** The verdicts as last judged, in the time order of their first denials. */
  private held: Verdict[] = [];
  private added: DenialEvent[] = [];
  private forgot = false;
  private everything = false;

  constructor(private readonly scope: 'reader' | 'credential') {}

  get size(): number {
    return this.denials.length;
  }

  add(fact: CorrelationEvent): void {
    if (fact.kind !== 'denial') return;
    insertByTime(this.denials, fact);
    this.added.push(fact);
  }

  keys(): Iterable<string> {
    return this.held.map((v) => v.key);
  }

  invalidate(): void {
    this.everything = true;
  }

  prune(oldest: number): CorrelationEvent[] {
    const split = forgetOlder(this.denials, oldest, false);
    if (!split) return [];
    this.denials = split.kept as DenialEvent[];
    this.forgot = true;
    return split.forgotten;
  }

  judge(s: CorrelationSettings): Judgement {
    const d = this.denials;
    const runs = new Map<number, number>();
    if (this.everything) {
      if (d.length > 0) runs.set(0, d.length - 1);
    } else {
      for (const f of this.added) this.runAround(positionOf(d, f) - 1, s, runs);
      if (this.forgot && d.length > 0) this.runAround(0, s, runs);
    }
    const inRun = (v: Verdict) => {
      const at = v.evidence[0]!.at;
      if (this.everything || (this.forgot && (d.length === 0 || at < d[0]!.at))) return true;
      for (const [lo, hi] of runs) if (at >= d[lo]!.at && at <= d[hi]!.at) return true;
      return false;
    };
    const before = this.held.filter(inRun);
    const after = [...runs]
      .sort(([a], [b]) => a - b)
      .flatMap(([lo, hi]) => denialBursts(this.scope, d.slice(lo, hi + 1), s));
    this.held = [...this.held.filter((v) => !inRun(v)), ...after].sort(byFirstDenial);
    this.added = [];
    this.forgot = false;
    this.everything = false;
    return { before: before.map((v) => v.key), after };
  }

  /** The run holding denial `i`: neighbours no further apart than the window. */
  private runAround(i: number, s: CorrelationSettings, runs: Map<number, number>): void {
    const d = this.denials;
    const w = s.denialBurst.windowMs;
    let lo = i;
    let hi = i;
    while (lo > 0 && d[lo]!.at - d[lo - 1]!.at <= w) lo--;
    if (runs.has(lo)) return;
    while (hi < d.length - 1 && d[hi + 1]!.at - d[hi]!.at <= w) hi++;
    runs.set(lo, hi);
  }
}
