import type { AlarmView } from '@gatehouse/api';
import { pinnedAlarms, visibleAlarms } from './alarm-cap';

const alarm = (id: string, priority: string, raisedAt: number, state = 'new') =>
  ({ id, priority, raisedAt, state }) as AlarmView;

describe('the alarms a narrow desk keeps listed', () => {
  it("keeps the queue's first ones (the newest unacknowledged of the highest priority lead it), and all of a short queue", () => {
    const queue = [
      alarm('c4', 'critical', 4),
      alarm('c3', 'critical', 3),
      alarm('c2', 'critical', 2),
      alarm('c1', 'critical', 1),
      alarm('h1', 'high', 9),
    ];
    expect([...pinnedAlarms(queue)]).toEqual(['c4', 'c3', 'c2']);
    expect([...pinnedAlarms(queue.slice(0, 2))]).toEqual(['c4', 'c3']);
    expect(pinnedAlarms([]).size).toBe(0);
  });
  it('lists the unacknowledged before any acknowledged one, acknowledged ones only when room is left', () => {
    // The server's order: an acknowledged critical alarm sits above a new high one.
    const queue = [
      alarm('c2', 'critical', 2, 'acknowledged'),
      alarm('c1', 'critical', 1, 'acknowledged'),
      alarm('h3', 'high', 3),
      alarm('h2', 'high', 2),
      alarm('m1', 'medium', 1),
      alarm('h1', 'high', 1, 'acknowledged'),
    ];
    expect([...pinnedAlarms(queue)]).toEqual(['h3', 'h2', 'm1']);
    expect([...pinnedAlarms(queue.filter((a) => a.id !== 'm1'))]).toEqual(['h3', 'h2', 'c2']);
    expect(visibleAlarms(queue, { narrow: true, all: false, selectedId: null }).map((a) => a.id)).toEqual([
      'h3',
      'h2',
      'm1',
    ]);
  });
  it('says which alarms a guard sees: all on a wide screen or with All open, else the pinned and the selected', () => {
    const queue = ['e', 'd', 'c', 'b', 'a'].map((id, i) => alarm(id, 'high', 5 - i));
    const ids = (v: Parameters<typeof visibleAlarms>[1]) => visibleAlarms(queue, v).map((a) => a.id);
    expect(ids({ narrow: false, all: false, selectedId: null })).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(ids({ narrow: true, all: true, selectedId: null })).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(ids({ narrow: true, all: false, selectedId: null })).toEqual(['e', 'd', 'c']);
    expect(ids({ narrow: true, all: false, selectedId: 'a' })).toEqual(['e', 'd', 'c', 'a']);
    expect(visibleAlarms(queue.slice(0, 3), { narrow: true, all: false, selectedId: null })).toHaveLength(3);
  });
});
