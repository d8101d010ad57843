import { callCentreWeek, runWeek, scoreWeek } from '@gatehouse/testing';

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
});
