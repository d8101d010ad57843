import { AsyncLocalStorage } from 'node:async_hooks';
import type { z } from 'zod';
import argon2 from 'argon2';
import {
  type Actor,
  DomainError,
  type JournalEntryInput,
  type SubjectRef,
  timeSlicer,
} from '@gatehouse/contracts';
import { eraseCardholderNow, type PersonErasure } from './erasure';
import {
  type AccessContext,
  changeEntry,
  conflict,
  journalChange,
  json,
  notFound,
  requireAll,
} from './access-context';
import type { CardholderTextField, CredentialRecord } from './index-data';
import type { ImportWriter } from './import-writer';
import { newId } from './ids';
import { inTimeSlices } from './import-slices';
import { personalChanges } from './personal-paths';
import { type Cardholder, type Credential, type CredentialFormat, OUTSIDE_ZONE } from './model';
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
import type { DocumentTable, DocumentTypes } from './store';

/** PINs are argon2id like passwords; their short length is why the attempts are limited per credential. */
const PIN_HASH = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

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

/**
 * Creates the outside world, a zone every site has (doors lead in from it),
 * with its entry like any zone; before the decision index is first built.
 */
export const ensureOutsideZone = (ctx: Pick<AccessContext, 'store' | 'journal'>): void => {
  if (ctx.store.get('access_zones', OUTSIDE_ZONE)) return;
  const outside = { id: OUTSIDE_ZONE, name: 'Outside', parentId: null };
  ctx.journal.appendAll(
    [
      {
        type: 'zone.created',
        source: 'access',
        actor: { kind: 'system', name: 'built-in' },
        subjects: [{ kind: 'zone', id: OUTSIDE_ZONE }],
        payload: json({ id: OUTSIDE_ZONE, changes: diff(undefined, outside), builtIn: true }),
      },
    ],
    () => ctx.store.put('access_zones', outside),
  );
};

/**
 * What an import writes (`AccessRecords.commitImport`): `entries` and
 * `cardholders` are taken out once used; `indexed` are the cardholders as the
 * decision index holds them.
 */
export interface ImportCommit {
  entries: readonly JournalEntryInput[];
  cardholders: readonly Cardholder[];
  credentials: readonly CredentialRecord[];
  indexed: readonly Cardholder[];
}

/**
 * Administration of the site's records (zones, doors, schedules, holidays,
 * levels, groups, cardholders, credentials, photos): each change is journaled
 * with its store write in one transaction, then applied to the decision index.
 */
export class AccessRecords {
  constructor(private readonly ctx: AccessContext) {}

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

  /**
   * Writes an import's records with their journal entries in one transaction,
   * then puts them in the decision index (`indexed`: the cardholders as the
   * index holds them) in one step for decisions. No other change of records
   * runs in between: one that read a record before the import's write would
   * undo the import's change of it, and one made while the index takes the
   * import in would be lost from the index.
   */
  commitImport(work: ImportCommit): Promise<void> {
    return this.exclusive(async () => {
      await this.writeImport(work);
      await this.ctx.engine.index.putAll(work.indexed, work.credentials, timeSlicer());
    });
  }

  /**
   * The import's transaction. Its entries and records are taken out of `work`
   * as they are handed on, and no frame here holds them while the worker
   * writes or the index takes the import in: kept alive, they were carried
   * through every collection meanwhile.
   */
  private async writeImport(work: ImportCommit): Promise<void> {
    const take = <K extends 'entries' | 'cardholders'>(key: K): ImportCommit[K] => {
      const taken = work[key];
      work[key] = [];
      return taken;
    };
    // Sealed here: the worker thread's journal has no keys and stores what it is given.
    if (this.importWriter)
      return this.importWriter(
        await this.sealInSlices(take('entries')),
        take('cardholders'),
        work.credentials,
      );
    const cardholders = take('cardholders');
    this.ctx.journal.appendAll(take('entries'), () => {
      for (const c of cardholders) this.ctx.store.put('cardholders', c);
      for (const c of work.credentials) this.ctx.store.putCredential(c);
    });
  }

