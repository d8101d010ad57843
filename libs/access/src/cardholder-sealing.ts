import type { Cardholder } from './model';

/** The personal fields of a cardholder: stored only sealed under the person's data key. */
export const PERSONAL_FIELDS = ['name', 'employeeNumber', 'department', 'directoryAccount'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];
export type CardholderPersonal = Pick<Cardholder, PersonalField>;
/** What stays in clear in the row's `data`: what decisions need (state, levels, flags), no personal value. */
export type CardholderClear = Omit<Cardholder, PersonalField>;

/**
 * A cardholder row as written: everything personal already sealed, every
 * search digest already computed. Plain JSON (hex, no Buffer), so an import
 * can hand it to its worker thread, which holds no key.
 */
export interface SealedCardholder {
  id: string;
  /** JSON of the `CardholderClear` fields. */
  data: string;
  /** The personal fields' envelope; null for an erased person (nothing left to seal). */
  sealed: string | null;
  /** Keyed HMAC of the employee number (hex), for its uniqueness and look-up. */
  employeeNumberMac: string | null;
  /** Blind-index digests of the name's tokens (hex). */
  nameDigests: string[];
  /**
   * A new person's data key, wrapped by the master key, when the row was
   * sealed for another writer (`seal(c, { detached: true })`): that writer
   * stores it with the row, in one transaction.
   */
  newKey?: { wrapped: string; keyVersion: number; createdAt: number } | null;
}

/** How a row's personal fields opened: `unreadable` when the key is missing or the envelope is not the person's. */
export type CardholderOpening = 'clear' | 'erased' | 'unreadable';

/**
 * What the store needs from the privacy keys to keep cardholders sealed at
 * rest. The gateway's is `privacySealing` (the person keys and blind index);
 * a clear one exists only in the privacy benchmark, as the baseline.
 */
export interface CardholderSealing {
  /**
   * The row to write. `detached`: for a writer on another connection, which
   * stores a new person's wrapped key with the row (nothing is written here).
   */
  seal(cardholder: Cardholder, options?: { detached?: boolean }): SealedCardholder;
  open(
    id: string,
    clear: CardholderClear,
    sealed: string | null,
  ): { cardholder: Cardholder; opening: CardholderOpening };
  employeeNumberMac(employeeNumber: string): string;
  /** Whether the person's key was destroyed: nothing personal of theirs may be written again. */
  isErased(personId: string): boolean;
  sealPhoto(cardholderId: string, data: Buffer): string;
  /** The photo's bytes, or null when the person was erased or the ciphertext is not theirs. */
  openPhoto(cardholderId: string, sealed: string): Buffer | null;
  /** The people whose names hold every token of `query` (whole tokens), from the blind index. */
  searchName(query: string, limit?: number): string[];
}

export const personalOf = (c: Cardholder): CardholderPersonal => ({
  name: c.name,
  employeeNumber: c.employeeNumber,
  department: c.department,
  directoryAccount: c.directoryAccount,
});

export const clearOf = (c: Cardholder): CardholderClear => ({
  id: c.id,
  kind: c.kind,
  state: c.state,
  privileged: c.privileged,
  watchListed: c.watchListed,
  levelIds: c.levelIds,
  groupIds: c.groupIds,
  hasPhoto: c.hasPhoto,
});

/** A cardholder in the store's one field order (objects of one shape share V8's compact layout). */
export const cardholderOf = (clear: CardholderClear, personal: CardholderPersonal): Cardholder => ({
  id: clear.id,
  name: personal.name,
  employeeNumber: personal.employeeNumber,
  department: personal.department,
  directoryAccount: personal.directoryAccount,
  kind: clear.kind,
  state: clear.state,
  privileged: clear.privileged,
  watchListed: clear.watchListed,
  levelIds: clear.levelIds,
  groupIds: clear.groupIds,
  hasPhoto: clear.hasPhoto,
});

/**
 * For the import worker, which writes rows the gateway sealed and holds no
 * key: anything that would need one is a programming error, said loudly.
 */
export const NO_KEYS: CardholderSealing = {
  seal: () => refuse(),
  open: () => refuse(),
  employeeNumberMac: () => refuse(),
  isErased: () => refuse(),
  sealPhoto: () => refuse(),
  openPhoto: () => refuse(),
  searchName: () => refuse(),
};

function refuse(): never {
  throw new Error('this connection holds no person keys: it writes only rows sealed by the gateway');
}
