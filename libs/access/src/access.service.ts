import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import argon2 from 'argon2';
import {
  type Actor,
  type Clock,
  type CredentialPresented,
  DomainError,
  type GatehouseBus,
  type JournalEntry,
  type JournalEntryInput,
  type JsonObject,
  type SubjectRef,
} from '@gatehouse/contracts';
import { AccessEngine, type Decision, type ManualMode, type PinOutcome } from './engine';
import { AccessIndex, type CredentialRecord } from './index-data';
import {
  type Cardholder,
  type Credential,
  type CredentialFormat,
  type Door,
  type DoorMode,
  OUTSIDE_ZONE,
} from './model';
import { validateSchedule } from './schedule';
import {
  checkCredentialNumber,
  type CardholderInput,
  type CardholderPatch,
  type CredentialInput,
  type CredentialPatch,
  type DoorInput,
  type GroupInput,
  type HolidayInput,
  type LevelInput,
  type ScheduleInput,
  type ZoneInput,
} from './schemas';
import type { ImportWriter } from './import-writer';
import { AccessStore, type DocumentTable, type DocumentTypes } from './store';

export interface JournalPort {
  append(input: JournalEntryInput, effect?: () => void): Promise<JournalEntry>;
  appendAll(inputs: readonly JournalEntryInput[], effect: () => void): JournalEntry[];
  addProjector(name: string, project: (entries: readonly JournalEntry[]) => void): void;
}

/** PINs are argon2id like passwords; their short length is why the attempts are limited per credential. */
const PIN_HASH = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
/** A card read at a card-and-PIN door waits this long for its PIN on the keypad. */
const PIN_WAIT_MS = 15_000;

const notFound = (what: string, id: string) =>
  new DomainError('not-found', `${what}.not-found`, `no ${what} "${id}"`, { id });
const conflict = (code: string, message: string, details: Record<string, unknown> = {}) =>
  new DomainError('conflict', code, message, details);
const json = (v: unknown): JsonObject => JSON.parse(JSON.stringify(v ?? {})) as JsonObject;

/** What changed between two records, for the journal: field → {from, to}. Secrets are never included. */
const diff = (before: object | undefined, after: object): Record<string, { from: unknown; to: unknown }> => {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  const b = (before ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(after)) {
    if (k === 'pinHash' || k === 'duressPinHash' || k === 'lastUsedAt') continue;
    if (JSON.stringify(b[k]) !== JSON.stringify(v)) out[k] = { from: b[k] ?? null, to: v };
  }
  return out;
};

const CATEGORY: Record<DocumentTable, { type: string; subject: SubjectRef['kind'] | null }> = {
  access_zones: { type: 'zone', subject: 'zone' },
  access_doors: { type: 'door', subject: 'door' },
  access_schedules: { type: 'schedule', subject: null },
  access_holidays: { type: 'schedule.holiday', subject: null },
  access_levels: { type: 'level', subject: null },
  access_groups: { type: 'level.group', subject: null },
  cardholders: { type: 'cardholder', subject: 'person' },
};

export interface DoorState {
  doorId: string;
  name: string;
  mode: DoorMode;
  manual: (ManualMode & { doorId: string }) | null;
}

export class AccessService {
  readonly engine: AccessEngine;
  private readonly pendingPins = new Map<string, { presented: CredentialPresented; until: number }>();

  constructor(
    readonly store: AccessStore,
    private readonly journal: JournalPort,
    private readonly clock: Clock,
    private readonly bus?: GatehouseBus,
  ) {
    // The outside world is a zone every site has: doors lead in from it. Created with its entry, like any zone.
    if (!store.get('access_zones', OUTSIDE_ZONE)) {
      const outside = { id: OUTSIDE_ZONE, name: 'Outside', parentId: null };
      journal.appendAll(
        [
          {
            type: 'zone.created',
            source: 'access',
            actor: { kind: 'system', name: 'built-in' },
            subjects: [{ kind: 'zone', id: OUTSIDE_ZONE }],
            payload: json({ id: OUTSIDE_ZONE, changes: diff(undefined, outside), builtIn: true }),
          },
        ],
        () => store.put('access_zones', outside),
      );
    }
    this.engine = new AccessEngine(AccessIndex.build(store.snapshot()));
    const now = clock.now().getTime();
    for (const o of store.overrides())
      if (o.until === null || o.until > now) this.engine.manualModes.set(o.doorId, o);
    for (const p of store.presence()) this.engine.presence.set(p.cardholderId, p);
    // Presence and "last used" are views of the decisions: written in the journal's own transaction.
    journal.addProjector('access', (entries) => {
      for (const e of entries) {
        if (e.type === 'access.granted') {
          const p = e.payload as {
            cardholderId?: string;
            credentialId?: string;
            presenceZone?: string;
            doorId?: string;
            at?: number;
          };
          if (p.cardholderId && p.presenceZone && p.doorId)
            store.setPresence(p.cardholderId, {
              zone: p.presenceZone,
              at: p.at ?? Date.parse(e.time),
              doorId: p.doorId,
            });
          if (p.credentialId) store.touchCredential(p.credentialId, p.at ?? Date.parse(e.time));
        } else if (e.type === 'access.passback-forgiven') {
          const who = (e.payload as { cardholderId?: string | null }).cardholderId;
          if (who) store.setPresence(who, null);
          else store.clearPresence();
        }
      }
    });
    bus?.on('credential.presented', 'access', (p) => void this.present(p));
    bus?.on('keypad.entered', 'access', (k) => void this.keypad(k.readerId, k.digits, k.at));
  }

