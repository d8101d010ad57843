import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapAdmin, tokenClient } from '../support/client';
import { CLI_MAIN, removeDir, ROOT, runCli, startGateway } from '../support/gateway';

/** The CLI as its own process, without blocking this one (the writers keep going meanwhile). */
const cliAsync = (args: string[], env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string }>((done) => {
    execFile(
      process.execPath,
      [CLI_MAIN, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 120_000 },
      (error, stdout) => done({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    );
  });

describe('gatehouse journal verify against a journal being written (real processes)', () => {
  it('never reports tampering while the gateway appends, and still names a real change', async () => {
    const gw = await startGateway();
    const env = { GATEHOUSE_DATA_DIR: gw.dataDir };
    const { client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!);
    const machine = await tokenClient(admin, gw.url, ['guard']);
    let writing = true;
    let written = 0;
    const writer = async () => {
      while (writing) {
        const reply = await machine.post('/api/v1/journal/notes', { text: `note ${written}` });
        if (reply.status === 201) written += 1;
      }
    };
    const writers = Array.from({ length: 6 }, writer);
    const reports: { code: number; stdout: string; writtenBefore: number; writtenAfter: number }[] = [];
    for (let run = 0; run < 3; run++) {
      const writtenBefore = written;
      const r = await cliAsync(['journal', 'verify', '--json'], env);
      reports.push({ ...r, writtenBefore, writtenAfter: written });
    }
    writing = false;
    await Promise.all(writers);
    // Each run overlapped the writers' commits, and each found the tree it read intact.
    for (const r of reports) {
      expect(r.writtenAfter).toBeGreaterThan(r.writtenBefore);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, problems: [] });
      expect(r.code).toBe(0);
    }
    expect(await gw.stop()).toBe(0);

    const rw = new Database(join(gw.dataDir, 'gatehouse.db'));
    const victim = rw
      .prepare("SELECT seq FROM journal_entries WHERE type = 'note.added' ORDER BY seq LIMIT 1 OFFSET 10")
      .pluck()
      .get() as number;
    rw.prepare(
      "UPDATE journal_entries SET entry_json = replace(entry_json, '\"note ', '\"n0te ') WHERE seq = ?",
    ).run(victim);
    rw.close();
    const bad = runCli(['journal', 'verify'], env);
    expect(bad.stdout).toContain(`entry ${victim}: entry does not match its stored leaf hash`);
    expect(bad.code).toBe(1);
    removeDir(gw.dataDir);
  });
});

describe('an administrator made before the first start', () => {
  it('does not make the first start look like a crash', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gh-e2e-'));
    const env = { GATEHOUSE_DATA_DIR: dataDir };
    const made = runCli(
      ['admin', 'create', '--username', 'ops', '--display-name', 'Ops Admin', '--password-stdin'],
      env,
      'quiet river lantern 9\n',
    );
    expect(made.code).toBe(0);
    const first = await startGateway({ dataDir });
    expect(first.bootstrapToken).toBeNull();
    expect(await first.stop()).toBe(0);
    // Another administrator between two runs, then a start: still clean.
    const second = runCli(
      ['admin', 'create', '--username', 'ops2', '--display-name', 'Ops Two', '--password-stdin'],
      env,
      'amber harbour willow 7\n',
    );
    expect(second.code).toBe(0);
    const again = await startGateway({ dataDir });
    expect(await again.stop()).toBe(0);

    const db = new Database(join(dataDir, 'gatehouse.db'), { readonly: true });
    const lifecycle = (
      db
        .prepare(
          "SELECT entry_json FROM journal_entries WHERE type IN ('journal.created', 'journal.restarted') ORDER BY seq",
        )
        .pluck()
        .all() as string[]
    ).map(
      (j) => JSON.parse(j) as { seq: number; type: string; source: string; payload: Record<string, unknown> },
    );
    db.close();
    expect(lifecycle.map((e) => [e.seq === 1, e.type, e.source])).toEqual([
      [true, 'journal.created', 'cli'],
      [false, 'journal.restarted', 'gateway'],
      [false, 'journal.restarted', 'gateway'],
    ]);
    expect(lifecycle.slice(1).map((e) => e.payload.previousShutdown)).toEqual(['clean', 'clean']);
    expect(runCli(['journal', 'verify'], env).code).toBe(0);
    removeDir(dataDir);
  });
});
