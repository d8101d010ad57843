import type { CorrelationEvent } from './events';
import type { RuleId, Severity } from './settings';

/**
 * What one rule concludes from the facts known now. The same facts give the
 * same key, so a verdict that survives a re-evaluation is the same alert, and
 * one that disappears was disproved by what arrived since.
 */
export interface Verdict {
  key: string;
  rule: RuleId;
  /** The rule's severity when it was judged: the alarm's priority. */
  severity: Severity;
  personId: string | null;
  /** When it happened (event time of the fact that triggers it). */
  at: number;
  /** Event time from which it may be raised: `at` plus the rule's grace when it depends on an absence. */
  dueAt: number;
  /** The facts that make it, oldest first: the alert's evidence chain. */
  evidence: CorrelationEvent[];
  /** One line in words, with ids the caller turns into names. */
  summary: string;
}

export const byTime = (a: CorrelationEvent, b: CorrelationEvent): number =>
  a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
