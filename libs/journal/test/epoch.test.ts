import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JournalEntry, type JournalEntryInput, ManualClock } from '@gatehouse/contracts';
import { openTestJournal } from '@gatehouse/testing';
import {
  compactAfterRetirement,
  EPOCH_RETIRED,
  EPOCH_STARTED,
  leafHash,
  loadOrCreateSigningKey,
  verifyDatabase,
} from '../src';
import { canonicalJson } from '../src/canonical-json';
import { inclusionProof, verifyInclusion } from '../src/merkle';
import { writeOldFormatJournal } from './old-format';

/** A cardholder's creation as a release from before sealed entries journaled it: values in clear. */
const clearCreated = (id: string, name: string, department: string): JournalEntryInput => ({
  type: 'cardholder.created',
  source: 'access',
  subjects: [{ kind: 'person', id }],
  payload: { id, changes: { name: { from: null, to: name }, department: { from: null, to: department } } },
});

/** The same fact as today's records journal it: the values named for sealing. */
const sealedUpdate = (id: string, name: string): JournalEntryInput => ({
  type: 'cardholder.updated',
  source: 'access',
  subjects: [{ kind: 'person', id }],
  payload: { id, changes: { name: { from: null, to: name } } },
  personal: { personId: id, paths: ['changes.name.to'] },
});

/** Values only the old epoch held, each unlikely to occur by chance in a database file. */
const OLD_VALUES = ['Olwen Harcourt', 'Quillon Survey Office', 'Piers Ambleside', 'Vexmoor Treasury'];

const scan = (dir: string): string[] =>
  ['test.db', 'test.db-wal']
    .map((f) => join(dir, f))
    .filter(existsSync)
    .flatMap((file) => {
      const bytes = readFileSync(file);
      return OLD_VALUES.filter((v) => bytes.includes(Buffer.from(v, 'utf8'))).map((v) => `${file}: ${v}`);
    });

