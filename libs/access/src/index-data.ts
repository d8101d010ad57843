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

/**
 * What the rest of the gateway reads of the decision index: the site's
 * records by id, as fresh as the records, and the cardholder search. Read
 * only, and without PIN hashes: the index changes through `AccessRecords`
 * (`apply`/`remove`), never through one of its readers.
 */
export interface SiteLookup {
  readonly cardholders: ReadonlyMap<string, Cardholder>;
  readonly credentialsById: ReadonlyMap<string, Credential>;
  readonly doors: ReadonlyMap<string, Door>;
  readonly zones: ReadonlyMap<string, Zone>;
  readonly levelRecords: ReadonlyMap<string, AccessLevel>;
  /** A reader by id: its door and the direction it reads. */
  readonly readers: ReadonlyMap<string, { door: Door; direction: 'entry' | 'exit' }>;
  searchCardholders(query: {
    text?: string;
    fields: readonly CardholderTextField[];
    state?: Cardholder['state'];
  }): Cardholder[];
}

interface LevelEntry {
  scheduleId: string;
  doors: ReadonlySet<string>;
}

/** The people and their credentials, the part of the index that an import changes in bulk. */
interface RecordMaps {
  cardholders: Map<string, Cardholder>;
  /** By `credentialKey(format, number)`, the key a decision looks up. */
  credentials: Map<string, CredentialRecord>;
  credentialsById: Map<string, CredentialRecord>;
}

const putCredentialIn = (maps: RecordMaps, c: CredentialRecord): void => {
  const old = maps.credentialsById.get(c.id);
  if (old) maps.credentials.delete(credentialKey(old.format, old.number));
  maps.credentials.set(credentialKey(c.format, c.number), c);
  maps.credentialsById.set(c.id, c);
};

/** Entries copied between two checks of the time budget: a few hundred microseconds of `Map.set`. */
const COPY_STEP = 1000;

/**
 * Everything a decision reads, in maps keyed the way decisions look things up.
 * Built whole at start, updated record by record for single edits, and after an
 * import by `putAll`: the new records go into copies of the maps, made aside a
 * slice at a time, which then replace the maps in one step (a decision sees the
 * old people and credentials or the new, never half).
 */
export class AccessIndex implements SiteLookup {
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
  private records: RecordMaps = {
    cardholders: new Map(),
    credentials: new Map(),
    credentialsById: new Map(),
  };
  /**
   * Counts single changes of people and credentials, for `putAll` to see one
   * made while it copied (bookkeeping, not content: kept out of the index's equality).
   */
  #recordEdits = 0;
  get cardholders(): ReadonlyMap<string, Cardholder> {
    return this.records.cardholders;
  }
  get credentials(): ReadonlyMap<string, CredentialRecord> {
    return this.records.credentials;
  }
  get credentialsById(): ReadonlyMap<string, CredentialRecord> {
    return this.records.credentialsById;
  }

  static build(s: AccessSnapshot): AccessIndex {
    const index = new AccessIndex();
    s.zones.forEach((z) => index.zones.set(z.id, z));
    s.doors.forEach((d) => index.putDoor(d));
    s.schedules.forEach((x) => index.putSchedule(x));
    s.holidays.forEach((h) => index.putHoliday(h));
    s.levels.forEach((l) => index.putLevel(l));
    s.groups.forEach((g) => index.groups.set(g.id, g));
    s.cardholders.forEach((c) => index.putCardholder(c));
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
  putCardholder(c: Cardholder): void {
    this.#recordEdits += 1;
    this.records.cardholders.set(c.id, c);
  }
  putCredential(c: CredentialRecord): void {
    this.#recordEdits += 1;
    putCredentialIn(this.records, c);
  }
  removeCredential(id: string): void {
    this.#recordEdits += 1;
    const old = this.records.credentialsById.get(id);
    if (old) this.records.credentials.delete(credentialKey(old.format, old.number));
    this.records.credentialsById.delete(id);
  }

  /**
   * Puts many cardholders and credentials in at once, for decisions in one
   * step: the maps are copied and the records put into the copies, a slice of
   * the event loop at a time (`pause`), then the copies replace the maps. The
   * caller keeps other changes of people and credentials from running meanwhile
   * (the import holds the records' write turn); should one run all the same,
   * the copies would miss it, so they are made again.
   */
  async putAll(
    cardholders: readonly Cardholder[],
    credentials: readonly CredentialRecord[],
    pause: () => Promise<void>,
  ): Promise<void> {
    const copy = async <T>(from: Map<string, T>): Promise<Map<string, T>> => {
      const to = new Map<string, T>();
      let n = 0;
      for (const [k, v] of from) {
        to.set(k, v);
        if (++n % COPY_STEP === 0) await pause();
      }
      return to;
    };
    for (;;) {
      const edits = this.#recordEdits;
      const next: RecordMaps = {
        cardholders: await copy(this.records.cardholders),
        credentials: await copy(this.records.credentials),
        credentialsById: await copy(this.records.credentialsById),
      };
      for (let i = 0; i < cardholders.length; i++) {
        next.cardholders.set(cardholders[i]!.id, cardholders[i]!);
        if ((i + 1) % COPY_STEP === 0) await pause();
      }
      for (let i = 0; i < credentials.length; i++) {
        putCredentialIn(next, credentials[i]!);
        if ((i + 1) % COPY_STEP === 0) await pause();
      }
      if (this.#recordEdits !== edits) continue;
      this.records = next;
      return;
    }
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
        this.putCardholder(record as DocumentTypes['cardholders']);
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
        this.#recordEdits += 1;
        this.records.cardholders.delete(id);
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
