import type { Role } from './api';

/** Shapes of the access API as the console uses them (the console imports nothing server-side). */
export interface Zone {
  id: string;
  name: string;
  parentId: string | null;
}
export interface Interval {
  days: number[];
  start: string;
  end: string;
}
export interface Schedule {
  id: string;
  name: string;
  timeZone: string;
  intervals: Interval[];
  holidayIntervals: Interval[];
}
export interface Holiday {
  id: string;
  name: string;
  date: string;
}
export interface Level {
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
export interface Door {
  id: string;
  name: string;
  readers: { id: string; direction: 'entry' | 'exit' }[];
  zoneOut: string;
  zoneIn: string;
  mode: 'locked' | 'card-only' | 'card-and-pin';
  unlockMs: number;
  heldOpenMs: number;
  antiPassback: 'none' | 'soft' | 'hard';
  escortRequired: boolean;
}
export interface DoorState {
  doorId: string;
  name: string;
  mode: string;
  manual: { mode: string; until: number | null; by: string; reason: string } | null;
}
export interface Cardholder {
  id: string;
  name: string;
  employeeNumber: string | null;
  department: string | null;
  directoryAccount: string | null;
  kind: 'employee' | 'contractor' | 'visitor';
  state: 'active' | 'suspended' | 'left';
  privileged: boolean;
  watchListed: boolean;
  levelIds: string[];
  groupIds: string[];
  hasPhoto: boolean;
}
export interface Credential {
  id: string;
  cardholderId: string;
  format: string;
  number: string;
  hasPin: boolean;
  hasDuressPin: boolean;
  validFrom: number | null;
  validUntil: number | null;
  state: 'active' | 'suspended' | 'lost' | 'revoked';
  lastUsedAt: number | null;
}
export interface Decision {
  grant: boolean;
  reason: string;
  doorId: string | null;
  cardholderId: string | null;
  mode: string | null;
  alarms: { type: string }[];
}
export interface ImportReport {
  rows: number;
  cardholders: { create: number; update: number; unchanged: number };
  credentials: { create: number; update: number; unchanged: number };
  errors: { line: number; message: string }[];
  sha256: string;
  applied: boolean;
}

export const FORMATS = ['H10301', 'H10306', 'H10302', 'C1000-35', 'C1000-48', 'raw', 'pin-only'];
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
export const canEditAccess = (roles: Role[]) => roles.includes('facility-manager');
export const isGuard = (roles: Role[]) => roles.includes('guard');
