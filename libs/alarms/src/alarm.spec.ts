import { type Alarm, queueOrder } from './alarm';

const alarm = (id: string, priority: Alarm['priority'], state: Alarm['state'], raisedAt: number) => ({
  id,
  priority,
  state,
  raisedAt,
});

describe('the alarm queue order', () => {
  it('puts the unacknowledged above the acknowledged within a priority, newest first within each', () => {
    const queue = [
      alarm('old-acknowledged-critical', 'critical', 'acknowledged', 1_000),
      alarm('new-acknowledged-critical', 'critical', 'acknowledged', 5_000),
      alarm('high', 'high', 'new', 9_000),
      alarm('old-new-critical', 'critical', 'new', 2_000),
      alarm('forced-open-critical', 'critical', 'new', 8_000),
      alarm('low', 'low', 'new', 10_000),
    ];
    expect([...queue].sort(queueOrder).map((a) => a.id)).toEqual([
      'forced-open-critical',
      'old-new-critical',
      'new-acknowledged-critical',
      'old-acknowledged-critical',
      'high',
      'low',
    ]);
  });
});
