import type { Actor } from '@gatehouse/contracts';
import { DomainError } from '@gatehouse/contracts';
import { type AccessContext, journalChange, notFound } from './access-context';
import type { CredentialRecord } from './index-data';
import type { Cardholder } from './model';

/** How an erased person's name shows in the records (the privacy library's ERASED_PERSON). */
export const ERASED_NAME = 'erased person';

/**
 * What the records need from the privacy keys to erase a person: whether the
 * erasure is refused (erased already, a legal hold), and the erasure itself,
 * inside the erasure's transaction: `clearRecords` writes over the person's
 * records (with deleted content overwritten, not left in free pages), then
 * the person's data key is destroyed.
 */
export interface PersonErasure {
  refusal(personId: string): DomainError | null;
  erase(personId: string, clearRecords: () => void): void;
}

/**
 * The cardholder with every personal field gone. The record stays (its id is
 * what journal entries, presence and levels name), marked `left`, so the
 * decision index denies it like any former cardholder.
 */
const erasedRecord = (c: Cardholder): Cardholder => ({
  ...c,
  name: ERASED_NAME,
  employeeNumber: null,
  department: null,
  directoryAccount: null,
  state: 'left',
  watchListed: false,
  privileged: false,
  hasPhoto: false,
});

/**
 * Erases a cardholder: one journal entry (who, why; no personal value) whose
 * transaction clears the record's personal fields and photo, revokes every
 * credential (a card of an erased person opens nothing, and a revoked card is
 * never reactivated) and destroys the data key.
 */
export const eraseCardholderNow = async (
  ctx: AccessContext,
  id: string,
  reason: string,
  actor: Actor,
  erasure: PersonErasure,
): Promise<Cardholder> => {
  const before = ctx.store.get('cardholders', id);
  if (!before) throw notFound('cardholder', id);
  const refused = erasure.refusal(id);
  if (refused) throw refused;
  const after = erasedRecord(before);
  const revoked: CredentialRecord[] = ctx.store.credentialsOf(id).map((c) => ({
    ...c,
    state: 'revoked',
    pinHash: null,
    duressPinHash: null,
    hasPin: false,
    hasDuressPin: false,
  }));
  await journalChange(
    ctx.journal,
    'privacy.person-erased',
    actor,
    { id, reason, credentialsRevoked: revoked.map((c) => c.id) },
    [{ kind: 'person' as const, id }, ...revoked.map((c) => ({ kind: 'credential' as const, id: c.id }))],
    () =>
      erasure.erase(id, () => {
        ctx.store.put('cardholders', after);
        ctx.store.removePhoto(id);
        for (const c of revoked) ctx.store.putCredential(c);
      }),
  );
  ctx.engine.index.apply('cardholders', after);
  for (const c of revoked) ctx.engine.index.putCredential(c);
  return after;
};

export const alreadyErased = (id: string, erasedAt: number) =>
  new DomainError('conflict', 'privacy.already-erased', `person "${id}" was erased already`, {
    id,
    erasedAt: new Date(erasedAt).toISOString(),
  });
