export {
  type DirectoryAnswer,
  DirectoryFault,
  type DirectoryPerson,
  dnKey,
  FAULT_KINDS,
  type FaultKind,
} from './answer';
export { type DirectorySecrets, type DirectorySettings, faultOf, readDirectory } from './ldap-reader';
export {
  type Leaver,
  type PersonUpdate,
  planSync,
  type Refusal,
  type SyncCardholder,
  type SyncPlan,
  type Unmapped,
} from './plan';
export {
  type DirectoryPorts,
  type DirectoryStatus,
  DirectorySync,
  type DirectorySyncSettings,
  type SyncChange,
  type SyncRun,
  type Trigger,
} from './sync';
export { SqliteLinks } from './links';
