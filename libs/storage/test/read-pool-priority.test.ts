import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKGROUND_NICE, openDatabase, ReadPool } from '@gatehouse/storage';

/** Each thread of this process and its nice value (field 19 of its stat line; the name before may hold spaces). */
const threadNices = (): Map<number, number> =>
  new Map(
    readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields from the third on: state is field 3, nice is field 19.
      return [Number(tid), Number(afterName[19 - 3])];
    }),
  );

describe('the read pool yields cores to the event loop (real worker thread, Linux)', () => {
  it('runs its worker at the background nice value and leaves every other thread as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-priority-'));
    const path = join(dir, 'a.db');
    const db = openDatabase({ path });
    const before = threadNices();
    const pool = new ReadPool(path, 1);
    try {
      // An answer means the worker has started and served.
      expect(await pool.all<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      const after = threadNices();
      const lowered = [...after].filter(([tid, nice]) => !before.has(tid) && nice === BACKGROUND_NICE);
      expect(lowered.length).toBeGreaterThanOrEqual(1);
      for (const [tid, nice] of before) if (after.has(tid)) expect(after.get(tid)).toBe(nice);
      expect(after.get(process.pid)).toBe(before.get(process.pid));
    } finally {
      await pool.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