  /**
   * An import's entries with their personal values sealed between turns of
   * the event loop: tens of thousands of values to seal, and a key to make
   * and store for each new person. Each slice is one write transaction that
   * seals entries until the slice's time is used: a batch of a fixed count
   * was too long for slow entries (32 new people held the loop 22 ms on a
   * core), and one transaction per entry would sync the disk for each.
   */
  private sealInSlices(entries: readonly JournalEntryInput[]): Promise<JournalEntryInput[]> {
    // The journal's own transaction for an entry's keys joins the slice's (a savepoint): one commit a slice.
    return inTimeSlices(
      entries,
      (entry) => this.ctx.journal.sealAll([entry]),
      timeSlicer(),
      (slice) => this.ctx.store.transaction(slice),
    );
  }

  // ---------- generic documents ----------

  list<K extends DocumentTable>(table: K): DocumentTypes[K][] {
    return this.ctx.store.all(table);
  }

  get<K extends DocumentTable>(table: K, id: string): DocumentTypes[K] {
    const doc = this.ctx.store.get(table, id);
    if (!doc) throw notFound(CATEGORY[table].type.split('.').pop()!, id);
    return doc;
  }

  /** Cardholders matching a search, by name, from the decision index (see `AccessIndex.searchCardholders`). */
  searchCardholders(query: {
    text?: string;
    fields: readonly CardholderTextField[];
    state?: Cardholder['state'];
  }): Cardholder[] {
    return this.ctx.engine.index.searchCardholders(query);
  }

  /** Which doors a cardholder can open, and whether at `at` (now by the clock), from the decision index. */
  doorsOf(cardholderId: string, at = this.ctx.clock.now().getTime()) {
    return this.ctx.engine.doorsOf(cardholderId, at);
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
    const before = this.ctx.store.get(table, doc.id);
    const what = CATEGORY[table];
    if (mode === 'create' && before) throw conflict(`${what.type}.exists`, `${what.type} "${doc.id}" exists`);
    if (mode === 'update' && !before) throw notFound(what.type, doc.id);
    const changes = diff(before, doc);
    if (mode === 'update' && Object.keys(changes).length === 0) return doc;
    await journalChange(
      this.ctx.journal,
      `${what.type}.${mode === 'create' ? 'created' : 'updated'}`,
      actor,
      { id: doc.id, changes },
      what.subject ? [{ kind: what.subject, id: doc.id }] : [],
      () => this.ctx.store.put(table, doc),
      table === 'cardholders' ? personalChanges(doc.id, changes) : undefined,
    );
    this.ctx.engine.index.apply(table, doc);
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
    if (!this.ctx.store.get(table, id)) throw notFound(what.type, id);
    const users = usedBy();
    if (users.length > 0)
      throw conflict(
        `${what.type}.in-use`,
        `${what.type} "${id}" is still used by ${users.slice(0, 5).join(', ')}${users.length > 5 ? '…' : ''}`,
        { usedBy: users },
      );
    await journalChange(
      this.ctx.journal,
      `${what.type}.deleted`,
      actor,
      { id },
      what.subject ? [{ kind: what.subject, id }] : [],
      () => this.ctx.store.remove(table, id),
    );
    this.ctx.engine.index.remove(table, id);
  }

  // ---------- zones, doors, schedules, holidays, levels, groups ----------

  async saveZone(input: z.output<typeof ZoneInput>, actor: Actor, mode: 'create' | 'update') {
    if (input.parentId) requireAll('zone', [input.parentId], (i) => this.ctx.engine.index.zones.has(i));
    return this.save('access_zones', input, actor, mode);
  }
  async deleteZone(id: string, actor: Actor) {
    if (id === OUTSIDE_ZONE) throw conflict('zone.builtin', 'the outside zone is built in');
    return this.removeDoc('access_zones', id, actor, () =>
      [...this.ctx.engine.index.doors.values()]
        .filter((d) => d.zoneIn === id || d.zoneOut === id)
        .map((d) => `door ${d.id}`),
    );
  }

