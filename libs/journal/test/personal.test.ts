import { createHash, createPublicKey, randomBytes, verify as verifySignature } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, type JournalEntry, type JournalEntryInput, ManualClock } from '@gatehouse/contracts';
import { commit, erasePerson, NO_LEGAL_HOLD, type PrivacyKeyring, sealFieldBytes } from '@gatehouse/privacy';
import { openTestJournal } from '@gatehouse/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Journal, loadOrCreateSigningKey, sealPersonal, SqliteJournalStore, verifyDatabase } from '../src';
import { inclusionProof, verifyInclusion } from '../src/merkle';
import { openDatabase } from '@gatehouse/storage';

const at = (entry: JournalEntry, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | null)?.[key], entry.payload);

/** A cardholder's creation as records journal it: the personal values named by path. */
const created = (id: string, name: string, department: string | null): JournalEntryInput => ({
  type: 'cardholder.created',
  source: 'access',
  subjects: [{ kind: 'person', id }],
  payload: {
    id,
    changes: {
      name: { from: null, to: name },
      department: { from: null, to: department },
      state: { from: null, to: 'active' },
    },
  },
  personal: {
    personId: id,
    paths: ['changes.name.from', 'changes.name.to', 'changes.department.from', 'changes.department.to'],
  },
});

/** What a third party computes, written out here rather than taken from the library. */
const independentLeaf = (json: string) =>
  createHash('sha256')
    .update(Buffer.concat([Buffer.from([0]), Buffer.from(json, 'utf8')]))
    .digest();
const independentCommitment = (value: string, salt: string, encoding: 'hex' | 'base64url' = 'base64url') =>
  createHash('sha256')
    .update(Buffer.from(salt, 'base64url'))
    .update(JSON.stringify(value), 'utf8')
    .digest(encoding);

/**
 * Format 1, as the journal sealed entries before format 2, written out here
 * from the library's primitives: a salt per value (hex commitments) sealed
 * with its value as {path: [salt, value]}. Its inputs go to `append` already
 * sealed, so the journal stores them as they are, as entries already stored.
 */
const sealV1 = (keyring: PrivacyKeyring, input: JournalEntryInput): JournalEntryInput =>
  sealPersonal(input, {
    sealValues: (personId, paths, values) => {
      const key = keyring.keyForWriting(personId);
      const inside: Record<string, [string, string]> = {};
      const commitments = values.map((value, i) => {
        const { salt, commitment } = commit(value);
        inside[paths[i]!] = [salt, value];
        return commitment;
      });
      return {
        sealed: sealFieldBytes(key, 'journal-entry', Buffer.from(JSON.stringify(inside))),
        commitments,
      };
    },
  });

/**
 * Format 2, as the journal sealed entries before format 3, written out here
 * from the README's description: one random seed per entry, value i's salt
 * SHA-256("gatehouse.journal.salt.v2" ‖ 0x00 ‖ seed ‖ i), and the seed with
 * the JSON list of the values sealed with AES-GCM under the scope
 * `journal-entry.v2`.
 */
const sealV2 = (keyring: PrivacyKeyring, input: JournalEntryInput): JournalEntryInput =>
  sealPersonal(input, {
    sealValues: (personId, _paths, values) => {
      const key = keyring.keyForWriting(personId);
      const seed = randomBytes(32);
      const commitments = values.map((value, i) => {
        const salt = createHash('sha256')
          .update('gatehouse.journal.salt.v2\u0000')
          .update(seed)
          .update(Buffer.from([i]))
          .digest();
        return independentCommitment(value, salt.toString('base64url'));
      });
      const plain = Buffer.concat([seed, Buffer.from(JSON.stringify(values))]);
      // sealFieldBytes gives `pf1.` and the bytes format 2 keeps after `j2.` (the same AES-GCM, its own scope).
      const sealed = `j2.${sealFieldBytes(key, 'journal-entry.v2', plain).slice('pf1.'.length)}`;
      return { sealed, commitments };
    },
  });