  /** Journals a change; `effect` writes it to the store in the same transaction (journal first, never one without the other). */
  private async record(
    type: string,
    actor: Actor,
    payload: unknown,
    subjects: SubjectRef[] = [],
    effect?: () => void,
  ): Promise<void> {
    await this.journal.append({ type, source: 'access', actor, subjects, payload: json(payload) }, effect);
  }

  private writing: Promise<unknown> = Promise.resolve();
  private readonly inChange = new AsyncLocalStorage<true>();

  /**
   * Runs the changes of records one after another. A change reads the record
   * it builds on, but its write waits for the journal's group commit: two
   * updates of one record at once would each start from the old record and the
   * second would erase the first's fields. A change may call another (an
   * update saves through the generic save): inside one, it runs directly.
   */
  private exclusive<T>(change: () => Promise<T>): Promise<T> {
    if (this.inChange.getStore()) return change();
    const inside = () => this.inChange.run(true, change);
    const run = this.writing.then(inside, inside);
    this.writing = run.catch(() => undefined);
    return run;
  }

  private importWriter: ImportWriter | null = null;

  /** Where imports write: by default in this thread; the gateway sets a worker-thread writer. */
  useImportWriter(writer: ImportWriter): void {
    this.importWriter = writer;
  }

  /** Writes an import's records with their journal entries in one transaction. */
  async commitImport(
    entries: readonly JournalEntryInput[],
    cardholders: readonly Cardholder[],
    credentials: readonly CredentialRecord[],
  ): Promise<void> {
    if (this.importWriter) return this.importWriter(entries, cardholders, credentials);
    this.journal.appendAll(entries, () => {
      for (const c of cardholders) this.store.put('cardholders', c);
      for (const c of credentials) this.store.putCredential(c);
    });
  }

  // ---------- generic documents ----------

  list<K extends DocumentTable>(table: K): DocumentTypes[K][] {
    return this.store.all(table);
  }

  get<K extends DocumentTable>(table: K, id: string): DocumentTypes[K] {
    const doc = this.store.get(table, id);
    if (!doc) throw notFound(CATEGORY[table].type.split('.').pop()!, id);
    return doc;
  }

  private async save<K extends DocumentTable>(
    table: K,
    doc: DocumentTypes[K] & { id: string },
    actor: Actor,
    mode: 'create' | 'update',
  ): Promise<DocumentTypes[K]> {
    return this.exclusive(() => this.saveNow(table, doc, actor, mode));
  }

  private async saveNow<K extends DocumentTable>(
    table: K,
    doc: DocumentTypes[K] & { id: string },
    actor: Actor,
    mode: 'create' | 'update',
  ): Promise<DocumentTypes[K]> {
    const before = this.store.get(table, doc.id);
    const what = CATEGORY[table];
    if (mode === 'create' && before) throw conflict(`${what.type}.exists`, `${what.type} "${doc.id}" exists`);
    if (mode === 'update' && !before) throw notFound(what.type, doc.id);
    const changes = diff(before, doc);
    if (mode === 'update' && Object.keys(changes).length === 0) return doc;
    await this.record(
      `${what.type}.${mode === 'create' ? 'created' : 'updated'}`,
      actor,
      { id: doc.id, changes },
      what.subject ? [{ kind: what.subject, id: doc.id }] : [],
      () => this.store.put(table, doc),
    );
    this.applyToIndex(table, doc);
    return doc;
  }

