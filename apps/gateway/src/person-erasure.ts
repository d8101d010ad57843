import { alreadyErased, type PersonErasure } from '@gatehouse/access';
import { DomainError } from '@gatehouse/contracts';
import { erasePerson, type LegalHoldPort, NO_LEGAL_HOLD, type PrivacyKeyring } from '@gatehouse/privacy';

const heldBy = (personId: string, hold: { id: string; reason: string }) =>
  new DomainError(
    'conflict',
    'privacy.legal-hold',
    `person "${personId}" is under legal hold ${hold.id} (${hold.reason}); erase after the hold is lifted`,
    { id: personId, holdId: hold.id },
  );

/**
 * The records' erasure port over the privacy keys. The legal hold is asked
 * before the journal entry and again inside its transaction (by `erasePerson`):
 * a hold placed in between refuses the erasure, entry and all.
 */
export const personErasure = (
  keyring: PrivacyKeyring,
  holds: LegalHoldPort = NO_LEGAL_HOLD,
): PersonErasure => ({
  refusal(personId) {
    const found = keyring.keyOf(personId);
    if (found.kind === 'erased') return alreadyErased(personId, found.erasedAt);
    const hold = holds.holdOn(personId);
    return hold ? heldBy(personId, hold) : null;
  },
  erase(personId, clearRecords) {
    const db = keyring.db;
    const secureDelete = db.pragma('secure_delete', { simple: true }) as number;
    db.pragma('secure_delete = ON');
    try {
      clearRecords();
    } finally {
      db.pragma(`secure_delete = ${secureDelete === 2 ? 'FAST' : secureDelete}`);
    }
    // A person recorded before their records were sealed has no key yet: one is
    // made (and destroyed at once, in the same transaction) so that the erasure
    // is recorded for them like for anyone else.
    keyring.keyForWriting(personId);
    const result = erasePerson(keyring, holds, personId);
    if (result.kind === 'held') throw heldBy(personId, result.hold);
    if (result.kind === 'already-erased') throw alreadyErased(personId, result.erasedAt);
    if (result.kind !== 'erased') throw new Error(`erasure of ${personId} found no key after making one`);
  },
});
