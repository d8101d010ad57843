export { leafHash } from './merkle';
export { keyIdOf, loadOrCreateSigningKey } from './signer';
export { buildEntry, serializeEntry } from './entry';
export { type EpochRow, SqliteJournalStore } from './store';
export {
  compactAfterRetirement,
  EPOCH_RETIRED,
  EPOCH_STARTED,
  type EpochLink,
  epochRetired,
  exportEpoch,
} from './epoch';
export { Journal, type JournalOptions } from './journal';
export { journalDeadLetters } from './dead-letters';
export { describeProblem, type EpochReport, type VerifyProblem, type VerifyReport } from './verifier';
export { csvHeader, csvRow, type JournalFilter, type JournalPage, jsonlLine } from './query';
export { type CheckpointView, JournalReader, MAX_PAGE } from './reader';
export { type JournalRows, verifyDatabase, verifyStoredJournal } from './stored-verify';
export {
  type EntryNames,
  eventInWords,
  type NameLookup,
  namesOf,
  READABLE_COLUMNS,
  readableRow,
  namesInText,
  siteTime,
} from './readable';
export { entryLine, STATE_LINE_TYPES, stateLine, subjectOf } from './entry-line';
export { readerLabel } from './reader-name';
export { MAX_GROUP_SUBJECTS } from './query';
export {
  type Disclosed,
  disclosuresOf,
  ERASED_VALUE,
  matchesCommitment,
  openPersonal,
  type PersonalOpener,
  type PersonalOpening,
  type PersonalPrivacy,
  type PersonalSealer,
  sealPersonal,
  UNREADABLE_VALUE,
} from './personal';
