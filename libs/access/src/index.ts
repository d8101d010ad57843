export {
  type AccessLevel,
  type Cardholder,
  type Credential,
  CREDENTIAL_FORMATS,
  type CredentialFormat,
  type Door,
  DOOR_MODES,
  type DoorMode,
  type Group,
  type Holiday,
  type Schedule,
  type ScheduleInterval,
  OUTSIDE_ZONE,
  type Zone,
} from './model';
export { AccessIndex, type AccessSnapshot, type CredentialRecord, type SiteLookup } from './index-data';
export { AccessEngine, type Decision } from './engine';
export { DECISION_REASON_WORDS } from './reason-words';
export {
  CardholderInput,
  CardholderPatch,
  CredentialInput,
  CredentialPatch,
  DoorInput,
  GroupInput,
  HolidayInput,
  LevelInput,
  ScheduleInput,
  ZoneInput,
} from './schemas';
export { AccessStore, type DocumentTable } from './store';
export {
  type CardholderClear,
  type CardholderOpening,
  type CardholderSealing,
  cardholderOf,
  NO_KEYS,
  PERSONAL_FIELDS,
  type SealedCardholder,
} from './cardholder-sealing';
export { privacySealing } from './privacy-sealing';
export { sealClearRecords, type SealingReport } from './seal-clear-records';
export { AccessService } from './access.service';
export type { AccessContext, JournalPort } from './access-context';
export { AccessRecords } from './records';
export { alreadyErased, ERASED_NAME, type PersonErasure } from './erasure';
export { applySitePlan, type PlannedPerson, type SitePlan } from './site-plan';
export { AccessDecisions } from './decisions';
export { type DoorState, GuardActions, type PresenceRow, type WhoCanOpenRow } from './guard';
export { CardholderImport, type ImportReport } from './import';
export { importWorkerAvailable, workerImportWriter } from './import-writer';
export { isPrintedWithFormat, printedCardMatches } from './printed-card';