  /**
   * Changes the fields an update names and keeps every other as stored (PATCH);
   * `save` checks and stores the whole record, as a replacement would be.
   */
  patch<K extends DocumentTable, R>(
    table: K,
    id: string,
    fields: Partial<DocumentTypes[K]>,
    save: (record: DocumentTypes[K] & { id: string }) => Promise<R>,
  ): Promise<R> {
    return this.exclusive(() => save({ ...this.get(table, id), ...fields, id }));
  }

  private applyToIndex(table: DocumentTable, doc: object): void {
    const idx = this.engine.index;
    switch (table) {
      case 'access_zones':
        idx.zones.set((doc as { id: string }).id, doc as DocumentTypes['access_zones']);
        break;
      case 'access_doors':
        idx.putDoor(doc as Door);
        break;
      case 'access_schedules':
        idx.putSchedule(doc as DocumentTypes['access_schedules']);
        break;
      case 'access_holidays':
        idx.putHoliday(doc as DocumentTypes['access_holidays']);
        break;
      case 'access_levels':
        idx.putLevel(doc as DocumentTypes['access_levels']);
        break;
      case 'access_groups':
        idx.groups.set((doc as { id: string }).id, doc as DocumentTypes['access_groups']);
        break;
      case 'cardholders':
        idx.cardholders.set((doc as Cardholder).id, doc as Cardholder);
        break;
    }
  }

  private async removeDoc(
    table: DocumentTable,
    id: string,
    actor: Actor,
    usedBy: () => string[],
  ): Promise<void> {
    return this.exclusive(() => this.removeNow(table, id, actor, usedBy));
  }

  private async removeNow(
    table: DocumentTable,
    id: string,
    actor: Actor,
    usedBy: () => string[],
  ): Promise<void> {
    const what = CATEGORY[table];
    if (!this.store.get(table, id)) throw notFound(what.type, id);
    const users = usedBy();
    if (users.length > 0)
      throw conflict(
        `${what.type}.in-use`,
        `${what.type} "${id}" is still used by ${users.slice(0, 5).join(', ')}${users.length > 5 ? '…' : ''}`,
        { usedBy: users },
      );
    await this.record(
      `${what.type}.deleted`,
      actor,
      { id },
      what.subject ? [{ kind: what.subject, id }] : [],
      () => this.store.remove(table, id),
    );
    const idx = this.engine.index;
    if (table === 'access_doors') idx.removeDoor(id);
    else if (table === 'access_levels') idx.removeLevel(id);
    else if (table === 'access_holidays') idx.removeHoliday(id);
    else if (table === 'access_groups') idx.groups.delete(id);
    else if (table === 'access_zones') idx.zones.delete(id);
    else if (table === 'access_schedules') {
      idx.schedules.delete(id);
      idx.scheduleRecords.delete(id);
    }
  }

  private requireAll(kind: string, ids: readonly string[], exists: (id: string) => boolean): void {
    const missing = ids.filter((i) => !exists(i));
    if (missing.length > 0)
      throw new DomainError(
        'invalid',
        `${kind}.unknown`,
        `unknown ${kind}: ${missing.slice(0, 10).join(', ')}`,
        { missing },
      );
  }

  // ---------- zones, doors, schedules, holidays, levels, groups ----------

  async saveZone(input: z.output<typeof ZoneInput>, actor: Actor, mode: 'create' | 'update') {
    if (input.parentId) this.requireAll('zone', [input.parentId], (i) => this.engine.index.zones.has(i));
    return this.save('access_zones', input, actor, mode);
  }
  async deleteZone(id: string, actor: Actor) {
    if (id === OUTSIDE_ZONE) throw conflict('zone.builtin', 'the outside zone is built in');
    return this.removeDoc('access_zones', id, actor, () =>
      [...this.engine.index.doors.values()]
        .filter((d) => d.zoneIn === id || d.zoneOut === id)
        .map((d) => `door ${d.id}`),
    );
  }

