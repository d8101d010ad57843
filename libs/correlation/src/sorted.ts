import type { CorrelationEvent } from './events';
import { byTime } from './verdict';

/** The first index whose fact happened at or after `at` (lists kept in `byTime` order). */
export const firstAtOrAfter = (list: readonly { at: number }[], at: number): number => {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** The first index whose fact happened after `at`. */
export const firstAfter = (list: readonly { at: number }[], at: number): number => {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** Where a fact goes in a list kept in `byTime` order: after every fact not later than it. */
export const positionOf = (list: readonly CorrelationEvent[], fact: CorrelationEvent): number => {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byTime(list[mid]!, fact) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/**
 * Puts a fact in its place; returns its index. Facts mostly arrive in order,
 * so the end is tried first.
 */
export const insertByTime = <T extends CorrelationEvent>(list: T[], fact: T): number => {
  const last = list.at(-1);
  if (!last || byTime(last, fact) <= 0) {
    list.push(fact);
    return list.length - 1;
  }
  const i = positionOf(list, fact);
  list.splice(i, 0, fact);
  return i;
};
