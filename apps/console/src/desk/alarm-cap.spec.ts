import type { AlarmView } from '@gatehouse/api';
import { pinnedAlarms, visibleAlarms } from './alarm-cap';

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
  it('says which alarms a guard sees: all on a wide screen or with All open, else the pinned and the selected', () => {
    const queue = ['a', 'b', 'c', 'd', 'e'].map((id, i) => alarm(id, 'high', i));
    const ids = (v: Parameters<typeof visibleAlarms>[1]) => visibleAlarms(queue, v).map((a) => a.id);
    expect(ids({ narrow: false, all: false, selectedId: null })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids({ narrow: true, all: true, selectedId: null })).toEqual(['a', 'b', 'c', 'd', 'e']);
    // Pinned: the newest of the top priority (e), then the first two.
    expect(ids({ narrow: true, all: false, selectedId: null })).toEqual(['a', 'b', 'e']);
    expect(ids({ narrow: true, all: false, selectedId: 'd' })).toEqual(['a', 'b', 'd', 'e']);
    expect(visibleAlarms(queue.slice(0, 3), { narrow: true, all: false, selectedId: null })).toHaveLength(3);
  });
});