  async saveDoor(input: z.output<typeof DoorInput>, actor: Actor, mode: 'create' | 'update') {
    const idx = this.engine.index;
    this.requireAll('zone', [input.zoneIn, input.zoneOut], (i) => idx.zones.has(i));
    if (input.unlockScheduleId)
      this.requireAll('schedule', [input.unlockScheduleId], (i) => idx.schedules.has(i));
    for (const r of input.readers) {
      const other = idx.readers.get(r.id);
      if (other && other.door.id !== input.id)
        throw conflict('door.reader-taken', `reader ${r.id} already serves door ${other.door.id}`);
    }
    if (new Set(input.readers.map((r) => r.direction)).size !== input.readers.length) {
      throw new DomainError('invalid', 'door.readers', 'a door has at most one entry and one exit reader');
    }
    return this.save('access_doors', input, actor, mode);
  }
  async deleteDoor(id: string, actor: Actor) {
    return this.removeDoc('access_doors', id, actor, () =>
      [...this.engine.index.levelRecords.values()]
        .filter((l) => l.doorIds.includes(id))
        .map((l) => `level ${l.id}`),
    );
  }

  async saveSchedule(input: z.output<typeof ScheduleInput>, actor: Actor, mode: 'create' | 'update') {
    validateSchedule(input);
    return this.save('access_schedules', input, actor, mode);
  }
  async deleteSchedule(id: string, actor: Actor) {
    const idx = this.engine.index;
    return this.removeDoc('access_schedules', id, actor, () => [
      ...[...idx.levelRecords.values()].filter((l) => l.scheduleId === id).map((l) => `level ${l.id}`),
      ...[...idx.doors.values()].filter((d) => d.unlockScheduleId === id).map((d) => `door ${d.id}`),
    ]);
  }

  async saveHoliday(input: z.output<typeof HolidayInput>, actor: Actor, mode: 'create' | 'update') {
    return this.save('access_holidays', input, actor, mode);
  }
  async deleteHoliday(id: string, actor: Actor) {
    return this.removeDoc('access_holidays', id, actor, () => []);
  }

  async saveLevel(input: z.output<typeof LevelInput>, actor: Actor, mode: 'create' | 'update') {
    const idx = this.engine.index;
    this.requireAll('schedule', [input.scheduleId], (i) => idx.schedules.has(i));
    this.requireAll('door', input.doorIds, (i) => idx.doors.has(i));
    return this.save('access_levels', { ...input, doorIds: [...new Set(input.doorIds)] }, actor, mode);
  }
  async deleteLevel(id: string, actor: Actor) {
    const idx = this.engine.index;
    return this.removeDoc('access_levels', id, actor, () => [
      ...[...idx.groups.values()].filter((g) => g.levelIds.includes(id)).map((g) => `group ${g.id}`),
      ...[...idx.cardholders.values()]
        .filter((c) => c.levelIds.includes(id))
        .map((c) => `cardholder ${c.id}`),
    ]);
  }

  async saveGroup(input: z.output<typeof GroupInput>, actor: Actor, mode: 'create' | 'update') {
    this.requireAll('level', input.levelIds, (i) => this.engine.index.levels.has(i));
    return this.save('access_groups', input, actor, mode);
  }
  async deleteGroup(id: string, actor: Actor) {
    return this.removeDoc('access_groups', id, actor, () =>
      [...this.engine.index.cardholders.values()]
        .filter((c) => c.groupIds.includes(id))
        .map((c) => `cardholder ${c.id}`),
    );
  }

  // ---------- cardholders and credentials ----------

  private checkCardholderRefs(c: { levelIds: string[]; groupIds: string[] }): void {
    const idx = this.engine.index;
    this.requireAll('level', c.levelIds, (i) => idx.levels.has(i));
    this.requireAll('group', c.groupIds, (i) => idx.groups.has(i));
  }

  createCardholder(input: z.output<typeof CardholderInput>, actor: Actor): Promise<Cardholder> {
    return this.exclusive(async () => {
      this.checkCardholderRefs(input);
      if (input.employeeNumber && this.store.cardholderByEmployeeNumber(input.employeeNumber)) {
        throw conflict(
          'cardholder.employee-number-taken',
          `employee number ${input.employeeNumber} is taken`,
        );
      }
      const c: Cardholder = { ...input, id: input.id ?? randomUUID(), hasPhoto: false };
      return this.save('cardholders', c, actor, 'create');
    });
  }

  updateCardholder(id: string, patch: z.output<typeof CardholderPatch>, actor: Actor): Promise<Cardholder> {
    return this.exclusive(async () => {
      const before = this.get('cardholders', id);
      const after: Cardholder = { ...before, ...patch };
      this.checkCardholderRefs(after);
      if (
        after.employeeNumber &&
        after.employeeNumber !== before.employeeNumber &&
        this.store.cardholderByEmployeeNumber(after.employeeNumber)
      ) {
        throw conflict(
          'cardholder.employee-number-taken',
          `employee number ${after.employeeNumber} is taken`,
        );
      }
      return this.save('cardholders', after, actor, 'update');
    });
  }