  async saveDoor(input: z.output<typeof DoorInput>, actor: Actor, mode: 'create' | 'update') {
    const idx = this.ctx.engine.index;
    requireAll('zone', [input.zoneIn, input.zoneOut], (i) => idx.zones.has(i));
    if (input.unlockScheduleId) requireAll('schedule', [input.unlockScheduleId], (i) => idx.schedules.has(i));
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
      [...this.ctx.engine.index.levelRecords.values()]
        .filter((l) => l.doorIds.includes(id))
        .map((l) => `level ${l.id}`),
    );
  }

  async saveSchedule(input: z.output<typeof ScheduleInput>, actor: Actor, mode: 'create' | 'update') {
    validateSchedule(input);
    return this.save('access_schedules', input, actor, mode);
  }
  async deleteSchedule(id: string, actor: Actor) {
    const idx = this.ctx.engine.index;
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
    const idx = this.ctx.engine.index;
    requireAll('schedule', [input.scheduleId], (i) => idx.schedules.has(i));
    requireAll('door', input.doorIds, (i) => idx.doors.has(i));
    return this.save('access_levels', { ...input, doorIds: [...new Set(input.doorIds)] }, actor, mode);
  }
  async deleteLevel(id: string, actor: Actor) {
    const idx = this.ctx.engine.index;
    return this.removeDoc('access_levels', id, actor, () => [
      ...[...idx.groups.values()].filter((g) => g.levelIds.includes(id)).map((g) => `group ${g.id}`),
      ...[...idx.cardholders.values()]
        .filter((c) => c.levelIds.includes(id))
        .map((c) => `cardholder ${c.id}`),
    ]);
  }

  async saveGroup(input: z.output<typeof GroupInput>, actor: Actor, mode: 'create' | 'update') {
    requireAll('level', input.levelIds, (i) => this.ctx.engine.index.levels.has(i));
    return this.save('access_groups', input, actor, mode);
  }
  async deleteGroup(id: string, actor: Actor) {
    return this.removeDoc('access_groups', id, actor, () =>
      [...this.ctx.engine.index.cardholders.values()]
        .filter((c) => c.groupIds.includes(id))
        .map((c) => `cardholder ${c.id}`),
    );
  }

  // ---------- cardholders and credentials ----------

  private checkCardholderRefs(c: { levelIds: string[]; groupIds: string[] }): void {
    const idx = this.ctx.engine.index;
    requireAll('level', c.levelIds, (i) => idx.levels.has(i));
    requireAll('group', c.groupIds, (i) => idx.groups.has(i));
  }

  createCardholder(input: z.output<typeof CardholderInput>, actor: Actor): Promise<Cardholder> {
    return this.exclusive(async () => {
      this.checkCardholderRefs(input);
      if (input.employeeNumber && this.ctx.store.cardholderByEmployeeNumber(input.employeeNumber)) {
        throw conflict(
          'cardholder.employee-number-taken',
          `employee number ${input.employeeNumber} is taken`,
        );
      }
      const c: Cardholder = { ...input, id: input.id ?? newId(), hasPhoto: false };
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
        this.ctx.store.cardholderByEmployeeNumber(after.employeeNumber)
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
      await journalChange(
        this.ctx.journal,
        'cardholder.photo-changed',
        actor,
        { id, bytes: data.length, contentType },
        [{ kind: 'person', id }],
        () => {
          this.ctx.store.putPhoto(id, contentType, data);
          this.ctx.store.put('cardholders', { ...c, hasPhoto: true });
        },
      );
      this.ctx.engine.index.putCardholder({ ...c, hasPhoto: true });
    });
  }

  photo(id: string) {
    const p = this.ctx.store.photo(id);
    if (!p) throw notFound('photo', id);
    return p;
  }

  /** Erases a cardholder's personal data for good (see `eraseCardholderNow`). */
  eraseCardholder(id: string, reason: string, actor: Actor, erasure: PersonErasure): Promise<Cardholder> {
    return this.exclusive(() => eraseCardholderNow(this.ctx, id, reason, actor, erasure));
  }

  credentialView(c: CredentialRecord): Credential {
    const { pinHash: _p, duressPinHash: _d, ...view } = c;
    return view;
  }

  credentialsOf(cardholderId: string): Credential[] {
    this.get('cardholders', cardholderId);
    return this.ctx.store.credentialsOf(cardholderId).map((c) => this.credentialView(c));
  }

  getCredential(id: string): Credential {
    const c = this.ctx.store.credential(id);
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
      const existing = this.ctx.store.credentialByNumber(input.format, number);
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
        id: input.id ?? newId(),
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
        createdAt: this.ctx.clock.now().getTime(),
      };
      await journalChange(
        this.ctx.journal,
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
        () => this.ctx.store.putCredential(record),
      );
      this.ctx.engine.index.putCredential(record);
      return this.credentialView(record);
    });
  }

  updateCredential(id: string, patch: z.output<typeof CredentialPatch>, actor: Actor): Promise<Credential> {
    return this.exclusive(async () => {
      const before = this.ctx.store.credential(id);
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
      await journalChange(
        this.ctx.journal,
        'credential.updated',
        actor,
        { id, changes },
        [
          { kind: 'credential', id },
          { kind: 'person', id: after.cardholderId },
        ],
        () => this.ctx.store.putCredential(after),
      );
      this.ctx.engine.index.putCredential(after);
      return this.credentialView(after);
    });
  }

  /**
   * A leaver (the directory says the account was disabled or removed): the
   * cardholder's state becomes "left", each of their active credentials is
   * suspended on its own record (so the card's state says why too), and
   * `record(suspended)` (the caller's entry saying why) is journaled, all in one
   * transaction. Made apart, a stop between them left a leaver whose reason was
   * never recorded, or whose cards were never suspended (a later sync sees
   * someone who already left). Returns the ids of the credentials suspended.
   */
  markLeaver(
    id: string,
    actor: Actor,
    record: (suspended: readonly string[]) => JournalEntryInput,
  ): Promise<string[]> {
    return this.exclusive(async () => {
      // After an import, its backlog commits in slices first: `appendAll` would commit it in one go.
      // Nothing awaits between here and the commit, so what is read below is what commits.
      await this.ctx.journal.settled?.();
      const before = this.get('cardholders', id);
      const after: Cardholder = { ...before, state: 'left' };
      const cards = this.ctx.store
        .credentialsOf(id)
        .filter((c) => c.state === 'active')
        .map((c) => ({ before: c, after: { ...c, state: 'suspended' } as CredentialRecord }));
      const suspended = cards.map((c) => c.before.id);
      // The entries `updateCardholder` and `updateCredential` would write, committed together.
      const entries: JournalEntryInput[] = [];
      const changes = diff(before, after);
      if (Object.keys(changes).length > 0)
        entries.push(changeEntry('cardholder.updated', actor, { id, changes }, [{ kind: 'person', id }]));
      for (const c of cards)
        entries.push(
          changeEntry(
            'credential.updated',
            actor,
            { id: c.before.id, changes: diff(this.credentialView(c.before), this.credentialView(c.after)) },
            [
              { kind: 'credential', id: c.before.id },
              { kind: 'person', id },
            ],
          ),
        );
      entries.push(record(suspended));
      this.ctx.journal.appendAll(entries, () => {
        this.ctx.store.put('cardholders', after);
        for (const c of cards) this.ctx.store.putCredential(c.after);
      });
      this.ctx.engine.index.apply('cardholders', after);
      for (const c of cards) this.ctx.engine.index.putCredential(c.after);
      return suspended;
    });
  }

  deleteCredential(id: string, actor: Actor): Promise<void> {
    return this.exclusive(async () => {
      const c = this.ctx.store.credential(id);
      if (!c) throw notFound('credential', id);
      await journalChange(
        this.ctx.journal,
        'credential.deleted',
        actor,
        { id, format: c.format, number: c.number },
        [
          { kind: 'credential', id },
          { kind: 'person', id: c.cardholderId },
        ],
        () => this.ctx.store.removeCredential(id),
      );
      this.ctx.engine.index.removeCredential(id);
    });
  }
}
