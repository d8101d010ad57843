import type { CorrelationEvent } from './events';
import type { CorrelationSettings } from './settings';
import { firstAtOrAfter } from './sorted';
import type { Verdict } from './verdict';

/** What judging a timeline again found: the verdicts it judged, as they were and as they are. */
export interface Judgement {
  /** Keys of the verdicts judged again, as they stood after the last judgement. */
  before: Iterable<string>;
  /** Those verdicts now. A key in `before` and not here no longer holds. */
  after: Verdict[];
}

/**
 * The facts of one person, reader or card in event-time order, with the
 * verdicts of the rules over them. The engine adds a fact, then asks for a
 * judgement; what the judgement leaves out has not changed.
 */
export interface Timeline {
  readonly size: number;
  add(fact: CorrelationEvent, s: CorrelationSettings): void;
  judge(s: CorrelationSettings): Judgement;
  /** Forgets the facts older than `oldest` (a person's last status excepted); returns them. */
  prune(oldest: number): CorrelationEvent[];
  /** Keys of every verdict as last judged. */
  keys(): Iterable<string>;
  /** The settings changed: the next judgement judges everything again. */
  invalidate(): void;
}

/**
 * Splits off what the horizon forgets: facts older than `oldest`, except a
 * person's last status (a leaver is state, not history: it outlives the horizon).
 */
export const forgetOlder = (
  facts: readonly CorrelationEvent[],
  oldest: number,
  /** False when the timeline holds no status: what to forget is then a prefix, found by halving. */
  mayHoldStatus = true,
): { kept: CorrelationEvent[]; forgotten: CorrelationEvent[] } | null => {
  if (facts.length === 0 || facts[0]!.at >= oldest) return null;
  if (!mayHoldStatus) {
    const cut = firstAtOrAfter(facts, oldest);
    return { kept: facts.slice(cut), forgotten: facts.slice(0, cut) };
  }
  const lastStatus = facts.findLast((f) => f.kind === 'status');
  const kept: CorrelationEvent[] = [];
  const forgotten: CorrelationEvent[] = [];
  for (const f of facts) (f.at >= oldest || f === lastStatus ? kept : forgotten).push(f);
  return forgotten.length === 0 ? null : { kept, forgotten };
};
