import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatehouseBus, ManualClock, type JournalEntry } from '@gatehouse/contracts';
import { openDatabase, type Db } from '@gatehouse/storage';
import {
  Journal,
  SqliteJournalStore,
  loadOrCreateSigningKey,
  verifyStoredJournal,
  type JournalRows,
} from '@gatehouse/journal';

const options = {
  batchMaxEntries: 100,
  batchMaxDelayMs: 0,
  checkpointEveryEntries: 50,
  checkpointEverySeconds: 60,
};

/** The verifier the CLI runs, in chunks of 37 so chunk edges fall anywhere. */
const verifyDb = Object.assign(
  (db: Db, publicKeyPem: string, keyId: string) =>
    verifyStoredJournal(verifyDb.rows(db), new Map([[keyId, publicKeyPem]])),
  {
    rows: (db: Db): JournalRows => ({
      all: <T>(sql: string, params: readonly (string | number)[] = []) =>
        Promise.resolve(db.prepare(sql).all(...params) as T[]),
      async *iterate<T>(sql: string, params: readonly (string | number)[] = [], chunk = 37) {
        const rows = db.prepare(sql).all(...params) as T[];
        for (let i = 0; i < rows.length; i += chunk) yield rows.slice(i, i + chunk);
      },
    }),
  },
);

