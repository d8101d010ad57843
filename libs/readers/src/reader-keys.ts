import { randomBytes } from 'node:crypto';
import { type Clock, type JournalEntryInput, systemClock } from '@gatehouse/contracts';
import type { Db } from '@gatehouse/storage';

/** Seals and opens secrets with a key kept outside the database (the gateway's SecretBox). */
export interface Sealer {
  seal(plain: string): string;
  open(sealed: string): string;
}

export interface ManagedKey {
  key: Uint8Array;
  /** The reader holds it (its KEYSET was acknowledged); until then it is installed with SCBK-D. */
  installed: boolean;
  /** A rotation under way: the key to replace `key` with. */
  nextKey: Uint8Array | null;
}

/** The journal's synchronous append: a key is made while the gateway starts, before anything is awaited. */
export interface KeyJournal {
  /** `effect` is committed in the entries' transaction, or not at all. */
  appendAll(inputs: readonly JournalEntryInput[], effect: () => void): unknown;
}

/** Records a key being made as `reader.key-made` (naming the reader, never the key), the key stored in its transaction. */
export const journalKeyMade =
  (journal: KeyJournal) =>
  (readerId: string, store: () => void): void => {
    journal.appendAll(
      [
        {
          type: 'reader.key-made',
          source: 'gateway',
          subjects: [{ kind: 'reader', id: readerId }],
          payload: { readerId },
        },
      ],
      store,
    );
  };

/**
 * Secure channel keys the gateway makes for readers that come fresh from the
 * box: 16 random bytes each, sealed at rest, installed once by KEYSET and used
 * from then on. A copied database alone does not give the keys away.
 */
export class ReaderKeyStore {
  constructor(
    private readonly db: Db,
    private readonly sealer: Sealer,
    /** Records a key being made (never the key) and runs `store` in that entry's transaction. */
    private readonly recordMade: (readerId: string, store: () => void) => void = (_id, store) => store(),
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {}

  private now(): number {
    return this.clock.now().getTime();
  }

  /** The reader's key, made and stored on first use. */
  keyFor(readerId: string): ManagedKey {
    const row = this.db
      .prepare('SELECT sealed, previous_sealed, installed FROM reader_keys WHERE reader_id = ?')
      .get(readerId) as { sealed: string; previous_sealed: string | null; installed: number } | undefined;
    const open = (sealed: string) => Uint8Array.from(Buffer.from(this.sealer.open(sealed), 'hex'));
    if (row?.previous_sealed)
      return { key: open(row.previous_sealed), installed: true, nextKey: open(row.sealed) };
    if (row) return { key: open(row.sealed), installed: row.installed === 1, nextKey: null };
    const key = Uint8Array.from(randomBytes(16));
    this.recordMade(readerId, () =>
      this.db
        .prepare('INSERT INTO reader_keys (reader_id, sealed, installed, created_at) VALUES (?, ?, 0, ?)')
        .run(readerId, this.sealer.seal(Buffer.from(key).toString('hex')), this.now()),
    );
    return { key, installed: false, nextKey: null };
  }

  /**
   * Starts a rotation: a new key is stored beside the one in force before the
   * reader is told, so a stop of the gateway in between loses neither. A
   * rotation already under way keeps its key.
   */
  beginRotation(readerId: string): Uint8Array {
    const current = this.keyFor(readerId);
    if (current.nextKey) return current.nextKey;
    const key = Uint8Array.from(randomBytes(16));
    this.db
      .prepare(
        'UPDATE reader_keys SET previous_sealed = sealed, sealed = ?, created_at = ? WHERE reader_id = ?',
      )
      .run(this.sealer.seal(Buffer.from(key).toString('hex')), this.now(), readerId);
    return key;
  }

  /** The reader refused the new key: the one in force stays. */
  abortRotation(readerId: string): void {
    this.db
      .prepare(
        'UPDATE reader_keys SET sealed = previous_sealed, previous_sealed = NULL WHERE reader_id = ? AND previous_sealed IS NOT NULL',
      )
      .run(readerId);
  }

  markInstalled(readerId: string): void {
    this.db
      .prepare(
        'UPDATE reader_keys SET installed = 1, installed_at = ?, previous_sealed = NULL WHERE reader_id = ?',
      )
      .run(this.now(), readerId);
  }

  /** A new key for a reader that was replaced: not installed until its KEYSET is acknowledged. */
  renew(readerId: string): Uint8Array {
    const key = Uint8Array.from(randomBytes(16));
    this.db
      .prepare(
        `INSERT INTO reader_keys (reader_id, sealed, installed, created_at) VALUES (?, ?, 0, ?)
         ON CONFLICT (reader_id) DO UPDATE SET sealed = excluded.sealed, previous_sealed = NULL, installed = 0,
           created_at = excluded.created_at, installed_at = NULL`,
      )
      .run(readerId, this.sealer.seal(Buffer.from(key).toString('hex')), this.now());
    return key;
  }
}
