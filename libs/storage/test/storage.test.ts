import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS, MigrationError, migrate, openDatabase, ReadPool } from '@gatehouse/storage';

describe('storage (real SQLite file)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gh-storage-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates an empty database to the latest version in WAL mode', () => {
    const db = openDatabase({ path: join(dir, 'a.db') });
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // Running again is a no-op.
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  it('refuses a database whose applied migration was edited', () => {
    const db = openDatabase({ path: join(dir, 'b.db') });
    const edited = MIGRATIONS.map((m) => (m.version === 1 ? { ...m, sql: `${m.sql} -- edited` } : m));
    expect(() => migrate(db, edited)).toThrow(MigrationError);
    db.close();
  });

  it('refuses a database from a newer release', () => {
    const db = openDatabase({ path: join(dir, 'c.db') });
    expect(() => migrate(db, MIGRATIONS.slice(0, 1))).toThrow(/unknown to this release/);
    db.close();
  });

  it('streams a large read from a worker while the main connection writes', async () => {
    const path = join(dir, 'd.db');
    const db = openDatabase({ path });
    db.exec('CREATE TABLE t (n INTEGER)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) insert.run(i);
    })();
    const pool = new ReadPool(path, 2);
    try {
      let total = 0;
      let chunks = 0;
      for await (const rows of pool.iterate<{ n: number }>('SELECT n FROM t ORDER BY n', [], 1000)) {
        total += rows.length;
        chunks += 1;
        insert.run(-1); // a writer during the scan is fine; the scan sees its snapshot
      }
      expect(total).toBe(5000);
      expect(chunks).toBe(5);
      // Breaking early closes the cursor; the worker keeps serving.
      for await (const rows of pool.iterate('SELECT n FROM t', [], 10)) {
        expect(rows).toHaveLength(10);
        break;
      }
      await expect(pool.all('SELECT count(*) AS c FROM t')).resolves.toEqual([{ c: 5005 }]);
      const [blob] = await pool.all<{ b: Buffer }>("SELECT x'00ff' AS b");
      expect(Buffer.isBuffer(blob!.b)).toBe(true);
      expect(blob!.b.toString('hex')).toBe('00ff');
      await expect(pool.all('DELETE FROM t')).rejects.toThrow(/read query failed/);
      await expect(pool.all('SELECT * FROM missing_table')).rejects.toThrow(/no such table/);
    } finally {
      await pool.close();
      db.close();
    }
  });
});
