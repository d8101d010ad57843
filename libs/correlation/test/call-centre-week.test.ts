import { defaultSettings } from '@gatehouse/correlation';
import { callCentreWeek, runWeek, scoreWeek } from '@gatehouse/testing';
import { CorrelationEngine } from '../src/engine';
import { referenceEngine } from './whole-timeline-reference';

// The reference judges every person's whole timeline after each fact: slow on a loaded machine.
jest.setTimeout(120_000);

describe('the correlation rules over a labelled call-centre week', () => {
  it('detects every injected breach; what late facts disprove is withdrawn, so no false alert stands', () => {
    const week = callCentreWeek({ people: 120, seed: 11, breachesPerRule: 3 });
    const score = scoreWeek(week, runWeek(week));
    expect(score.missed).toEqual([]);
    expect(score.false_alerts_standing).toBe(0);
    // Only the desks whose backlog came after the grace raised anything false, and all of it was withdrawn.
    expect(score.withdrawn).toBe(score.false_alerts);
    expect(new Set(score.falseAlerts.map((a) => a.rule))).toEqual(
      score.false_alerts ? new Set(['session-after-badge-out']) : new Set(),
    );
    expect(score.injected).toBe(week.labels.length);
    expect(new Set(week.labels.map((l) => l.rule)).size).toBe(7);
  });

  it('raises and withdraws exactly what the whole-timeline reference does, fact by fact, over the week of the benchmark', () => {
    const week = callCentreWeek({ people: 500, seed: 7 });
    const settings = defaultSettings({ walkingMs: week.walkingMs });
    const engine = new CorrelationEngine(settings);
    const reference = referenceEngine(settings);
    let nextTick = week.start;
    let raised = 0;
    let withdrawn = 0;
    for (const { fact, arrivesAt } of week.deliveries) {
      while (nextTick <= arrivesAt) {
        const t = engine.tick(nextTick);
        expect(t).toEqual(reference.tick(nextTick));
        raised += t.raised.length;
        nextTick += 60_000;
      }
      const o = engine.observe(fact, arrivesAt);
      expect(o).toEqual(reference.observe(fact, arrivesAt));
      raised += o.raised.length;
      withdrawn += o.withdrawn.length;
    }
    expect(engine.tick(week.end)).toEqual(reference.tick(week.end));
    expect(engine.open()).toEqual(reference.open());
    expect(engine.counters).toEqual(reference.counters);
    // Not a week of nothing: the labelled breaches and the outage's withdrawals are in it.
    expect(raised).toBeGreaterThanOrEqual(week.labels.length);
    expect(withdrawn).toBeGreaterThan(0);
  });
});
