import { join } from 'node:path';
import { entryCategory, type JournalEntryInput } from '@gatehouse/contracts';
import { MIGRATIONS, openDatabase } from '@gatehouse/storage';
import { makeCheckpoint } from '../src/checkpoint';
import { buildEntry, serializeEntry } from '../src/entry';
import { leafHash, MerkleFrontier } from '../src/merkle';
import { loadOrCreateSigningKey } from '../src/signer';

/**
 * A database as a release from before sealed entries and epochs left it
 * (schema up to migration 8): the journal's rows written the way that
 * release's journal wrote them, personal values in clear in the payloads, a
 * version 1 checkpoint after `signedUpTo` entries. Written with the library's
 * primitives, since today's journal writes the newer schema.
 */
export const writeOldFormatJournal = (
  dir: string,
  inputs: readonly JournalEntryInput[],
  options: { signedUpTo: number; time: Date; file?: string; keyFile?: string },
): { path: string; entries: string[] } => {
  const path = join(dir, options.file ?? 'test.db');
  const db = openDatabase({
    path,
    synchronous: 'normal',
    migrations: MIGRATIONS.filter((m) => m.version <= 8),
  });
  const signer = loadOrCreateSigningKey(options.keyFile ?? join(dir, 'k.pem'));
  const frontier = MerkleFrontier.empty();
  const entries: string[] = [];
  const insert = db.prepare(
    'INSERT INTO journal_entries (seq, time_ms, type, category, source, entry_json, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const subject = db.prepare('INSERT INTO journal_subjects (kind, ref, seq) VALUES (?, ?, ?)');
  db.transaction(() => {
    const all: JournalEntryInput[] = [
      { type: 'journal.created', source: 'gateway', payload: { keyId: signer.keyId } },
      ...inputs,
    ];
    all.forEach((input, i) => {
      const entry = buildEntry(input, i + 1, options.time);
      const json = serializeEntry(entry);
      const leaf = leafHash(json);
      insert.run(
        entry.seq,
        options.time.getTime(),
        entry.type,
        entryCategory(entry.type),
        entry.source,
        json,
        leaf,
      );
      for (const s of entry.subjects) subject.run(s.kind, s.id, entry.seq);
      frontier.append(leaf);
      entries.push(json);
      if (frontier.treeSize === options.signedUpTo) {
        const cp = makeCheckpoint(signer, frontier.treeSize, frontier.root(), options.time, null);
        db.prepare(
          'INSERT INTO journal_checkpoints (tree_size, body_json, hash, signature, key_id) VALUES (?, ?, ?, ?, ?)',
        ).run(cp.body.treeSize, cp.bodyJson, cp.hash, cp.signature, cp.body.keyId);
      }
    });
    db.prepare('UPDATE journal_state SET tree_size = ?, frontier = ? WHERE id = 1').run(
      frontier.treeSize,
      JSON.stringify(frontier.toHex()),
    );
  })();
  db.close();
  return { path, entries };
};
