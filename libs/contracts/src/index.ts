export { type JsonObject, type JsonValue } from './json';
export { DomainError, type ErrorKind, isDomainError } from './errors';
export { type Clock, ManualClock, systemClock } from './clock';
export { every, type EveryOptions } from './schedule';
export { csvCell, csvRecord, type CsvValue } from './csv';
export {
  type Actor,
  entryCategory,
  type JournalEntry,
  type JournalEntryInput,
  type Journaling,
  type PersonalPart,
  type SealedValue,
  SUBJECT_KINDS,
  type SubjectKind,
  type SubjectRef,
} from './journal';
export {
  type AccessDecided,
  type AlarmCleared,
  type AlarmRaised,
  type AlarmWithdrawn,
  type CredentialPresented,
} from './access';
export { GatehouseBus } from './events';
export { CLOCK, EVENT_BUS, GATEHOUSE_CONFIG } from './tokens';
export { type DeadLetter, type SensorReading, type SensorSignal } from './sensors';
export {
  BIDI_CONTROLS,
  isoDate,
  isoInstant,
  parseIsoDateOrInstant,
  parseIsoInstant,
  patchOf,
  plainText,
  reasonText,
  replacementOf,
  shownAsText,
} from './input';
export { issueInWords } from './issue-words';
export { deadLetteringBus, DeadLetterLimiter, handlerFailure } from './dead-letters';
export { type Log } from './log';
export { nextTurn, SLICE_MS, type TimeSlicer, timeSlicer } from './time-slicer';