  setPhoto(id: string, contentType: string, data: Buffer, actor: Actor): Promise<void> {
    return this.exclusive(async () => {
      const c = this.get('cardholders', id);
      const jpeg = data[0] === 0xff && data[1] === 0xd8;
      const png = data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      if (!(jpeg && contentType === 'image/jpeg') && !(png && contentType === 'image/png')) {
        throw new DomainError(
          'invalid',
          'cardholder.bad-photo',
          'a photo is a JPEG or PNG whose bytes match its content type',
        );
      }
      await this.record(
        'cardholder.photo-changed',
        actor,
        { id, bytes: data.length, contentType },
        [{ kind: 'person', id }],
        () => {
          this.store.putPhoto(id, contentType, data);
          this.store.put('cardholders', { ...c, hasPhoto: true });
        },
      );
      this.engine.index.cardholders.set(id, { ...c, hasPhoto: true });
    });
  }

  photo(id: string) {
    const p = this.store.photo(id);
    if (!p) throw notFound('photo', id);
    return p;
  }

  credentialView(c: CredentialRecord): Credential {
    const { pinHash: _p, duressPinHash: _d, ...view } = c;
    return view;
  }

  credentialsOf(cardholderId: string): Credential[] {
    this.get('cardholders', cardholderId);
    return this.store.credentialsOf(cardholderId).map((c) => this.credentialView(c));
  }

  getCredential(id: string): Credential {
    const c = this.store.credential(id);
    if (!c) throw notFound('credential', id);
    return this.credentialView(c);
  }

  /** The canonical number of a credential, or a clear refusal naming the field and its range. */
  private credentialNumber(format: CredentialFormat, number: string): string {
    const checked = checkCredentialNumber(format, number);
    if (!checked.ok)
      throw new DomainError(
        'invalid',
        'credential.bad-number',
        `${checked.message} (got "${number.slice(0, 64)}")`,
        {
          format,
          field: checked.field,
        },
      );
    return checked.number;
  }

  private checkWindow(validFrom: number | null, validUntil: number | null): void {
    if (validFrom !== null && validUntil !== null && validUntil <= validFrom) {
      throw new DomainError('invalid', 'credential.bad-window', 'validUntil must come after validFrom');
    }
  }

  createCredential(input: z.output<typeof CredentialInput>, actor: Actor): Promise<Credential> {
    return this.exclusive(async () => {
      this.get('cardholders', input.cardholderId);
      const number = this.credentialNumber(input.format, input.number);
      const existing = this.store.credentialByNumber(input.format, number);
      if (existing)
        throw conflict(
          'credential.duplicate',
          `credential ${input.format} ${number} already belongs to a cardholder`,
          { credentialId: existing.id },
        );
      const validFrom = input.validFrom ? Date.parse(input.validFrom) : null;
      const validUntil = input.validUntil ? Date.parse(input.validUntil) : null;
      this.checkWindow(validFrom, validUntil);
      if (input.pin && input.duressPin && input.pin === input.duressPin)
        throw new DomainError(
          'invalid',
          'credential.duress-equals-pin',
          'the duress PIN must differ from the PIN',
        );
      const record: CredentialRecord = {
        id: input.id ?? randomUUID(),
        cardholderId: input.cardholderId,
        format: input.format,
        number,
        hasPin: Boolean(input.pin),
        hasDuressPin: Boolean(input.duressPin),
        pinHash: input.pin ? await argon2.hash(input.pin, PIN_HASH) : null,
        duressPinHash: input.duressPin ? await argon2.hash(input.duressPin, PIN_HASH) : null,
        validFrom,
        validUntil,
        state: input.state,
        expireUnusedDays: input.expireUnusedDays,
        lastUsedAt: null,
        createdAt: this.clock.now().getTime(),
      };
      await this.record(
        'credential.created',
        actor,
        {
          id: record.id,
          format: record.format,
          number: record.number,
          state: record.state,
          hasPin: record.hasPin,
        },
        [
          { kind: 'credential', id: record.id },
          { kind: 'person', id: record.cardholderId },
        ],
        () => this.store.putCredential(record),
      );
      this.engine.index.putCredential(record);
      return this.credentialView(record);
    });
  }

