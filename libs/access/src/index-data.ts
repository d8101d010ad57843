import type { AccessLevel, Cardholder, Credential, Door, Group, Holiday, Schedule, Zone } from './model';
import { credentialKey } from './model';
import { compileSchedule, type CompiledSchedule } from './schedule';
import type { DocumentTable, DocumentTypes } from './store';

/** A credential as the engine holds it: with its PIN hashes (never leave the gateway). */
export interface CredentialRecord extends Credential {
  pinHash: string | null;
  duressPinHash: string | null;
}

export interface AccessSnapshot {
  zones: Zone[];
  doors: Door[];
  schedules: Schedule[];
  holidays: Holiday[];
  levels: AccessLevel[];
  groups: Group[];
  cardholders: Cardholder[];
  credentials: CredentialRecord[];
}

/** The cardholder fields a search looks in. */
export type CardholderTextField = 'name' | 'employeeNumber' | 'department' | 'directoryAccount';

interface LevelEntry {
  scheduleId: string;
  doors: ReadonlySet<string>;
}

/**
 * Everything a decision reads, in maps keyed the way decisions look things up.
 * Built whole at start and after an import (then swapped in one assignment, so a
 * decision sees the old index or the new one, never half), and updated record by
 * record for single edits.
 */
export class AccessIndex {
  readonly zones = new Map<string, Zone>();
  readonly doors = new Map<string, Door>();
  readonly readers = new Map<string, { door: Door; direction: 'entry' | 'exit' }>();
  readonly schedules = new Map<string, CompiledSchedule>();
  readonly scheduleRecords = new Map<string, Schedule>();
  readonly holidayDates = new Set<string>();
  readonly holidays = new Map<string, Holiday>();
  readonly levels = new Map<string, LevelEntry>();
  readonly levelRecords = new Map<string, AccessLevel>();
  readonly groups = new Map<string, Group>();
  readonly cardholders = new Map<string, Cardholder>();
  readonly credentials = new Map<string, CredentialRecord>();
  readonly credentialsById = new Map<string, CredentialRecord>();

  static build(s: AccessSnapshot): AccessIndex {
    const index = new AccessIndex();
    s.zones.forEach((z) => index.zones.set(z.id, z));
    s.doors.forEach((d) => index.putDoor(d));
    s.schedules.forEach((x) => index.putSchedule(x));
    s.holidays.forEach((h) => index.putHoliday(h));
    s.levels.forEach((l) => index.putLevel(l));
    s.groups.forEach((g) => index.groups.set(g.id, g));
    s.cardholders.forEach((c) => index.cardholders.set(c.id, c));
    s.credentials.forEach((c) => index.putCredential(c));
    return index;
  }

  putDoor(door: Door): void {
    const old = this.doors.get(door.id);
    old?.readers.forEach((r) => this.readers.delete(r.id));
    this.doors.set(door.id, door);
    door.readers.forEach((r) => this.readers.set(r.id, { door, direction: r.direction }));
  }
  removeDoor(id: string): void {
    this.doors.get(id)?.readers.forEach((r) => this.readers.delete(r.id));
    this.doors.delete(id);
  }
  putSchedule(s: Schedule): void {
    this.scheduleRecords.set(s.id, s);
    this.schedules.set(s.id, compileSchedule(s));
  }
  putHoliday(h: Holiday): void {
    this.holidays.set(h.id, h);
    this.rebuildHolidayDates();
  }
  removeHoliday(id: string): void {
    this.holidays.delete(id);
    this.rebuildHolidayDates();
  }
  private rebuildHolidayDates(): void {
    this.holidayDates.clear();
    for (const h of this.holidays.values()) this.holidayDates.add(h.date);
  }
  putLevel(l: AccessLevel): void {
    this.levelRecords.set(l.id, l);
    this.levels.set(l.id, { scheduleId: l.scheduleId, doors: new Set(l.doorIds) });
  }
  removeLevel(id: string): void {
    this.levelRecords.delete(id);
    this.levels.delete(id);
  }
  putCredential(c: CredentialRecord): void {
    const old = this.credentialsById.get(c.id);
    if (old) this.credentials.delete(credentialKey(old.format, old.number));
    this.credentials.set(credentialKey(c.format, c.number), c);
    this.credentialsById.set(c.id, c);
  }
  removeCredential(id: string): void {
    const old = this.credentialsById.get(id);
    if (old) this.credentials.delete(credentialKey(old.format, old.number));
    this.credentialsById.delete(id);
  }

  /** Takes in a created or changed record of one of the site's tables. */
  apply<K extends DocumentTable>(table: K, doc: DocumentTypes[K]): void {
    const record = doc as DocumentTypes[DocumentTable];
    switch (table) {
      case 'access_zones':
        this.zones.set(record.id, record as DocumentTypes['access_zones']);
        break;
      case 'access_doors':
        this.putDoor(record as DocumentTypes['access_doors']);
        break;
      case 'access_schedules':
        this.putSchedule(record as DocumentTypes['access_schedules']);
        break;
      case 'access_holidays':
        this.putHoliday(record as DocumentTypes['access_holidays']);
        break;
      case 'access_levels':
        this.putLevel(record as DocumentTypes['access_levels']);
        break;
      case 'access_groups':
        this.groups.set(record.id, record as DocumentTypes['access_groups']);
        break;
      case 'cardholders':
        this.cardholders.set(record.id, record as DocumentTypes['cardholders']);
        break;
    }
  }

  /** Forgets a deleted record of one of the site's tables. */
  remove(table: DocumentTable, id: string): void {
    switch (table) {
      case 'access_zones':
        this.zones.delete(id);
        break;
      case 'access_doors':
        this.removeDoor(id);
        break;
      case 'access_schedules':
        this.schedules.delete(id);
        this.scheduleRecords.delete(id);
        break;
      case 'access_holidays':
        this.removeHoliday(id);
        break;
      case 'access_levels':
        this.removeLevel(id);
        break;
      case 'access_groups':
        this.groups.delete(id);
        break;
      case 'cardholders':
        this.cardholders.delete(id);
        break;
    }
  }

  /**
   * Cardholders in a state (any when absent) with `text` (lower case) in one of
   * `fields`, by name. The caller names the fields it may search: a match must
   * not reveal a value the caller cannot see.
   */
  searchCardholders(query: {
    text?: string;
    fields: readonly CardholderTextField[];
    state?: Cardholder['state'];
  }): Cardholder[] {
    const { text, fields, state } = query;
    const found = [...this.cardholders.values()].filter(
      (c) =>
        (!state || c.state === state) && (!text || fields.some((f) => c[f]?.toLowerCase().includes(text))),
    );
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The cardholder's levels, held directly or through groups, without repeats. */
  levelsOf(cardholder: Cardholder): string[] {
    if (cardholder.groupIds.length === 0) return cardholder.levelIds;
    const all = new Set(cardholder.levelIds);
    for (const g of cardholder.groupIds) this.groups.get(g)?.levelIds.forEach((l) => all.add(l));
    return [...all];
  }
}
