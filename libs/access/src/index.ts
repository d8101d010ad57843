export { type Cardholder, type Door, DOOR_MODES } from './model';
export { AccessIndex, type AccessSnapshot, type CredentialRecord } from './index-data';
export { AccessEngine } from './engine';
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
export { AccessService } from './access.service';
export type { AccessContext, JournalPort } from './access-context';
export { AccessRecords } from './records';
export { alreadyErased, ERASED_NAME, type PersonErasure } from './erasure';
export { applySitePlan, type PlannedPerson, type SitePlan } from './site-plan';
export { AccessDecisions } from './decisions';
export { GuardActions, type DoorState } from './guard';
export { CardholderImport } from './import';
export { importWorkerAvailable, workerImportWriter } from './import-writer';
