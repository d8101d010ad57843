/** The access domain's records (DOMAIN.md, "Things and words"). Times are epoch milliseconds (UTC). */

export const OUTSIDE_ZONE = 'outside';

export interface Zone {
  id: string;
  name: string;
  parentId: string | null;
}

export const DOOR_MODES = [
  'locked',
  'card-only',
  'card-and-pin',
  'unlocked',
  'lockdown',
  'emergency',
] as const;
export type DoorMode = (typeof DOOR_MODES)[number];

export interface ReaderRef {
  id: string;
  /** Entry readers lead from `zoneOut` into `zoneIn`; exit readers the other way. */
  direction: 'entry' | 'exit';
}

export interface Door {
  id: string;
  name: string;
  readers: ReaderRef[];
  /** The zone on the outer side (where an entry starts) and the inner side. */
  zoneOut: string;
  zoneIn: string;
  /** The normal mode; a guard's manual mode or lockdown overrides it at run time. */
  mode: 'locked' | 'card-only' | 'card-and-pin';
  unlockMs: number;
  heldOpenMs: number;
  /** Unlocked while this schedule is active (subject to first-person-in). */
  unlockScheduleId: string | null;
  firstPersonIn: boolean;
  antiPassback: 'none' | 'soft' | 'hard';
  /** Zone: by where the person is believed to be. Timed: the same credential not again at this door within the time. */
  antiPassbackKind: 'zone' | 'timed';
  antiPassbackSeconds: number;
  escortRequired: boolean;
  /** Device references for lock, contact and request-to-exit (bound by later issues). */
  lock: string | null;
  contact: string | null;
  rex: string | null;
}

export interface ScheduleInterval {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Local wall-clock times "HH:MM"; end may be "24:00". */
  start: string;
  end: string;
}

export interface Schedule {
  id: string;
  name: string;
  /** IANA zone the intervals are read in; daylight saving follows the zone's rules. */
  timeZone: string;
  intervals: ScheduleInterval[];
  /** Intervals that apply on a holiday instead of the weekly ones; empty means closed on holidays. */
  holidayIntervals: ScheduleInterval[];
}

export interface Holiday {
  id: string;
  name: string;
  /** Local date "YYYY-MM-DD", read in each schedule's own zone. */
  date: string;
}

export interface AccessLevel {
  id: string;
  name: string;
  scheduleId: string;
  doorIds: string[];
}

export interface Group {
  id: string;
  name: string;
  levelIds: string[];
}

export const CARDHOLDER_STATES = ['active', 'suspended', 'left'] as const;
export type CardholderState = (typeof CARDHOLDER_STATES)[number];
export const CARDHOLDER_KINDS = ['employee', 'contractor', 'visitor'] as const;
export type CardholderKind = (typeof CARDHOLDER_KINDS)[number];

export interface Cardholder {
  id: string;
  name: string;
  employeeNumber: string | null;
  department: string | null;
  directoryAccount: string | null;
  kind: CardholderKind;
  state: CardholderState;
  /** May pass doors in lockdown (security staff, first responders). */
  privileged: boolean;
  watchListed: boolean;
  levelIds: string[];
  groupIds: string[];
  hasPhoto: boolean;
}

export const CREDENTIAL_STATES = ['active', 'suspended', 'lost', 'revoked'] as const;
export type CredentialState = (typeof CREDENTIAL_STATES)[number];
export const CREDENTIAL_FORMATS = [
  'H10301',
  'H10306',
  'H10302',
  'C1000-35',
  'C1000-48',
  'raw',
  'pin-only',
] as const;
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];

export interface Credential {
  id: string;
  cardholderId: string;
  format: CredentialFormat;
  /** Canonical number: "facility:card" for formats with a facility code, the card number alone for H10302, hex for raw. */
  number: string;
  hasPin: boolean;
  hasDuressPin: boolean;
  validFrom: number | null;
  validUntil: number | null;
  state: CredentialState;
  /** Expires when unused for this many days (null: never). */
  expireUnusedDays: number | null;
  lastUsedAt: number | null;
  createdAt: number;
}

export const credentialKey = (format: string, number: string): string => `${format}/${number}`;

/** Every reason a decision can give (DOMAIN.md, "Access decision"). */
export const REASONS = [
  'granted',
  'granted-emergency',
  'granted-unlocked',
  'unknown-reader',
  'unknown-credential',
  'credential-suspended',
  'credential-lost',
  'credential-revoked',
  'credential-expired',
  'credential-expired-unused',
  'credential-not-yet-valid',
  'cardholder-inactive',
  'watch-listed',
  'door-lockdown',
  'no-access-level',
  'outside-schedule',
  'holiday',
  'pin-required',
  'pin-wrong',
  'pin-locked-out',
  'anti-passback',
  'escort-required',
] as const;
export type Reason = (typeof REASONS)[number];