describe('journal epochs: a database from before sealed entries (real SQLite)', () => {
  let dir: string;
  let clock: ManualClock;
  let opened: Awaited<ReturnType<typeof openTestJournal>> | undefined;
  const keys = () => {
    const signer = loadOrCreateSigningKey(join(dir, 'k.pem'));
    return new Map([[signer.keyId, signer.publicKeyPem]]);
  };
  const rows = <T>(sql: string, ...params: unknown[]) => opened!.db.prepare(sql).all(...params) as T[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gh-journal-epoch-'));
    clock = new ManualClock('2026-06-01T09:00:00Z');
    // Four clear entries (and journal.created), of which the first three are under a signed checkpoint.
    writeOldFormatJournal(
      dir,
      [
        clearCreated('p-olwen', OLD_VALUES[0]!, OLD_VALUES[1]!),
        clearCreated('p-piers', OLD_VALUES[2]!, OLD_VALUES[3]!),
        { type: 'door.opened', source: 'doors', subjects: [{ kind: 'door', id: 'd-1' }], payload: {} },
        { type: 'door.closed', source: 'doors', subjects: [{ kind: 'door', id: 'd-1' }], payload: {} },
      ],
      { signedUpTo: 3, time: new Date('2026-05-01T08:00:00Z') },
    );
  });
  afterEach(async () => {
    await opened?.journal.close();
    opened?.db.close();
    opened = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('begins a new epoch committed to the old tree, verifies across the link, retires the old epoch, verifies again, and leaves no old clear value in the file or WAL', async () => {
    expect(scan(dir).length).toBeGreaterThan(0); // the fixture does hold them in clear
    opened = await openTestJournal(dir, clock);
    const { journal, db } = opened;

    // The old tree was first signed to its end (5 entries), then epoch 2 began with the link to that checkpoint.
    const epochs = rows<{ epoch: number; first_seq: number }>('SELECT epoch, first_seq FROM journal_epochs');
    expect(epochs).toEqual([
      { epoch: 1, first_seq: 1 },
      { epoch: 2, first_seq: 6 },
    ]);
    const closing = rows<{ tree_size: number; body_json: string; hash: Buffer; signature: Buffer }>(
      'SELECT * FROM journal_checkpoints WHERE epoch = 1 ORDER BY id DESC LIMIT 1',
    )[0]!;
    expect(closing.tree_size).toBe(5);
    const first = JSON.parse(
      rows<{ entry_json: string }>('SELECT entry_json FROM journal_entries WHERE seq = 6')[0]!.entry_json,
    ) as JournalEntry;
    expect(first.type).toBe(EPOCH_STARTED);
    expect(first.payload).toMatchObject({
      epoch: 2,
      firstSeq: 6,
      previous: {
        epoch: 1,
        firstSeq: 1,
        lastSeq: 5,
        treeSize: 5,
        rootHash: (JSON.parse(closing.body_json) as { rootHash: string }).rootHash,
        checkpointHash: closing.hash.toString('hex'),
        signature: closing.signature.toString('base64'),
      },
    });
    const restarted = rows<{ type: string }>('SELECT type FROM journal_entries WHERE seq = 7')[0]!;
    expect(restarted.type).toBe('journal.restarted');
    expect(db.prepare('SELECT count(*) FROM upgrade_tasks').pluck().get()).toBe(0);
    expect(journal.stats()).toMatchObject({ epoch: 2, epochTreeSize: 2, treeSize: 7, lastCheckpointSize: 7 });

    // New entries are sealed; old ones still show as written until retired.
    const fresh = await journal.append(sealedUpdate('p-olwen', 'Olwen Harcourt-Bligh'));
    expect(fresh.seq).toBe(8);
    journal.checkpointNow();
    const newHead = JSON.parse(
      rows<{ body_json: string }>(
        'SELECT body_json FROM journal_checkpoints WHERE epoch = 2 ORDER BY id LIMIT 1',
      )[0]!.body_json,
    ) as Record<string, unknown>;
    // The chain of checkpoints runs on across the epochs: the new epoch's first (signed at the start) links to the old one's last.
    expect(newHead).toMatchObject({
      version: 2,
      epoch: 2,
      firstSeq: 6,
      treeSize: 2,
      previousHash: closing.hash.toString('hex'),
    });

    const before = await verifyDatabase(db, keys());
    expect(before.problems).toEqual([]);
    expect(before.entries).toBe(8);
    expect(before.epochs).toEqual([
      expect.objectContaining({ epoch: 1, firstSeq: 1, entries: 5, retired: false, retiredEntries: 0 }),
      expect.objectContaining({ epoch: 2, firstSeq: 6, entries: 3, retired: false }),
    ]);

    // An inclusion proof of an old clear entry, handed out before the retirement.
    const oldLeaves = rows<{ leaf_hash: Buffer }>(
      'SELECT leaf_hash FROM journal_entries WHERE seq <= 5 ORDER BY seq',
    ).map((r) => r.leaf_hash);
    const proof = inclusionProof(oldLeaves, 1);
    const root = Buffer.from((JSON.parse(closing.body_json) as { rootHash: string }).rootHash, 'hex');
    expect(verifyInclusion(oldLeaves[1]!, 1, 5, proof, root)).toBe(true);

    const done = journal.retireEpoch(1, {
      source: 'cli',
      actor: { kind: 'cli', name: 'ops' },
      reason: 'exported to the evidence store',
    });
    expect(done.retired).toBe(5);
    expect(done.entry).toMatchObject({
      type: EPOCH_RETIRED,
      actor: { kind: 'cli', name: 'ops' },
      payload: {
        epoch: 1,
        firstSeq: 1,
        lastSeq: 5,
        entriesRetired: 5,
        reason: 'exported to the evidence store',
      },
    });
    expect(compactAfterRetirement(db)).toEqual({ walEmptied: true });

    // The old bodies are gone, their leaf hashes kept; the subject index forgets them too.
    expect(db.prepare('SELECT count(*) FROM journal_entries WHERE seq <= 5').pluck().get()).toBe(0);
    expect(db.prepare("SELECT count(*) FROM journal_subjects WHERE ref = 'p-piers'").pluck().get()).toBe(0);
    const kept = rows<{ leaf_hash: Buffer }>('SELECT leaf_hash FROM journal_retired_leaves ORDER BY seq').map(
      (r) => r.leaf_hash,
    );
    expect(kept).toEqual(oldLeaves);
    // The proof handed out earlier still checks against the same signed root.
    expect(verifyInclusion(kept[1]!, 1, 5, inclusionProof(kept, 1), root)).toBe(true);

    const after = await verifyDatabase(db, keys());
    expect(after.problems).toEqual([]);
    expect(after.ok).toBe(true);
    expect(after.epochs[0]).toMatchObject({ epoch: 1, entries: 5, retired: true, retiredEntries: 5 });
    expect(after.epochs[0]!.rootHash).toBe(before.epochs[0]!.rootHash);

    // Neither the database file nor its WAL holds a value of the old epoch any more.
    expect(scan(dir)).toEqual([]);
    // The new epoch's sealed value was never there.
    expect(readFileSync(join(dir, 'test.db')).includes(Buffer.from('Harcourt-Bligh'))).toBe(false);
  });

  it('refuses to retire the current, an unknown or an already retired epoch, or without a reason, and journals nothing for it', async () => {
    opened = await openTestJournal(dir, clock);
    const { journal } = opened;
    const by = { source: 'cli', reason: 'exported' };
    expect(() => journal.retireEpoch(2, by)).toThrow(
      expect.objectContaining({ code: 'journal.epoch-current' }),
    );
    expect(() => journal.retireEpoch(7, by)).toThrow(
      expect.objectContaining({ code: 'journal.unknown-epoch' }),
    );
    expect(() => journal.retireEpoch(1, { ...by, reason: '  ' })).toThrow(
      expect.objectContaining({ code: 'journal.bad-reason' }),
    );
    // Nothing of the refused attempt stayed: the old bodies are all there.
    expect(opened.db.prepare('SELECT count(*) FROM journal_entries WHERE seq <= 5').pluck().get()).toBe(5);
    journal.retireEpoch(1, by);
    expect(() => journal.retireEpoch(1, by)).toThrow(
      expect.objectContaining({ code: 'journal.epoch-retired' }),
    );
    const retirements = opened.db
      .prepare('SELECT count(*) FROM journal_entries WHERE type = ?')
      .pluck()
      .get(EPOCH_RETIRED);
    expect(retirements).toBe(1);
    // A refused retirement leaves the journal able to append and to verify.
    await journal.append({ type: 'door.opened', source: 'doors', payload: {} });
    journal.checkpointNow();
    expect((await verifyDatabase(opened.db, keys())).problems).toEqual([]);
  });

  it('names what breaks: a changed retired leaf, an entry removed from an epoch not retired, an epoch not linked to the one before', async () => {
    opened = await openTestJournal(dir, clock);
    const { journal, db } = opened;
    journal.checkpointNow();

    // An entry body removed outside a retirement (its leaf kept): the epoch is not retired.
    db.exec(
      'INSERT INTO journal_retired_leaves (seq, leaf_hash) SELECT seq, leaf_hash FROM journal_entries WHERE seq = 3',
    );
    db.exec('DELETE FROM journal_subjects WHERE seq = 3');
    db.exec('DELETE FROM journal_entries WHERE seq = 3');
    const removed = await verifyDatabase(db, keys());
    expect(removed.problems).toContainEqual(
      expect.objectContaining({ kind: 'entry', seq: 3, reason: 'entry removed, but epoch 1 is not retired' }),
    );

    // A retired leaf changed: the old epoch's signed roots no longer match.
    db.exec('UPDATE journal_epochs SET retired_at = 1 WHERE epoch = 1');
    db.prepare('UPDATE journal_retired_leaves SET leaf_hash = ? WHERE seq = 3').run(Buffer.alloc(32, 7));
    const changed = await verifyDatabase(db, keys());
    expect(changed.ok).toBe(false);
    expect(changed.firstProblem).toMatchObject({
      kind: 'checkpoint',
      reason: expect.stringMatching(/signed root differs/),
    });

    // The epoch link altered, its leaf hash recomputed so that the link itself is what is wrong.
    const row = db.prepare('SELECT entry_json FROM journal_entries WHERE seq = 6').pluck().get() as string;
    const link = JSON.parse(row) as JournalEntry;
    (link.payload.previous as Record<string, unknown>).rootHash = '00'.repeat(32);
    const altered = canonicalJson(link);
    db.prepare('UPDATE journal_entries SET entry_json = ?, leaf_hash = ? WHERE seq = 6').run(
      altered,
      leafHash(altered),
    );
    const unlinked = await verifyDatabase(db, keys());
    expect(unlinked.problems).toContainEqual(
      expect.objectContaining({
        kind: 'epoch',
        epoch: 2,
        seq: 6,
        reason: "journal.epoch-started does not commit to epoch 1's last signed checkpoint",
      }),
    );
  });

  it('leaves a database made by this release in one epoch', async () => {
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'gh-journal-epoch-new-'));
    opened = await openTestJournal(dir, clock);
    await opened.journal.append(sealedUpdate('p-new', 'Nia Fresh'));
    opened.journal.checkpointNow();
    expect(rows('SELECT epoch FROM journal_epochs')).toEqual([{ epoch: 1 }]);
    const report = await verifyDatabase(opened.db, keys());
    expect(report.problems).toEqual([]);
    expect(report.epochs).toHaveLength(1);
  });
});
