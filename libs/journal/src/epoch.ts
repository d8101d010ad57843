import { createHash } from 'node:crypto';
import { type Actor, DomainError, type JournalEntry, type JournalEntryInput } from '@gatehouse/contracts';
import type { Db } from '@gatehouse/storage';
import type { CheckpointBody } from './checkpoint';
import type { StoredCheckpointRow } from './store';

/**
 * Journal epochs (issue 12, item 5). A journal written before personal values
 * were sealed holds them in clear, and its leaf hashes cover them: its entries
 * can be neither sealed nor redacted without breaking every proof handed out.
 * So that tree is closed as it is, and a new one begins whose first entry,
 * `journal.epoch-started`, commits to the old tree's last signed checkpoint.
 * Once exported, the old epoch can be retired: its entry bodies go, each leaf
 * hash stays, so its checkpoints and inclusion proofs still verify.
 */

/** The closing checkpoint as a new epoch's first entry commits to it. */
export interface EpochLink {
  epoch: number;
  firstSeq: number;
  lastSeq: number;
  treeSize: number;
  rootHash: string;
  /** SHA-256 of the checkpoint's signed body (what the next checkpoint's `previousHash` names). */
  checkpointHash: string;
  checkpointTime: string;
  keyId: string;
  /** The checkpoint's Ed25519 signature, base64. */
  signature: string;
}

export const EPOCH_STARTED = 'journal.epoch-started';
export const EPOCH_RETIRED = 'journal.epoch-retired';

const linkOf = (
  closing: StoredCheckpointRow,
  epoch: { epoch: number; firstSeq: number; treeSize: number },
): EpochLink => {
  const body = JSON.parse(closing.body_json) as CheckpointBody;
  return {
    epoch: epoch.epoch,
    firstSeq: epoch.firstSeq,
    lastSeq: epoch.firstSeq - 1 + epoch.treeSize,
    treeSize: closing.tree_size,
    rootHash: body.rootHash,
    checkpointHash: closing.hash.toString('hex'),
    checkpointTime: body.time,
    keyId: closing.key_id,
    signature: closing.signature.toString('base64'),
  };
};

/** The first entry of the next epoch; the closing checkpoint must sign the whole closing tree. */
export const epochStartedInput = (
  source: string,
  reason: string,
  closingEpoch: { epoch: number; firstSeq: number; treeSize: number },
  closing: StoredCheckpointRow | undefined,
): JournalEntryInput => {
  if (!closing || closing.tree_size !== closingEpoch.treeSize)
    throw new DomainError(
      'conflict',
      'journal.epoch-unsigned',
      `epoch ${closingEpoch.epoch} is not signed to its end: no new epoch can commit to it`,
    );
  return {
    type: EPOCH_STARTED,
    source,
    payload: {
      epoch: closingEpoch.epoch + 1,
      firstSeq: closingEpoch.firstSeq + closingEpoch.treeSize,
      reason,
      previous: { ...linkOf(closing, closingEpoch) },
    },
  };
};

export const epochRetiredInput = (
  by: { source: string; actor?: Actor; reason: string },
  epoch: { epoch: number; firstSeq: number; lastSeq: number; retired: number },
  closing: StoredCheckpointRow,
): JournalEntryInput => {
  const reason = by.reason.trim();
  if (reason.length === 0 || reason.length > 500)
    throw new DomainError('invalid', 'journal.bad-reason', 'a retirement needs a reason of 1-500 characters');
  const link = linkOf(closing, {
    epoch: epoch.epoch,
    firstSeq: epoch.firstSeq,
    treeSize: epoch.lastSeq - epoch.firstSeq + 1,
  });
  return {
    type: EPOCH_RETIRED,
    source: by.source,
    ...(by.actor ? { actor: by.actor } : {}),
    payload: {
      epoch: epoch.epoch,
      firstSeq: epoch.firstSeq,
      lastSeq: epoch.lastSeq,
      entriesRetired: epoch.retired,
      checkpoint: { treeSize: link.treeSize, rootHash: link.rootHash, checkpointHash: link.checkpointHash },
      reason,
    },
  };
};

const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Why a new epoch's first entry does not commit to the closing checkpoint of
 * the epoch before, or null when it does: the verifier's check of the link.
 */
