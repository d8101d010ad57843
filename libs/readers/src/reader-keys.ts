import { randomBytes } from 'node:crypto';
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
}

/**
 * Secure channel keys the gateway makes for readers that come fresh from the
 * box: 16 random bytes each, sealed at rest, installed once by KEYSET and used
 * from then on. A copied database alone does not give the keys away.
 */
export class ReaderKeyStore {
  constructor(
    private readonly db: Db,
    private readonly sealer: Sealer,
  ) {}

  /** The reader's key, made and stored on first use. */
  keyFor(readerId: string, nowMs = Date.now()): ManagedKey {
    const row = this.db
      .prepare('SELECT sealed, installed FROM reader_keys WHERE reader_id = ?')
      .get(readerId) as { sealed: string; installed: number } | undefined;
    if (row)
      return {
        key: Uint8Array.from(Buffer.from(this.sealer.open(row.sealed), 'hex')),
        installed: row.installed === 1,
      };
    const key = Uint8Array.from(randomBytes(16));
    this.db
      .prepare('INSERT INTO reader_keys (reader_id, sealed, installed, created_at) VALUES (?, ?, 0, ?)')
      .run(readerId, this.sealer.seal(Buffer.from(key).toString('hex')), nowMs);
    return { key, installed: false };
  }

  markInstalled(readerId: string, nowMs = Date.now()): void {
    this.db
      .prepare('UPDATE reader_keys SET installed = 1, installed_at = ? WHERE reader_id = ?')
      .run(nowMs, readerId);
  }

  /** A new key for a reader that was replaced: not installed until its KEYSET is acknowledged. */
  renew(readerId: string, nowMs = Date.now()): Uint8Array {
    const key = Uint8Array.from(randomBytes(16));
    this.db
      .prepare(
        `INSERT INTO reader_keys (reader_id, sealed, installed, created_at) VALUES (?, ?, 0, ?)
         ON CONFLICT (reader_id) DO UPDATE SET sealed = excluded.sealed, installed = 0, created_at = excluded.created_at, installed_at = NULL`,
      )
      .run(readerId, this.sealer.seal(Buffer.from(key).toString('hex')), nowMs);
    return key;
  }
}
