import { SeenList } from './seen-list';

describe('the list of what logins named and nobody mapped', () => {
  it('counts each key, most recent first, and keeps the most recent when full', () => {
    const list = new SeenList(2);
    list.note('ws-1', 1_000, '10.0.0.1');
    list.note('ws-2', 2_000, '10.0.0.2');
    list.note('ws-1', 3_000, '10.0.0.9');
    expect(list.list()).toEqual([
      { key: 'ws-1', count: 2, lastSeen: 3_000, sourceAddress: '10.0.0.9' },
      { key: 'ws-2', count: 1, lastSeen: 2_000, sourceAddress: '10.0.0.2' },
    ]);
    // A third key: the stalest (ws-2, though it came after ws-1's first) goes.
    list.note('ws-3', 4_000);
    expect(list.list().map((s) => s.key)).toEqual(['ws-3', 'ws-1']);
  });
});
