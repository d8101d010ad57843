import type { DenialEvent } from './events';
import type { CorrelationSettings } from './settings';
import type { Verdict } from './verdict';

/**
 * At least `count` denials within `windowMs` for one card or at one reader:
 * someone trying cards, or a cloned card. One burst per run of denials (the
 * run ends when the window passes with fewer), keyed by its first denial so a
 * late denial inside the run does not make a second alert.
 */
export const denialBursts = (
  scope: 'reader' | 'credential',
  denials: readonly DenialEvent[],
  s: CorrelationSettings,
): Verdict[] => {
  const r = s.rules['denial-burst'];
  if (!r.enabled) return [];
  const { count, windowMs } = s.denialBurst;
  const out: Verdict[] = [];
  let runEnd = Number.NEGATIVE_INFINITY;
  for (let i = count - 1; i < denials.length; i++) {
    const last = denials[i]!;
    const first = denials[i - count + 1]!;
    if (last.at - first.at > windowMs) continue;
    // One card refused again and again at one reader is that reader's burst already: the
    // card's own alert is for a card tried at several readers (one alarm per burst, not two).
    if (
      scope === 'credential' &&
      new Set(denials.slice(i - count + 1, i + 1).map((d) => d.readerId)).size < 2
    )
      continue;
    if (first.at <= runEnd) {
      runEnd = last.at + windowMs;
      continue;
    }
    runEnd = last.at + windowMs;
    const evidence = denials.slice(i - count + 1, i + 1);
    const where = scope === 'reader' ? `at ${last.readerId}` : `for one card (${last.credentialKey})`;
    out.push({
      key: `denial-burst:${scope}:${first.id}`,
      rule: 'denial-burst',
      severity: r.severity,
      personId: scope === 'credential' ? last.personId : null,
      at: last.at,
      dueAt: last.at + r.graceMs,
      evidence,
      summary: `${count} denials ${where} within ${Math.round((last.at - first.at) / 1000)} s`,
    });
  }
  return out;
};