describe('Journal on a real SQLite file', () => {
  let dir: string;
  let db: Db;
  let clock: ManualClock;
  const make = (bus?: GatehouseBus) => {
    const signer = loadOrCreateSigningKey(join(dir, 'keys', 'signing.pem'));
    return new Journal(new SqliteJournalStore(db), signer, clock, options, bus);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gh-journal-'));
    db = openDatabase({ path: join(dir, 'j.db') });
    clock = new ManualClock('2026-03-01T10:00:00Z');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('group-commits appends, signs checkpoints and verifies', async () => {
    const bus = new GatehouseBus();
    const committed: JournalEntry[][] = [];
    bus.on('journal.committed', 'test', (entries) => committed.push([...entries]));
    const journal = make(bus);
    await journal.open();
    const entries = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        journal.append({
          type: 'test.fact',
          source: 'test',
          subjects: [{ kind: 'person', id: `p${i % 3}` }],
          payload: { i },
          sourceTime: '2026-03-01 11:00:00',
          sourceZone: 'Europe/Paris',
          timeSource: 'device',
        }),
      ),
    );
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 2));
    // One transaction for the batch of 100, one for the rest (plus the open entry before).
    expect(committed.length).toBeLessThanOrEqual(3);
    expect(statSync(join(dir, 'keys', 'signing.pem')).mode & 0o777).toBe(0o600);
    await journal.close();
    const report = await verifyDb(db, journal.publicKeyPem, journal.keyId);
    expect(report).toMatchObject({ ok: true, entries: 122, uncheckpointedEntries: 0 });
    expect(report.checkpoints).toBeGreaterThanOrEqual(3);
  });

  it('records a restart with the last sequence and whether the previous stop was clean', async () => {
    const first = make();
    await first.open();
    await first.append({ type: 'test.fact', source: 'test' });
    first.flush();
    // No close(): as after kill -9.
    const second = make();
    const restarted = await second.open();
    expect(restarted.type).toBe('journal.restarted');
    expect(restarted.payload).toMatchObject({
      lastSeq: 2,
      previousShutdown: 'unclean',
      uncheckpointedEntries: 1,
    });
    await second.close();
    const third = make();
    expect((await third.open()).payload).toMatchObject({ previousShutdown: 'clean' });
    await third.close();
    expect((await verifyDb(db, third.publicKeyPem, third.keyId)).ok).toBe(true);
  });

  it('counts a stop as clean when only the CLI wrote since, and a crash as unclean whatever the CLI wrote after', async () => {
    const cliDb = openDatabase({ path: join(dir, 'j.db') });
    const cli = () =>
      new Journal(
        new SqliteJournalStore(cliDb),
        loadOrCreateSigningKey(join(dir, 'keys', 'signing.pem')),
        clock,
        options,
      );
    // An administrator made before the first start: the CLI writes first.
    const first = cli();
    first.attach();
    first.appendAll([{ type: 'auth.operator-created', source: 'cli' }], () => undefined);
    const gateway = make();
    const start = await gateway.open();
    expect(start).toMatchObject({
      type: 'journal.restarted',
      payload: { previousShutdown: 'clean', lastSeq: 2 },
    });
    const created = db.prepare('SELECT type, source FROM journal_entries WHERE seq = 1').get();
    expect(created).toEqual({ type: 'journal.created', source: 'cli' });
    await gateway.close();
    cli().attach();
    cli().appendAll([{ type: 'auth.operator-created', source: 'cli' }], () => undefined);
    const second = make();
    expect((await second.open()).payload).toMatchObject({ previousShutdown: 'clean' });
    second.flush(); // then killed: no close
    cli().appendAll([{ type: 'auth.operator-created', source: 'cli' }], () => undefined);
    const third = make();
    expect((await third.open()).payload).toMatchObject({ previousShutdown: 'unclean' });
    await third.close();
    cliDb.close();
    expect((await verifyDb(db, third.publicKeyPem, third.keyId)).ok).toBe(true);
  });

  it('verifies one consistent tree while a writer commits between every read, and still finds a real change', async () => {
    const journal = make();
    await journal.open();
    for (let i = 0; i < 60; i++)
      void journal.append({ type: 'test.fact', source: 'test', subjects: [{ kind: 'person', id: `p${i}` }] });
    journal.flush();
    // Another writer commits entries (with subjects, and a checkpoint now and then) before each read.
    let n = 0;
    const write = () => {
      for (let i = 0; i < 7; i++)
        void journal.append({
          type: 'test.fact',
          source: 'test',
          subjects: [{ kind: 'person', id: `q${n++}` }],
        });
      journal.flush();
      journal.checkpointNow();
    };
    const reads = verifyDb.rows(db);
    const busy: JournalRows = {
      all: (sql, params) => {
        write();
        return reads.all(sql, params);
      },
      async *iterate<T>(sql: string, params?: readonly (string | number)[]) {
        for await (const rows of reads.iterate<T>(sql, params, 5)) {
          write();
          yield rows;
        }
      },
    };
    const keys = new Map([[journal.keyId, journal.publicKeyPem]]);
    const report = await verifyStoredJournal(busy, keys);
    expect(report.problems).toEqual([]);
    // The tree as the first read found it: 61 entries, then the writer's first 7.
    expect(report.entries).toBe(68);
    db.prepare("UPDATE journal_entries SET entry_json = replace(entry_json, 'p7', 'p8') WHERE seq = 9").run();
    const tampered = await verifyStoredJournal(busy, keys);
    expect(tampered.firstProblem).toMatchObject({ kind: 'entry', seq: 9 });
    await journal.close();
  });

  it('names the entry whose stored bytes were changed', async () => {
    const journal = make();
    await journal.open();
    for (let i = 0; i < 30; i++) await journal.append({ type: 'test.fact', source: 'test', payload: { i } });
    await journal.close();
    db.prepare(
      'UPDATE journal_entries SET entry_json = replace(entry_json, \'"i":7\', \'"i":8\') WHERE seq = 9',
    ).run();
    const report = await verifyDb(db, journal.publicKeyPem, journal.keyId);
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({
      kind: 'entry',
      seq: 9,
      reason: 'entry does not match its stored leaf hash',
    });
  });

  it('catches an entry rewritten together with its leaf hash through the signed root', async () => {
    const journal = make();
    await journal.open();
    for (let i = 0; i < 10; i++) await journal.append({ type: 'test.fact', source: 'test', payload: { i } });
    await journal.close();
    const row = db.prepare('SELECT entry_json FROM journal_entries WHERE seq = 5').get() as {
      entry_json: string;
    };
    const forged = row.entry_json.replace('"i":3', '"i":4');
    const { leafHash } = await import('@gatehouse/journal');
    db.prepare('UPDATE journal_entries SET entry_json = ?, leaf_hash = ? WHERE seq = 5').run(
      forged,
      leafHash(forged),
    );
    const report = await verifyDb(db, journal.publicKeyPem, journal.keyId);
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ kind: 'checkpoint' });
    expect(report.firstProblem!.reason).toMatch(/signed root differs/);
  });

  it('names a checkpoint whose signature or link was changed', async () => {
    const journal = make();
    await journal.open();
    for (let i = 0; i < 120; i++) void journal.append({ type: 'test.fact', source: 'test', payload: { i } });
    journal.flush();
    await journal.close();
    const cps = db.prepare('SELECT id, signature FROM journal_checkpoints ORDER BY id').all() as {
      id: number;
      signature: Buffer;
    }[];
    const victim = cps[1]!;
    const sig = Buffer.from(victim.signature);
    sig[10] ^= 0x01;
    db.prepare('UPDATE journal_checkpoints SET signature = ? WHERE id = ?').run(sig, victim.id);
    const report = await verifyDb(db, journal.publicKeyPem, journal.keyId);
    expect(report.firstProblem).toMatchObject({
      kind: 'checkpoint',
      checkpointId: victim.id,
      reason: 'signature does not verify',
    });
  });

  it('continues the tree correctly when another process appended in between', async () => {
    const a = make();
    await a.open();
    await a.append({ type: 'test.fact', source: 'a' });
    // A second writer on its own connection (as the CLI would be).
    const otherDb = openDatabase({ path: join(dir, 'j.db') });
    const b = new Journal(
      new SqliteJournalStore(otherDb),
      loadOrCreateSigningKey(join(dir, 'keys', 'signing.pem')),
      clock,
      options,
    );
    await b.open();
    await b.append({ type: 'test.fact', source: 'b' });
    await b.close();
    otherDb.close();
    const next = await a.append({ type: 'test.fact', source: 'a' });
    expect(next.seq).toBe(6);
    await a.close();
    expect((await verifyDb(db, a.publicKeyPem, a.keyId)).ok).toBe(true);
  });

  it('rejects malformed entries without losing the rest of the batch', async () => {
    const journal = make();
    await journal.open();
    const good = journal.append({ type: 'test.fact', source: 'test' });
    await expect(journal.append({ type: 'Bad Type', source: 'test' })).rejects.toThrow(/bad entry type/);
    const huge = journal.append({ type: 'test.fact', source: 'test', payload: { blob: 'x'.repeat(70_000) } });
    const after = journal.append({ type: 'test.fact', source: 'test' });
    await expect(huge).rejects.toThrow(/over 65536 bytes/);
    expect((await good).seq).toBe(2);
    expect((await after).seq).toBe(3);
    await journal.close();
    expect((await verifyDb(db, journal.publicKeyPem, journal.keyId)).ok).toBe(true);
  });

  it('cuts a checkpoint after the configured time', async () => {
    const journal = new Journal(
      new SqliteJournalStore(db),
      loadOrCreateSigningKey(join(dir, 'k.pem')),
      clock,
      { ...options, checkpointEveryEntries: 1000, checkpointEverySeconds: 5 },
    );
    await journal.open();
    await journal.append({ type: 'test.fact', source: 'test' });
    expect(journal.stats().lastCheckpointSize).toBe(1);
    clock.advance(4000);
    expect(journal.stats().lastCheckpointSize).toBe(1);
    // The timer runs on the injected clock: stepping time cuts the checkpoint, no sleep.
    clock.advance(2000);
    expect(journal.stats().lastCheckpointSize).toBe(2);
    await journal.close();
  });

  it('commits an effect with its entry, and a failing effect takes only its own entry with it', async () => {
    db.exec('CREATE TABLE view (k TEXT PRIMARY KEY)');
    const journal = make();
    await journal.open();
    const put = (k: string) => () => void db.prepare('INSERT INTO view (k) VALUES (?)').run(k);
    const before = journal.append({ type: 'test.fact', source: 'test' });
    const ok = journal.append({ type: 'test.changed', source: 'test', payload: { k: 'a' } }, put('a'));
    const dup = journal.append({ type: 'test.changed', source: 'test', payload: { k: 'a' } }, put('a'));
    const after = journal.append({ type: 'test.fact', source: 'test' });
    await expect(ok).resolves.toMatchObject({ type: 'test.changed' });
    const dupOutcome = await dup.then(
      (v) => ({ resolved: v }),
      (e: unknown) => ({ rejected: String(e), isError: e instanceof Error }),
    );
    expect(dupOutcome).toMatchObject({ rejected: expect.stringMatching(/UNIQUE/) });
    await expect(before).resolves.toBeDefined();
    await expect(after).resolves.toBeDefined();
    expect(db.prepare('SELECT count(*) FROM view').pluck().get()).toBe(1);
    const changed = db
      .prepare("SELECT count(*) FROM journal_entries WHERE type = 'test.changed'")
      .pluck()
      .get();
    expect(changed).toBe(1);
    // appendAll: everything or nothing.
    expect(() =>
      journal.appendAll(
        [
          { type: 'test.bulk', source: 'test' },
          { type: 'test.bulk', source: 'test' },
        ],
        put('a'),
      ),
    ).toThrow(/UNIQUE/);
    expect(db.prepare("SELECT count(*) FROM journal_entries WHERE type = 'test.bulk'").pluck().get()).toBe(0);
    const all = journal.appendAll(
      [
        { type: 'test.bulk', source: 'test' },
        { type: 'test.bulk', source: 'test' },
      ],
      put('b'),
    );
    expect(all).toHaveLength(2);
    await journal.close();
    expect((await verifyDb(db, journal.publicKeyPem, journal.keyId)).ok).toBe(true);
  });

  it('commits a view change alongside the entries queued with it, and on its own when none is', async () => {
    db.exec('CREATE TABLE view (k TEXT PRIMARY KEY, n INTEGER)');
    db.prepare("INSERT INTO view (k, n) VALUES ('a', 0)").run();
    const journal = make();
    await journal.open();
    const bump = () =>
      journal.alongside(() => void db.prepare("UPDATE view SET n = n + 1 WHERE k = 'a'").run());
    const n = () => db.prepare("SELECT n FROM view WHERE k = 'a'").pluck().get();
    journal.pause();
    const cause = journal.append({ type: 'test.fact', source: 'test' });
    bump();
    expect(n()).toBe(0); // nothing commits while the journal is held, the view change neither
    journal.resume();
    await cause;
    expect(n()).toBe(1);
    bump();
    await new Promise((r) => setImmediate(r));
    expect(n()).toBe(2);
    await journal.close();
  });

  it('commits what queued during a pause in groups between other work, in order, each append resolving once durable', async () => {
    const bus = new GatehouseBus();
    const groups: number[] = [];
    bus.on('journal.committed', 'test', (entries) => groups.push(entries.length));
    const journal = make(bus);
    await journal.open();
    groups.length = 0;
    // What another connection sees is what is committed.
    const reader = openDatabase({ path: join(dir, 'j.db') });
    const storedSeqs = () => reader.prepare('SELECT COUNT(*) FROM journal_entries').pluck().get() as number;
    journal.pause();
    const queued = 600;
    const seenAtResolve: [number, number][] = [];
    const appends = Array.from({ length: queued }, (_, i) =>
      journal.append({ type: 'test.fact', source: 'test', payload: { i } }).then((entry) => {
        seenAtResolve.push([entry.seq, storedSeqs()]);
        return entry;
      }),
    );
    let turnsBeforeLastCommit = 0;
    const countTurns = (): void => {
      if (journal.stats().queued === 0) return;
      turnsBeforeLastCommit += 1;
      setImmediate(countTurns);
    };
    journal.resume();
    expect(journal.stats().queued).toBeGreaterThan(0); // not everything in the resuming step
    setImmediate(countTurns);
    const late = journal.append({ type: 'test.fact', source: 'test', payload: { i: queued } });
    const entries = [...(await Promise.all(appends)), await late];
    reader.close();
    expect(entries.map((e) => (e.payload as { i: number }).i)).toEqual(
      Array.from({ length: queued + 1 }, (_, i) => i),
    );
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: queued + 1 }, (_, i) => i + 2));
    expect(groups.length).toBeGreaterThan(1);
    expect(Math.max(...groups)).toBeLessThanOrEqual(options.batchMaxEntries);
    expect(turnsBeforeLastCommit).toBeGreaterThan(0); // other callbacks ran between the groups
    for (const [seq, stored] of seenAtResolve) expect(stored).toBeGreaterThanOrEqual(seq);
    await journal.close();
    expect((await verifyDb(db, journal.publicKeyPem, journal.keyId)).ok).toBe(true);
  });

  it('is settled once nothing is held or draining: what queued during a pause is committed by then', async () => {
    const journal = make();
    await journal.open();
    await journal.settled(); // neither held nor draining: at once
    journal.pause();
    const appends = Array.from({ length: 300 }, (_, i) =>
      journal.append({ type: 'test.fact', source: 'test', payload: { i } }),
    );
    let settled = false;
    const settling = journal.settled().then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false); // held
    journal.resume();
    expect(settled).toBe(false); // draining, group by group
    await settling;
    expect(journal.stats().queued).toBe(0);
    expect((await Promise.all(appends)).map((e) => e.payload.i)).toEqual([...Array(300).keys()]);
    await journal.close();
  });

  it('holds commits while another connection writes, then continues the tree after it', async () => {
    const journal = make();
    await journal.open();
    journal.pause();
    const held = journal.append({ type: 'test.fact', source: 'main', payload: { n: 1 } });
    // The other writer (an import worker) on its own connection, while this one is paused.
    const otherDb = openDatabase({ path: join(dir, 'j.db') });
    const other = new Journal(
      new SqliteJournalStore(otherDb),
      loadOrCreateSigningKey(join(dir, 'keys', 'signing.pem')),
      clock,
      options,
    );
    other.attach();
    other.appendAll(
      [
        { type: 'test.bulk', source: 'worker' },
        { type: 'test.bulk', source: 'worker' },
      ],
      () => undefined,
    );
    otherDb.close();
    let settled = false;
    void held.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false); // not committed while paused
    journal.resume();
    expect((await held).seq).toBe(4); // after the other writer's two entries
    await journal.close();
    expect((await verifyDb(db, journal.publicKeyPem, journal.keyId)).ok).toBe(true);
  });
});
