import Database from 'better-sqlite3';
import { join } from 'node:path';
import { bootstrapAdmin, tokenClient } from '../support/client';
import { removeDir, runCli, startGateway } from '../support/gateway';

const TOTAL = 100_000;
const KILL_AFTER = 30_000;
const CONCURRENCY = 48;

describe('journal durability and integrity (real process, kill -9)', () => {
  it('keeps every acknowledged entry across kill -9, marks the gap, verifies, and names a changed byte', async () => {
    // The default durability (synchronous = full), as in production.
    const gw = await startGateway({ env: { GATEHOUSE_STORAGE_SYNCHRONOUS: 'full' } });
    const dataDir = gw.dataDir;
    const { client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!);
    const machine = await tokenClient(admin, gw.url, ['guard']);

    const acked = new Map<number, string>();
    let next = 0;
    let killed = false;
    let failures = 0;
    const worker = async () => {
      while (next < TOTAL && !killed) {
        const text = `load ${next++}`;
        try {
          const reply = await machine.post<{ seq: number }>('/api/v1/journal/notes', { text });
          if (reply.status === 201) acked.set(reply.body.seq, text);
          else failures += 1;
        } catch {
          failures += 1; // the connection died with the process: not acknowledged
        }
        if (!killed && acked.size >= KILL_AFTER) {
          killed = true;
          await gw.kill9();
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(killed).toBe(true);
    // Only requests in flight at the kill can have failed.
    expect(failures).toBeLessThanOrEqual(CONCURRENCY);
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER);
    const maxAcked = Math.max(...acked.keys());

    // Restart on the same data: a restart entry names the last sequence seen and the unclean stop.
    const again = await startGateway({ dataDir });
    expect(again.bootstrapToken).toBeNull();
    expect(await again.stop()).toBe(0);

    const db = new Database(join(dataDir, 'gatehouse.db'), { readonly: true });
    const stored = new Map<number, string>();
    for (const row of db
      .prepare("SELECT seq, entry_json FROM journal_entries WHERE type = 'note.added'")
      .iterate() as IterableIterator<{
      seq: number;
      entry_json: string;
    }>) {
      stored.set(row.seq, (JSON.parse(row.entry_json) as { payload: { text: string } }).payload.text);
    }
    const lost = [...acked].filter(([seq, text]) => stored.get(seq) !== text);
    expect(lost).toEqual([]);
    const restart = db
      .prepare("SELECT entry_json FROM journal_entries WHERE type = 'journal.restarted' ORDER BY seq")
      .pluck()
      .all() as string[];
    expect(restart).toHaveLength(1);
    const payload = (JSON.parse(restart[0]!) as { payload: { lastSeq: number; previousShutdown: string } })
      .payload;
    expect(payload.previousShutdown).toBe('unclean');
    expect(payload.lastSeq).toBeGreaterThanOrEqual(maxAcked);
    db.close();

    const env = { GATEHOUSE_DATA_DIR: dataDir };
    const ok = runCli(['journal', 'verify'], env);
    expect(ok.stdout).toMatch(/journal OK: \d+ entries/);
    expect(ok.code).toBe(0);

    // One byte changed in a stored entry: verification fails and names it.
    const victim = [...acked.keys()].sort((a, b) => a - b)[1000]!;
    const rw = new Database(join(dataDir, 'gatehouse.db'));
    const original = rw
      .prepare('SELECT entry_json FROM journal_entries WHERE seq = ?')
      .pluck()
      .get(victim) as string;
    rw.prepare('UPDATE journal_entries SET entry_json = ? WHERE seq = ?').run(
      original.replace('"load ', '"load!'),
      victim,
    );
    const bad = runCli(['journal', 'verify'], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`entry ${victim}: entry does not match its stored leaf hash`);
    rw.prepare('UPDATE journal_entries SET entry_json = ? WHERE seq = ?').run(original, victim);

    // One byte changed in a checkpoint: verification fails and names the checkpoint.
    const cp = rw
      .prepare('SELECT id, body_json FROM journal_checkpoints ORDER BY id LIMIT 1 OFFSET 3')
      .get() as { id: number; body_json: string };
    rw.prepare('UPDATE journal_checkpoints SET body_json = ? WHERE id = ?').run(
      cp.body_json.replace(/"time":"(\d)/, (_m, d: string) => `"time":"${(Number(d) + 1) % 10}`),
      cp.id,
    );
    rw.close();
    const badCp = runCli(['journal', 'verify', '--json'], env);
    expect(badCp.code).toBe(1);
    const report = JSON.parse(badCp.stdout) as {
      firstProblem: { kind: string; checkpointId: number; reason: string };
    };
    expect(report.firstProblem).toMatchObject({ kind: 'checkpoint', checkpointId: cp.id });
    removeDir(dataDir);
  });
});