describe('personal values in journal entries (real SQLite)', () => {
  let dir: string;
  let clock: ManualClock;
  let opened: Awaited<ReturnType<typeof openTestJournal>>;
  const stored = (seq: number) =>
    opened.db.prepare('SELECT entry_json FROM journal_entries WHERE seq = ?').pluck().get(seq) as string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-journal-personal-'));
    clock = new ManualClock('2026-06-01T09:00:00Z');
    opened = await openTestJournal(dir, clock);
  });
  afterEach(async () => {
    await opened.journal.close();
    opened.db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hashes ciphertext and commitments, never the clear value, and opens it for views', async () => {
    const { journal, db } = opened;
    const entry = await journal.append(created('p-ines', 'Inès Quarrington', 'Treasury'));
    const json = stored(entry.seq);
    expect(json).not.toContain('Quarrington');
    expect(json).not.toContain('Treasury');
    const signed = JSON.parse(json) as JournalEntry;
    // A null value (no previous name) holds nothing personal: it stays null and is not listed.
    expect(signed.personal).toEqual({
      personId: 'p-ines',
      paths: ['changes.name.to', 'changes.department.to'],
      sealed: expect.stringMatching(/^j3\.[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]+$/),
    });
    const to = (signed.payload.changes as Record<string, { to: unknown; from: unknown }>).name!;
    expect(to.from).toBeNull();
    // Format 3: the commitment in base64url (format 1's were hex, and still check: see below).
    expect(to.to).toEqual({ commitment: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const leaf = db
      .prepare('SELECT leaf_hash FROM journal_entries WHERE seq = ?')
      .pluck()
      .get(entry.seq) as Buffer;
    expect(leaf.equals(independentLeaf(json))).toBe(true);

    const view = journal.openForView(signed);
    expect(view.payload.changes).toEqual({
      name: { from: null, to: 'Inès Quarrington' },
      department: { from: null, to: 'Treasury' },
      state: { from: null, to: 'active' },
    });
    expect(view.personal).toEqual({ personId: 'p-ines', paths: signed.personal!.paths, opened: true });

    // Neither the database file nor its WAL holds the values.
    await journal.close();
    for (const file of ['test.db', 'test.db-wal'].map((f) => join(dir, f)).filter(existsSync)) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from('Quarrington'))).toBe(false);
      expect(bytes.includes(Buffer.from('Treasury'))).toBe(false);
    }
  });

  it('discloses a value with its salt, which an independent computation checks against the signed commitment', async () => {
    const { journal } = opened;
    const entry = await journal.append(created('p-ode', 'Ode Farrant', 'Stores'));
    const signed = JSON.parse(stored(entry.seq)) as JournalEntry;
    const disclosed = journal.disclosures(signed);
    expect(Object.keys(disclosed ?? {}).sort()).toEqual(['changes.department.to', 'changes.name.to']);
    const name = disclosed!['changes.name.to']!;
    expect(name.value).toBe('Ode Farrant');
    const commitment = (signed.payload.changes as Record<string, { to: { commitment: string } }>).name!.to
      .commitment;
    expect(independentCommitment(name.value, name.salt)).toBe(commitment);
    // The commitment binds: another value, or another salt, does not match it.
    expect(independentCommitment('Ode Farrand', name.salt)).not.toBe(commitment);
    expect(independentCommitment(name.value, disclosed!['changes.department.to']!.salt)).not.toBe(commitment);
  });

  it('shows an erased person everywhere as "erased person" while the journal, its checkpoints and an inclusion proof of their entry still verify', async () => {
    const { journal, db, keyring } = opened;
    const ines = await journal.append(created('p-ines', 'Inès Quarrington', 'Treasury'));
    const bo = await journal.append(created('p-bo', 'Bo Lindqvist', 'Works'));
    journal.checkpointNow();
    const before = stored(ines.seq);
    expect(erasePerson(keyring, NO_LEGAL_HOLD, 'p-ines', () => clock.now().getTime()).kind).toBe('erased');
    keyring.forget('p-ines');
    await journal.append({
      type: 'privacy.person-erased',
      source: 'access',
      subjects: [{ kind: 'person', id: 'p-ines' }],
      payload: { id: 'p-ines' },
    });
    journal.checkpointNow();

    // The stored entry is untouched: its leaf is the one the checkpoints sign.
    expect(stored(ines.seq)).toBe(before);
    const view = journal.openForView(JSON.parse(before) as JournalEntry);
    expect((view.payload.changes as Record<string, unknown>).name).toEqual({
      from: null,
      to: 'erased person',
    });
    expect((view.payload.changes as Record<string, unknown>).department).toEqual({
      from: null,
      to: 'erased person',
    });
    expect(view.personal?.erased).toBe(true);
    expect(journal.disclosures(JSON.parse(before) as JournalEntry)).toBeNull();
    // Someone else is not affected.
    const boView = journal.openForView(JSON.parse(stored(bo.seq)) as JournalEntry);
    expect((boView.payload.changes as Record<string, { to: unknown }>).name!.to).toBe('Bo Lindqvist');

    const signer = loadOrCreateSigningKey(join(dir, 'k.pem'));
    const report = await verifyDatabase(db, new Map([[signer.keyId, signer.publicKeyPem]]));
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);

    // The erased person's entry is still proven in the last signed tree head.
    const leaves = db.prepare('SELECT leaf_hash FROM journal_entries ORDER BY seq').pluck().all() as Buffer[];
    const head = db
      .prepare('SELECT body_json, signature FROM journal_checkpoints ORDER BY id DESC LIMIT 1')
      .get() as {
      body_json: string;
      signature: Buffer;
    };
    expect(
      verifySignature(
        null,
        Buffer.from(head.body_json),
        createPublicKey(signer.publicKeyPem),
        head.signature,
      ),
    ).toBe(true);
    const body = JSON.parse(head.body_json) as { treeSize: number; rootHash: string };
    const index = ines.seq - 1;
    const leaf = independentLeaf(before);
    expect(leaf.equals(leaves[index]!)).toBe(true);
    const proof = inclusionProof(leaves.slice(0, body.treeSize), index);
    expect(verifyInclusion(leaf, index, body.treeSize, proof, Buffer.from(body.rootHash, 'hex'))).toBe(true);
  });

  it('opens an entry whose key is gone as "erased person" and an altered ciphertext as "unreadable", never throwing', async () => {
    const { journal, db, keyring } = opened;
    const lost = await journal.append(created('p-lost', 'Lorna Stibbs', 'Audit'));
    const kept = await journal.append(created('p-kept', 'Kit Amory', 'Audit'));
    // The key row lost without an erasure on record (a database restored without its keys).
    db.prepare('DELETE FROM privacy_person_keys WHERE person_id = ?').run('p-lost');
    keyring.forget('p-lost');
    const lostView = journal.openForView(JSON.parse(stored(lost.seq)) as JournalEntry);
    expect((lostView.payload.changes as Record<string, { to: unknown }>).name!.to).toBe('erased person');

    const altered = JSON.parse(stored(kept.seq)) as JournalEntry;
    const sealed = altered.personal!.sealed!;
    altered.personal!.sealed = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const keptView = journal.openForView(altered);
    expect(keptView.payload.changes).toMatchObject({
      name: { to: 'unreadable' },
      department: { to: 'unreadable' },
    });
    // Commitments swapped between paths: the values no longer match them, and show as unreadable.
    const moved = JSON.parse(stored(kept.seq)) as JournalEntry;
    const changes = moved.payload.changes as Record<string, { to: unknown }>;
    [changes.name!.to, changes.department!.to] = [changes.department!.to, changes.name!.to];
    expect(journal.openForView(moved).payload.changes).toMatchObject({
      name: { to: 'unreadable' },
      department: { to: 'unreadable' },
    });
    // Another entry's ciphertext of the same person does not show as this entry's values.
    const other = await journal.append(created('p-kept', 'Kit Amory-Vance', 'Audit'));
    const swapped = JSON.parse(stored(kept.seq)) as JournalEntry;
    swapped.personal!.sealed = (JSON.parse(stored(other.seq)) as JournalEntry).personal!.sealed!;
    expect(journal.openForView(swapped).payload.changes).toMatchObject({ name: { to: 'unreadable' } });
    // The stored entry itself opens as written.
    expect(journal.openForView(JSON.parse(stored(kept.seq)) as JournalEntry).payload.changes).toMatchObject({
      name: { to: 'Kit Amory' },
      department: { to: 'Audit' },
    });
  });

  it('refuses personal values for an erased person, and a journal without keys refuses them rather than store them in clear', async () => {
    const { journal, db, keyring } = opened;
    await journal.append(created('p-gone', 'Gwen Ash', null));
    erasePerson(keyring, NO_LEGAL_HOLD, 'p-gone');
    keyring.forget('p-gone');
    await expect(journal.append(created('p-gone', 'Gwen Ash', null))).rejects.toMatchObject({
      code: 'privacy.person-erased',
    });

    const size = db.prepare('SELECT count(*) FROM journal_entries').pluck().get() as number;
    const bare = new Journal(new SqliteJournalStore(db), loadOrCreateSigningKey(join(dir, 'k.pem')), clock, {
      batchMaxEntries: 10,
      batchMaxDelayMs: 0,
      checkpointEveryEntries: 100,
      checkpointEverySeconds: 60,
    });
    bare.attach('test');
    const refused = bare.append(created('p-new', 'Nell Clear', null));
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: 'journal.invalid-entry' });
    expect(() => bare.appendAll([created('p-new', 'Nell Clear', null)], () => undefined)).toThrow(
      /no keys to seal/,
    );
    // Inputs sealed by a journal with keys (an import's, before its worker) are stored as they are.
    const [sealed] = journal.sealAll([created('p-new', 'Nell Clear', null)]);
    const [entry] = bare.appendAll([sealed!], () => undefined);
    expect(db.prepare('SELECT count(*) FROM journal_entries').pluck().get()).toBe(size + 1);
    expect(JSON.stringify(entry)).not.toContain('Nell');
    expect((journal.openForView(entry!).payload.changes as Record<string, { to: unknown }>).name!.to).toBe(
      'Nell Clear',
    );
  });

  it('continues a journal written in the old format: old clear entries stay as they were and verify, new ones are sealed', async () => {
    await opened.journal.close();
    opened.db.close();
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'gh-journal-old-format-'));
    // The old format: a journal without keys, a cardholder's values in clear in the payload.
    const db = openDatabase({ path: join(dir, 'test.db'), synchronous: 'normal' });
    const old = new Journal(new SqliteJournalStore(db), loadOrCreateSigningKey(join(dir, 'k.pem')), clock, {
      batchMaxEntries: 10,
      batchMaxDelayMs: 0,
      checkpointEveryEntries: 100,
      checkpointEverySeconds: 60,
    });
    await old.open();
    const { personal: _p, ...clearInput } = created('p-old', 'Olwen Harcourt', 'Survey');
    const oldEntry = await old.append(clearInput);
    await old.close();
    db.close();
    const before = openDatabase({ path: join(dir, 'test.db'), synchronous: 'normal' });
    const oldJson = before
      .prepare('SELECT entry_json FROM journal_entries WHERE seq = ?')
      .pluck()
      .get(oldEntry.seq) as string;
    before.close();
    expect(oldJson).toContain('Olwen Harcourt');

    opened = await openTestJournal(dir, clock);
    const fresh = await opened.journal.append(created('p-old', 'Olwen Harcourt-Bligh', 'Survey'));
    expect(stored(fresh.seq)).not.toContain('Harcourt');
    // The old entry is untouched (sealing it would break every proof handed out), and shows as written.
    expect(stored(oldEntry.seq)).toBe(oldJson);
    const oldView = opened.journal.openForView(JSON.parse(oldJson) as JournalEntry);
    expect(at(oldView, 'changes.name.to')).toBe('Olwen Harcourt');
    opened.journal.checkpointNow();
    const signer = loadOrCreateSigningKey(join(dir, 'k.pem'));
    const report = await verifyDatabase(opened.db, new Map([[signer.keyId, signer.publicKeyPem]]));
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });
  it('keeps entries sealed in formats 1 and 2 beside format 3 ones: all open, disclose and verify, and erasure makes all unopenable', async () => {
    const { journal, db, keyring } = opened;
    const old = await journal.append(sealV1(keyring, created('p-ada', 'Ada Pellow', 'Survey')));
    const second = await journal.append(sealV2(keyring, created('p-ada', 'Ada Pellow-Rhys', 'Survey')));
    const current = await journal.append(created('p-ada', 'Ada Rhys', 'Survey'));
    journal.checkpointNow();
    const oldJson = stored(old.seq);
    const secondJson = stored(second.seq);
    const newJson = stored(current.seq);
    const oldSigned = JSON.parse(oldJson) as JournalEntry;
    const secondSigned = JSON.parse(secondJson) as JournalEntry;
    const newSigned = JSON.parse(newJson) as JournalEntry;
    // Stored exactly as sealed: format 1 with its `pf1.` ciphertext and hex commitments, format 2 with `j2.`.
    expect(oldSigned.personal!.sealed).toMatch(/^pf1\./);
    expect(at(oldSigned, 'changes.name.to')).toEqual({ commitment: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(secondSigned.personal!.sealed).toMatch(/^j2\./);
    expect(newSigned.personal!.sealed).toMatch(/^j3\./);
    // Format 3 holds no nonce, tag or seed per entry: its ciphertext is the list's length.
    expect(newJson.length).toBeLessThan(secondJson.length);
    expect(secondJson.length).toBeLessThan(oldJson.length);

    expect(at(journal.openForView(oldSigned), 'changes.name.to')).toBe('Ada Pellow');
    expect(at(journal.openForView(secondSigned), 'changes.name.to')).toBe('Ada Pellow-Rhys');
    expect(at(journal.openForView(newSigned), 'changes.name.to')).toBe('Ada Rhys');
    const oldName = journal.disclosures(oldSigned)!['changes.name.to']!;
    expect(independentCommitment(oldName.value, oldName.salt, 'hex')).toBe(
      (at(oldSigned, 'changes.name.to') as { commitment: string }).commitment,
    );
    for (const signed of [secondSigned, newSigned]) {
      const name = journal.disclosures(signed)!['changes.name.to']!;
      expect(independentCommitment(name.value, name.salt)).toBe(
        (at(signed, 'changes.name.to') as { commitment: string }).commitment,
      );
      // One salt per value: disclosing one discloses no other.
      const dept = journal.disclosures(signed)!['changes.department.to']!;
      expect(Buffer.from(name.salt, 'base64url')).toHaveLength(32);
      expect(dept.salt).not.toBe(name.salt);
      expect(independentCommitment(name.value, dept.salt)).not.toBe(
        (at(signed, 'changes.name.to') as { commitment: string }).commitment,
      );
    }

    const signer = loadOrCreateSigningKey(join(dir, 'k.pem'));
    const keys = new Map([[signer.keyId, signer.publicKeyPem]]);
    expect((await verifyDatabase(db, keys)).problems).toEqual([]);

    // Erased: neither format opens or discloses any more; the stored entries and the journal's proofs are unchanged.
    expect(erasePerson(keyring, NO_LEGAL_HOLD, 'p-ada', () => clock.now().getTime()).kind).toBe('erased');
    keyring.forget('p-ada');
    for (const [seq, json] of [
      [old.seq, oldJson],
      [second.seq, secondJson],
      [current.seq, newJson],
    ] as const) {
      expect(stored(seq)).toBe(json);
      const signed = JSON.parse(json) as JournalEntry;
      expect(at(journal.openForView(signed), 'changes.name.to')).toBe('erased person');
      expect(journal.disclosures(signed)).toBeNull();
    }
    const after = await verifyDatabase(db, keys);
    expect(after.problems).toEqual([]);
    expect(after.ok).toBe(true);
  });
});
