import type { AlarmView } from '@gatehouse/api';
import { pinnedAlarms } from './alarm-cap';

const alarm = (id: string, priority: string, raisedAt: number) => ({ id, priority, raisedAt }) as AlarmView;

describe('the alarms a narrow desk keeps listed', () => {
  it('keeps the newest of the highest priority even when the queue lists it below the cut', () => {
    // The queue's order: highest priority first, oldest first within it.
    const queue = [
      alarm('c1', 'critical', 1),
      alarm('c2', 'critical', 2),
      alarm('c3', 'critical', 3),
      alarm('c4', 'critical', 4),
      alarm('h1', 'high', 9),
    ];
    expect([...pinnedAlarms(queue)].sort()).toEqual(['c1', 'c2', 'c4']);
  });
  it('keeps the first ones when the newest is among them, and all of a short queue', () => {
    const queue = [
      alarm('h1', 'high', 5),
      alarm('m1', 'medium', 1),
      alarm('l1', 'low', 9),
      alarm('l2', 'low', 10),
    ];
    expect([...pinnedAlarms(queue)].sort()).toEqual(['h1', 'l1', 'm1']);
    expect([...pinnedAlarms(queue.slice(0, 2))].sort()).toEqual(['h1', 'm1']);
    expect(pinnedAlarms([]).size).toBe(0);
  });
});
