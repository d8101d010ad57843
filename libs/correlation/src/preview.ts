import { type Alert, CorrelationEngine } from './engine';
import type { CorrelationEvent } from './events';
import { RULES, type CorrelationSettings, type RuleId } from './settings';

/** A fact as it reached the gateway: the replay takes it at its arrival, as the live engine did. */
export interface ArrivedFact {
  fact: CorrelationEvent;
  arrivedAt: number;
}

export interface RuleTally {
  raised: number;
  /** Raised, then disproved by a later fact within the same replay. */
  withdrawn: number;
}

export interface PreviewResult {
  /** Per rule, what these settings would have raised over the facts given. */
  counts: Record<RuleId, RuleTally>;
  /** A few alerts per rule, newest first, for the operator to judge what the change means. */
  sample: Alert[];
  /** Facts replayed. */
  facts: number;
  /** The replay stopped early (too many facts or out of time): the counts are a lower bound. */
  truncated: boolean;
}

export interface PreviewLimits {
  /** Alerts kept per rule in the sample. */
  samplePerRule: number;
  /** Asked every few hundred facts: true stops the replay (bounded time for an HTTP answer). */
  outOfTime: () => boolean;
  /**
   * Awaited every few hundred facts: the gateway gives its event loop back
   * there (door decisions must not wait seconds behind a preview).
   */
  breathe?: () => Promise<void>;
}

/** How often the replay lets graced alerts come due and prunes: a live tick is every 15 s. */
const TICK_EVERY_MS = 60_000;
const CHECK_EVERY = 500;

/**
 * What a set of rule settings would have raised over facts that already
 * happened: a fresh engine of its own, fed each fact at the time it arrived
 * (so grace periods and late deliveries play out as they did), ticked
 * between arrivals and once more at `until`. Pure: nothing is journaled or
 * raised; the gateway's own engine is not touched.
 */
export const previewRules = async (
  facts: readonly ArrivedFact[],
  settings: CorrelationSettings,
  until: number,
  limits: PreviewLimits,
): Promise<PreviewResult> => {
  const engine = new CorrelationEngine(settings);
  const raised: Alert[] = [];
  const withdrawnKeys = new Set<string>();
  let lastTick = -Infinity;
  let replayed = 0;
  let truncated = false;
  const take = (o: { raised: Alert[]; withdrawn: { alert: Alert }[] }) => {
    raised.push(...o.raised);
    for (const w of o.withdrawn) withdrawnKeys.add(w.alert.key);
  };
  const ordered = [...facts].sort((a, b) => a.arrivedAt - b.arrivedAt);
  for (const { fact, arrivedAt } of ordered) {
    if (replayed % CHECK_EVERY === 0 && replayed > 0) {
      if (limits.outOfTime()) {
        truncated = true;
        break;
      }
      await limits.breathe?.();
    }
    if (arrivedAt - lastTick >= TICK_EVERY_MS) {
      take(engine.tick(arrivedAt));
      lastTick = arrivedAt;
    }
    take(engine.observe(fact, arrivedAt));
    replayed++;
  }
  take(engine.tick(until));
  const counts = Object.fromEntries(RULES.map((r) => [r, { raised: 0, withdrawn: 0 }])) as Record<
    RuleId,
    RuleTally
  >;
  for (const a of raised) {
    counts[a.rule].raised++;
    if (withdrawnKeys.has(a.key)) counts[a.rule].withdrawn++;
  }
  const sample = RULES.flatMap((r) =>
    raised
      .filter((a) => a.rule === r && !withdrawnKeys.has(a.key))
      .slice(-limits.samplePerRule)
      .reverse(),
  );
  return { counts, sample, facts: replayed, truncated };
};

/** A change to the rules as the console proposes it, in the configuration's units. */
export interface RulesProposal {
  rules?: Partial<Record<RuleId, { enabled?: boolean; severity?: Alert['severity']; graceSeconds?: number }>>;
  denialBurst?: { count?: number; windowMinutes?: number };
  skewToleranceSeconds?: number;
}

/** The settings in force with a proposal laid over them (what it leaves out stays as it is). */
export const withProposal = (s: CorrelationSettings, p: RulesProposal): CorrelationSettings => ({
  ...s,
  rules: Object.fromEntries(
    RULES.map((r) => {
      const now = s.rules[r];
      const o = p.rules?.[r] ?? {};
      return [
        r,
        {
          enabled: o.enabled ?? now.enabled,
          severity: o.severity ?? now.severity,
          graceMs: o.graceSeconds === undefined ? now.graceMs : o.graceSeconds * 1000,
        },
      ];
    }),
  ) as CorrelationSettings['rules'],
  denialBurst: {
    count: p.denialBurst?.count ?? s.denialBurst.count,
    windowMs:
      p.denialBurst?.windowMinutes === undefined
        ? s.denialBurst.windowMs
        : p.denialBurst.windowMinutes * 60_000,
  },
  skewToleranceMs: p.skewToleranceSeconds === undefined ? s.skewToleranceMs : p.skewToleranceSeconds * 1000,
});
