import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@gatehouse/contracts';
import { openDatabase, ReadPool } from '@gatehouse/storage';

describe('WAL checkpoints in the read pool (real SQLite file)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gh-checkpoint-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stops checkpointing on the given connection and checkpoints from a worker instead', async () => {
    const path = join(dir, 'a.db');
    const db = openDatabase({ path });
    db.exec('CREATE TABLE t (v TEXT)');
    const pool = new ReadPool(path, 1);
    try {
      pool.takeOverCheckpoints(db, 20);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      const before = statSync(path).size;
      // Well past the 1000 pages at which a commit would checkpoint on its own connection.
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      db.transaction(() => {
        for (let i = 0; i < 3000; i++) insert.run('x'.repeat(4000));
      })();
      // Nothing was copied into the database file by that commit: the worker copies it.
      expect(statSync(path).size).toBe(before);
      const deadline = Date.now() + 10_000;
      while (statSync(path).size <= before + 3000 * 4000 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(statSync(path).size).toBeGreaterThan(before + 3000 * 4000);
      expect(await pool.all<{ n: number }>('SELECT count(*) AS n FROM t')).toEqual([{ n: 3000 }]);
    } finally {
      await pool.close();
      db.close();
    }
  });

  it('checkpoints on the clock it is given, when that clock says so', async () => {
    const path = join(dir, 'b.db');
    const db = openDatabase({ path });
    db.exec('CREATE TABLE t (v TEXT)');
    const pool = new ReadPool(path, 1);
    const clock = new ManualClock();
    try {
      pool.takeOverCheckpoints(db, 1000, clock);
      const before = statSync(path).size;
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      db.transaction(() => {
        for (let i = 0; i < 3000; i++) insert.run('x'.repeat(4000));
      })();
      // A round trip to the worker: had a checkpoint been started, it would be done by now.
      await pool.all('SELECT 1');
      clock.advance(999);
      await pool.all('SELECT 1');
      expect(statSync(path).size).toBe(before);
      clock.advance(1);
      await pool.all('SELECT 1');
      expect(statSync(path).size).toBeGreaterThan(before + 3000 * 4000);
      expect(pool.checkpointFailureCount).toBe(0);
    } finally {
      await pool.close();
      db.close();
    }
  });
});