  updateCredential(id: string, patch: z.output<typeof CredentialPatch>, actor: Actor): Promise<Credential> {
    return this.exclusive(async () => {
      const before = this.store.credential(id);
      if (!before) throw notFound('credential', id);
      const after: CredentialRecord = { ...before };
      if (patch.state !== undefined) after.state = patch.state;
      if (patch.expireUnusedDays !== undefined) after.expireUnusedDays = patch.expireUnusedDays;
      if (patch.validFrom !== undefined)
        after.validFrom = patch.validFrom ? Date.parse(patch.validFrom) : null;
      if (patch.validUntil !== undefined)
        after.validUntil = patch.validUntil ? Date.parse(patch.validUntil) : null;
      this.checkWindow(after.validFrom, after.validUntil);
      if (patch.pin !== undefined) {
        after.pinHash = patch.pin ? await argon2.hash(patch.pin, PIN_HASH) : null;
        after.hasPin = Boolean(patch.pin);
      }
      if (patch.duressPin !== undefined) {
        after.duressPinHash = patch.duressPin ? await argon2.hash(patch.duressPin, PIN_HASH) : null;
        after.hasDuressPin = Boolean(patch.duressPin);
      }
      const changes = diff(this.credentialView(before), this.credentialView(after));
      if (patch.pin !== undefined)
        changes.pin = { from: before.hasPin ? 'set' : 'none', to: after.hasPin ? 'set' : 'none' };
      if (patch.duressPin !== undefined)
        changes.duressPin = {
          from: before.hasDuressPin ? 'set' : 'none',
          to: after.hasDuressPin ? 'set' : 'none',
        };
      await this.record(
        'credential.updated',
        actor,
        { id, changes },
        [
          { kind: 'credential', id },
          { kind: 'person', id: after.cardholderId },
        ],
        () => this.store.putCredential(after),
      );
      this.engine.index.putCredential(after);
      return this.credentialView(after);
    });
  }

  deleteCredential(id: string, actor: Actor): Promise<void> {
    return this.exclusive(async () => {
      const c = this.store.credential(id);
      if (!c) throw notFound('credential', id);
      await this.record(
        'credential.deleted',
        actor,
        { id, format: c.format, number: c.number },
        [
          { kind: 'credential', id },
          { kind: 'person', id: c.cardholderId },
        ],
        () => this.store.removeCredential(id),
      );
      this.engine.index.removeCredential(id);
    });
  }

  // ---------- decisions ----------

  private async checkPin(credential: CredentialRecord | undefined, pin: string): Promise<PinOutcome> {
    if (!credential || !/^\d{1,12}$/.test(pin)) return 'wrong';
    const [ok, duress] = await Promise.all([
      credential.pinHash ? argon2.verify(credential.pinHash, pin).catch(() => false) : Promise.resolve(false),
      credential.duressPinHash
        ? argon2.verify(credential.duressPinHash, pin).catch(() => false)
        : Promise.resolve(false),
    ]);
    return duress ? 'duress' : ok ? 'ok' : 'wrong';
  }

  /**
   * A credential at a reader. The card part is decided synchronously from the
   * index; only a typed PIN waits for its hash check. The decision is journaled
   * and announced on the bus without waiting for the journal's commit.
   */
  async present(p: CredentialPresented): Promise<Decision> {
    const before = this.presenceBefore(p);
    const first = this.engine.decide({ readerId: p.readerId, format: p.format, number: p.number, at: p.at });
    this.exitWithoutEntry(first, before);
    if (first.reason !== 'pin-required' || p.pin === undefined) {
      if (first.reason === 'pin-required')
        this.pendingPins.set(p.readerId, { presented: p, until: p.at + PIN_WAIT_MS });
      return this.finish(first, p);
    }
    return this.withPin(p, p.pin);
  }

