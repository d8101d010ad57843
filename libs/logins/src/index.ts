export { type Account, normaliseAccount } from './account';
export { type InterpretContext } from './context';
export {
  type IgnoredReason,
  type Interpretation,
  type LoginAction,
  type LoginFormat,
  type LoginObserved,
  type UnknownReason,
} from './event';
export { interpretJson, interpretSyslog } from './interpret';
export { type KeptUnknown, LoginIntake, type LoginIntakeOptions, type RefusedReason } from './intake';
export { digestKey, recordKey } from './key';
export { type SyslogFields } from './syslog-fields';
export {
  type SessionAction,
  type SessionFact,
  SessionTracker,
  type SessionTrackerOptions,
  type TrackedSession,
} from './sessions';
