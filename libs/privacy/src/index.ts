export {
  BLIND_INDEX_LABELS,
  BlindIndex,
  type BlindIndexKind,
  DEFAULT_SEARCH_LIMIT,
  type IndexedPerson,
} from './blind-index';
export {
  commit,
  type Commitment,
  type CommittedField,
  type Disclosure,
  openCommitted,
  sealCommitted,
  verifyCommitment,
} from './commitment';
export { hmacSha256 } from './hmac';
export {
  erasePerson,
  type ErasureResult,
  type LegalHold,
  type LegalHoldPort,
  NO_LEGAL_HOLD,
} from './erasure';
export {
  ERASED_PERSON,
  type FieldReading,
  type KeyLookup,
  type KeyringOptions,
  PrivacyKeyring,
  shownValue,
  UNREADABLE_FIELD,
} from './keyring';
export {
  loadMasterKey,
  MASTER_KEY_ENV,
  MasterKey,
  MasterKeyError,
  type MasterKeyProblem,
  type MasterKeySource,
  parseMasterKey,
} from './master-key';
export { MAX_NAME_TOKENS, nameTokens, normaliseCardNumber, normaliseName } from './normalise';
export {
  ErasedKeyError,
  type FieldOpening,
  type FieldsOpening,
  openField,
  openFieldBytes,
  openFields,
  PersonKey,
  type PersonalFields,
  sealField,
  sealFieldBytes,
  sealFields,
} from './person-key';
export { type JournalKeys, journalPrivacy } from './journal-privacy';
export { rotateMasterKey, type RotationOptions, type RotationReport } from './rotation';