  /** Digits typed after a card at a card-and-PIN door ("#" ends the entry, "*" clears). */
  async keypad(readerId: string, digits: string, at: number): Promise<Decision | null> {
    const pending = this.pendingPins.get(readerId);
    if (!pending || pending.until < at) {
      this.pendingPins.delete(readerId);
      return null;
    }
    this.pendingPins.delete(readerId);
    return this.withPin({ ...pending.presented, at }, digits.replace(/#$/, ''));
  }

  private async withPin(p: CredentialPresented, pin: string): Promise<Decision> {
    const credential = this.engine.index.credentials.get(`${p.format}/${p.number}`);
    const outcome = await this.checkPin(credential, pin);
    const before = this.presenceBefore(p);
    const d = this.engine.decide({
      readerId: p.readerId,
      format: p.format,
      number: p.number,
      at: p.at,
      pin: outcome,
    });
    this.exitWithoutEntry(d, before);
    return this.finish(d, p);
  }

  private presenceBefore(p: CredentialPresented) {
    const holder = this.engine.index.credentials.get(`${p.format}/${p.number}`)?.cardholderId;
    return holder ? this.engine.presence.get(holder) : undefined;
  }

  /**
   * A tailgating indication: an exit by someone last seen somewhere other than
   * inside this door means they came in on someone else's card. (With
   * anti-passback on, the engine itself refuses or flags it.)
   */
  private exitWithoutEntry(d: Decision, before: { zone: string } | undefined): void {
    if (!d.grant || d.direction !== 'exit' || !d.doorId || !before) return;
    const door = this.engine.index.doors.get(d.doorId);
    if (!door || door.antiPassback !== 'none' || before.zone === door.zoneIn) return;
    d.alarms.push({
      type: 'tailgating',
      priority: 'medium',
      silent: false,
      detail: `exit with no entry (last seen in ${before.zone})`,
    });
  }

  private finish(d: Decision, p: CredentialPresented): Decision {
    const subjects: SubjectRef[] = [{ kind: 'reader', id: d.readerId }];
    if (d.doorId) subjects.push({ kind: 'door', id: d.doorId });
    if (d.cardholderId) subjects.push({ kind: 'person', id: d.cardholderId });
    if (d.credentialId) subjects.push({ kind: 'credential', id: d.credentialId });
    if (d.presenceZone) subjects.push({ kind: 'zone', id: d.presenceZone });
    this.journal
      .append({
        type: d.grant ? 'access.granted' : 'access.denied',
        source: `reader:${d.readerId}`,
        subjects,
        timeSource: p.sourceTime ? 'device' : 'gateway',
        ...(p.sourceTime ? { sourceTime: p.sourceTime } : {}),
        // The credential as presented (format, number, raw bits) is kept with the decision.
        payload: json({
          reason: d.reason,
          readerId: d.readerId,
          doorId: d.doorId,
          direction: d.direction,
          mode: d.mode,
          cardholderId: d.cardholderId,
          credentialId: d.credentialId,
          presenceZone: d.presenceZone,
          at: d.at,
          credential: {
            format: p.format,
            number: p.number,
            raw: p.raw ?? null,
            interpretations: p.interpretations ?? null,
          },
          alarms: d.alarms,
        }),
      })
      .catch(() => undefined);
    // The alarm service keeps and journals alarms; decisions only announce them.
    for (const a of d.alarms) {
      this.bus?.emit('alarm.raised', {
        ...a,
        doorId: d.doorId,
        readerId: d.readerId,
        cardholderId: d.cardholderId,
        at: d.at,
      });
    }
    this.bus?.emit('access.decided', {
      readerId: d.readerId,
      doorId: d.doorId,
      grant: d.grant,
      reason: d.reason,
      unlockMs: d.unlockMs,
      awaitingPin: d.reason === 'pin-required',
      cardholderId: d.cardholderId,
      at: d.at,
    });
    return d;
  }

  /** A decision as it would be made, without changing any state or opening anything (the facility manager's tester). */
  simulate(readerId: string, format: string, number: string, at: number, pin?: PinOutcome): Decision {
    const probe = new AccessEngine(this.engine.index);
    for (const [k, v] of this.engine.manualModes) probe.manualModes.set(k, v);
    for (const [k, v] of this.engine.presence) probe.presence.set(k, v);
    for (const [k, v] of this.engine.credentialUse) probe.credentialUse.set(k, v);
    return probe.decide({ readerId, format, number, at, pin });
  }

  // ---------- guards ----------

  doorStates(): DoorState[] {
    const now = this.clock.now().getTime();
    return [...this.engine.index.doors.values()].map((d) => {
      const manual = this.engine.manualModes.get(d.id);
      return {
        doorId: d.id,
        name: d.name,
        mode: this.engine.effectiveMode(d, now),
        manual: manual && (manual.until === null || manual.until > now) ? { ...manual, doorId: d.id } : null,
      };
    });
  }

  async unlockMomentarily(doorId: string, reason: string, actor: Actor): Promise<void> {
    const door = this.engine.index.doors.get(doorId);
    if (!door) throw notFound('door', doorId);
    // Journaled (committed) before the strike is told: no door opens on a command that is not on record.
    await this.record('door.remote-unlock', actor, { doorId, ms: door.unlockMs, reason }, [
      { kind: 'door', id: doorId },
    ]);
    this.bus?.emit('door.command', { doorId, action: 'pulse', ms: door.unlockMs, reason });
  }

  private async setModes(
    doorIds: string[],
    mode: DoorMode | null,
    untilMs: number | null,
    reason: string,
    actor: Actor,
    type: string,
  ): Promise<void> {
    const now = this.clock.now().getTime();
    const by = actor.name ?? actor.id ?? actor.kind;
    await this.record(
      type,
      actor,
      { doors: doorIds, mode, until: untilMs === null ? null : new Date(untilMs).toISOString(), reason },
      doorIds.slice(0, 50).map((id) => ({ kind: 'door' as const, id })),
      () => {
        for (const id of doorIds)
          this.store.setOverride(id, mode ? { mode, until: untilMs, by, reason } : null, now);
      },
    );
    for (const id of doorIds) {
      if (mode) this.engine.manualModes.set(id, { mode, until: untilMs, by, reason });
      else this.engine.manualModes.delete(id);
      const effective = this.engine.effectiveMode(this.engine.index.doors.get(id)!, now);
      this.bus?.emit('door.mode-changed', { doorId: id, mode: effective, until: untilMs, by, reason });
    }
  }

  /** A guard's mode for a door: unlocked, locked, card-and-PIN…, until a time or until changed; null returns to normal. */
  async setDoorMode(
    doorId: string,
    mode: DoorMode | null,
    untilMs: number | null,
    reason: string,
    actor: Actor,
  ) {
    if (!this.engine.index.doors.has(doorId)) throw notFound('door', doorId);
    if (mode === 'lockdown' || mode === 'emergency')
      throw new DomainError(
        'invalid',
        'door.mode-via-lockdown',
        'use lockdown or emergency release for those modes',
      );
    if (untilMs !== null && untilMs <= this.clock.now().getTime())
      throw new DomainError('invalid', 'door.until-past', 'the end of a manual mode must be in the future');
    return this.setModes(
      [doorId],
      mode,
      untilMs,
      reason,
      actor,
      mode ? 'door.mode-set' : 'door.mode-cleared',
    );
  }

  /** Lockdown (privileged people only) or emergency release (everything open) of the given doors, or all. */
  async lockdown(kind: 'lockdown' | 'emergency', doorIds: string[] | 'all', reason: string, actor: Actor) {
    const ids = doorIds === 'all' ? [...this.engine.index.doors.keys()] : doorIds;
    this.requireAll('door', ids, (i) => this.engine.index.doors.has(i));
    return this.setModes(
      ids,
      kind,
      null,
      reason,
      actor,
      kind === 'lockdown' ? 'door.lockdown-started' : 'door.emergency-release-started',
    );
  }

  /**
   * Ends lockdown or emergency release wherever it is set. Doors return to their
   * normal (or scheduled) mode; a manual unlock that the lockdown replaced is
   * deliberately not restored: after an incident nothing should reopen by itself.
   */
  async releaseLockdown(reason: string, actor: Actor) {
    const ids = [...this.engine.manualModes]
      .filter(([, m]) => m.mode === 'lockdown' || m.mode === 'emergency')
      .map(([id]) => id);
    return this.setModes(ids, null, null, reason, actor, 'door.lockdown-released');
  }

  async forgive(cardholderId: string | null, reason: string, actor: Actor): Promise<number> {
    if (cardholderId) this.get('cardholders', cardholderId);
    const presence = this.engine.presence;
    const n = cardholderId === null ? presence.size : presence.has(cardholderId) ? 1 : 0;
    // The record first: the stored presence is cleared in its transaction (the projector), and only
    // once it is committed does the engine forget; a journal that fails leaves both as they were.
    await this.journal.append({
      type: 'access.passback-forgiven',
      source: 'access',
      actor,
      subjects: cardholderId ? [{ kind: 'person', id: cardholderId }] : [],
      payload: json({ cardholderId, reason, forgiven: n }),
    });
    this.engine.forgive(cardholderId ?? undefined);
    return n;
  }

  presenceList() {
    return [...this.engine.presence].map(([cardholderId, p]) => ({
      cardholderId,
      name: this.engine.index.cardholders.get(cardholderId)?.name ?? null,
      zone: p.zone,
      since: new Date(p.at).toISOString(),
      doorId: p.doorId,
    }));
  }
}