export const epochLinkProblem = (
  entry: JournalEntry,
  epoch: number,
  firstSeq: number,
  closing: StoredCheckpointRow | undefined,
  closingTreeSize: number,
): string | null => {
  if (entry.type !== EPOCH_STARTED) return `first entry of epoch ${epoch} is not ${EPOCH_STARTED}`;
  const payload = entry.payload as { epoch?: unknown; firstSeq?: unknown; previous?: Partial<EpochLink> };
  if (payload.epoch !== epoch || payload.firstSeq !== firstSeq)
    return `${EPOCH_STARTED} names epoch ${String(payload.epoch)} from ${String(payload.firstSeq)}, stored as epoch ${epoch} from ${firstSeq}`;
  if (!closing) return `epoch ${epoch - 1} has no signed checkpoint for epoch ${epoch} to commit to`;
  if (closing.tree_size !== closingTreeSize)
    return `epoch ${epoch - 1}'s last checkpoint signs ${closing.tree_size} of its ${closingTreeSize} entries`;
  const body = JSON.parse(closing.body_json) as CheckpointBody;
  const p = payload.previous ?? {};
  if (
    p.epoch !== epoch - 1 ||
    p.treeSize !== closing.tree_size ||
    p.rootHash !== body.rootHash ||
    p.checkpointHash !== sha256hex(closing.body_json) ||
    p.signature !== closing.signature.toString('base64')
  )
    return `${EPOCH_STARTED} does not commit to epoch ${epoch - 1}'s last signed checkpoint`;
  return null;
};

/**
 * After a retirement: rewrites the file so that no removed byte lingers in a
 * free page, and empties the WAL, which held the removed entries' pages.
 * Needs the database to itself (the gateway stopped): with another connection
 * reading, the WAL cannot be emptied, and this says so instead of pretending.
 */
export const compactAfterRetirement = (db: Db): { walEmptied: boolean } => {
  db.exec('VACUUM');
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[];
  return { walEmptied: result !== undefined && result.busy === 0 && result.log === 0 };
};

/** Whether the epoch is retired already: a retirement whose compaction found the database busy has only that left. */
export const epochRetired = (db: Db, epoch: number): boolean =>
  (db.prepare('SELECT retired_at FROM journal_epochs WHERE epoch = ?').pluck().get(epoch) ?? null) !== null;

/**
 * Writes one epoch as the evidence kept before its retirement, line by line:
 * first `{"epoch":…}` (its bounds and the public key that verifies it), then
 * each entry exactly as stored (canonical JSON; its leaf hash is SHA-256 of a
 * 0x00 byte and the line), then each of its checkpoints as
 * `{"checkpoint":"<signed body>","hash":…,"signature":…}` (the signature is
 * over the body string's bytes, the hash is its SHA-256). Returns how many entries.
 */
export const exportEpoch = (
  db: Db,
  epoch: number,
  publicKeyPem: string,
  write: (line: string) => void,
): { entries: number; firstSeq: number; lastSeq: number } => {
  const epochs = db.prepare('SELECT * FROM journal_epochs ORDER BY epoch').all() as {
    epoch: number;
    first_seq: number;
    retired_at: number | null;
  }[];
  const index = epochs.findIndex((e) => e.epoch === epoch);
  const target = epochs[index];
  if (!target)
    throw new DomainError('not-found', 'journal.unknown-epoch', `the journal has no epoch ${epoch}`);
  if (target.retired_at !== null)
    throw new DomainError('conflict', 'journal.epoch-retired', `epoch ${epoch} is already retired`);
  const next = epochs[index + 1];
  if (!next)
    throw new DomainError(
      'conflict',
      'journal.epoch-current',
      `epoch ${epoch} is the current one: only an epoch closed by a later one can be exported whole`,
    );
  const firstSeq = target.first_seq;
  const lastSeq = next.first_seq - 1;
  write(JSON.stringify({ epoch, firstSeq, lastSeq, publicKey: publicKeyPem }));
  let entries = 0;
  const rows = db
    .prepare('SELECT entry_json FROM journal_entries WHERE seq BETWEEN ? AND ? ORDER BY seq')
    .pluck()
    .iterate(firstSeq, lastSeq) as IterableIterator<string>;
  for (const json of rows) {
    write(json);
    entries += 1;
  }
  const checkpoints = db
    .prepare('SELECT body_json, hash, signature FROM journal_checkpoints WHERE epoch = ? ORDER BY id')
    .all(epoch) as { body_json: string; hash: Buffer; signature: Buffer }[];
  for (const cp of checkpoints)
    write(
      JSON.stringify({
        checkpoint: cp.body_json,
        hash: cp.hash.toString('hex'),
        signature: cp.signature.toString('base64'),
      }),
    );
  return { entries, firstSeq, lastSeq };
};
