import type { PrivacyKeyring } from './keyring';

export interface LegalHold {
  id: string;
  /** Why the hold applies, as the operator who placed it wrote it. */
  reason: string;
}

/**
 * Whether a legal hold keeps a person's data. Asked inside the erasure's
 * transaction, so a hold stored in the same database cannot slip in between
 * the check and the erasure.
 */
export interface LegalHoldPort {
  holdOn(personId: string): LegalHold | null;
}

/** Until holds exist (the evidence issue), nothing is held. */
export const NO_LEGAL_HOLD: LegalHoldPort = { holdOn: () => null };

export type ErasureResult =
  | { kind: 'erased'; personId: string; erasedAt: number }
  | { kind: 'already-erased'; personId: string; erasedAt: number }
  | { kind: 'unknown-person'; personId: string }
  | { kind: 'held'; personId: string; hold: LegalHold };

/**
 * Erases a person: destroys their wrapped data key and their blind-index rows
 * and records when. Whatever was sealed under the key (records, journal
 * entries, exports) becomes unreadable for good, while every ciphertext, hash
 * and proof stays as it was. Deleted content is overwritten (secure_delete)
 * so the wrapped key does not linger in the file's free pages; copies older
 * than the erasure (WAL frames not yet reused, backups) hold it wrapped by
 * the master key, and are shredded by rotating the master key and destroying
 * the old one.
 */
export const erasePerson = (
  keyring: PrivacyKeyring,
  holds: LegalHoldPort,
  personId: string,
  now: () => number = Date.now,
): ErasureResult => {
  const db = keyring.db;
  const secureDelete = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  try {
    const result = db
      .transaction((): ErasureResult => {
        const erasedAt = db
          .prepare('SELECT erased_at FROM privacy_erasures WHERE person_id = ?')
          .pluck()
          .get(personId) as number | undefined;
        if (erasedAt !== undefined) return { kind: 'already-erased', personId, erasedAt };
        if (!db.prepare('SELECT 1 FROM privacy_person_keys WHERE person_id = ?').get(personId))
          return { kind: 'unknown-person', personId };
        const hold = holds.holdOn(personId);
        if (hold) return { kind: 'held', personId, hold };
        const at = now();
        db.prepare('DELETE FROM privacy_person_keys WHERE person_id = ?').run(personId);
        db.prepare('DELETE FROM privacy_blind_index WHERE person_id = ?').run(personId);
        db.prepare('INSERT INTO privacy_erasures (person_id, erased_at) VALUES (?, ?)').run(personId, at);
        return { kind: 'erased', personId, erasedAt: at };
      })
      .immediate();
    if (result.kind === 'erased') keyring.forget(personId);
    return result;
  } finally {
    db.pragma(`secure_delete = ${secureDelete === 2 ? 'FAST' : secureDelete}`);
  }
};
