import type { Db, Statement } from '@gatehouse/storage';
import type { CardholderClear, CardholderSealing, SealedCardholder } from './cardholder-sealing';
import type { AccessSnapshot, CredentialRecord } from './index-data';
import type { AccessLevel, Cardholder, Credential, Door, Group, Holiday, Schedule, Zone } from './model';
import type { ManualMode, Presence } from './engine';

export type DocumentTable =
  | 'access_zones'
  | 'access_doors'
  | 'access_schedules'
  | 'access_holidays'
  | 'access_levels'
  | 'access_groups'
  | 'cardholders';

export interface DocumentTypes {
  access_zones: Zone;
  access_doors: Door;
  access_schedules: Schedule;
  access_holidays: Holiday;
  access_levels: AccessLevel;
  access_groups: Group;
  cardholders: Cardholder;
}

type CredentialRow = { data: string; pin_hash: string | null; duress_pin_hash: string | null };
type CardholderRow = { id: string; data: string; sealed: string | null };
/** A row written before cardholders were sealed (its `data` still has the name), until the start seals it. */
type LegacyCardholder = CardholderClear & Partial<Cardholder>;

/**
 * Records with one fixed field order: objects of the same shape share V8's
 * compact layout. (Spreading a parsed row and adding fields made dictionary-mode
 * objects at twice the memory: 127 MB against 60 MB for 250,000 records.)
 */
const credentialFrom = (r: CredentialRow): CredentialRecord => {
  const d = JSON.parse(r.data) as Credential;
  return {
    id: d.id,
    cardholderId: d.cardholderId,
    format: d.format,
    number: d.number,
    hasPin: d.hasPin,
    hasDuressPin: d.hasDuressPin,
    pinHash: r.pin_hash,
    duressPinHash: r.duress_pin_hash,
    validFrom: d.validFrom,
    validUntil: d.validUntil,
    state: d.state,
    expireUnusedDays: d.expireUnusedDays,
    lastUsedAt: d.lastUsedAt,
    createdAt: d.createdAt,
  };
};

export const cardholderFrom = (d: Cardholder): Cardholder => ({
  id: d.id,
  name: d.name,
  employeeNumber: d.employeeNumber,
  department: d.department,
  directoryAccount: d.directoryAccount,
  kind: d.kind,
  state: d.state,
  privileged: d.privileged,
  watchListed: d.watchListed,
  levelIds: d.levelIds,
  groupIds: d.groupIds,
  hasPhoto: d.hasPhoto,
});

/**
 * Access records in SQLite; the service holds the rules, this only reads and
 * writes. A cardholder's personal fields and photo are sealed by `sealing`
 * on the way in and opened on the way out: the database holds them only as
 * ciphertext (and keyed digests for uniqueness and search).
 */
export class AccessStore {
  /** Statements prepared once: an import puts thousands of rows, and preparing each cost a third of its lock time. */
  private readonly statements = new Map<string, Statement>();

  constructor(
    readonly db: Db,
    readonly sealing: CardholderSealing,
  ) {}

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[]>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  all<K extends DocumentTable>(table: K): DocumentTypes[K][] {
    if (table === 'cardholders')
      return (this.prepare('SELECT id, data, sealed FROM cardholders').all() as CardholderRow[]).map((r) =>
        this.openRow(r),
      ) as DocumentTypes[K][];
    return (this.prepare(`SELECT data FROM ${table}`).pluck().all() as string[]).map(
      (d) => JSON.parse(d) as DocumentTypes[K],
    );
  }
  get<K extends DocumentTable>(table: K, id: string): DocumentTypes[K] | undefined {
    if (table === 'cardholders') {
      const r = this.prepare('SELECT id, data, sealed FROM cardholders WHERE id = ?').get(id) as
        CardholderRow | undefined;
      return r && (this.openRow(r) as DocumentTypes[K]);
    }
    const data = this.prepare(`SELECT data FROM ${table} WHERE id = ?`).pluck().get(id) as string | undefined;
    return data === undefined ? undefined : (JSON.parse(data) as DocumentTypes[K]);
  }
  put<K extends DocumentTable>(table: K, doc: DocumentTypes[K] & { id: string }): void {
    if (table === 'cardholders') {
      this.putSealedCardholder(this.sealing.seal(doc as Cardholder));
      return;
    }
    this.prepare(
      `INSERT INTO ${table} (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data`,
    ).run(doc.id, JSON.stringify(doc));
  }
  remove(table: DocumentTable, id: string): boolean {
    if (table === 'cardholders') this.prepare('DELETE FROM privacy_blind_index WHERE person_id = ?').run(id);
    return this.prepare(`DELETE FROM ${table} WHERE id = ?`).run(id).changes > 0;
  }

  private openRow(r: CardholderRow): Cardholder {
    const clear = JSON.parse(r.data) as LegacyCardholder;
    if (typeof clear.name === 'string') return cardholderFrom(clear as Cardholder);
    return this.sealing.open(r.id, clear, r.sealed).cardholder;
  }

  /**
   * Seals cardholders for a writer that holds no key (the import's worker):
   * nothing is written here; a new person's wrapped key travels with the row.
   */
  sealCardholders(cardholders: readonly Cardholder[]): SealedCardholder[] {
    return cardholders.map((c) => this.sealing.seal(c, { detached: true }));
  }

  /**
   * Writes a row sealed already, with its blind-index rows and, for a new
   * person sealed elsewhere, their wrapped key (in the caller's transaction, if any).
   */
  putSealedCardholder(row: SealedCardholder): void {
    if (row.newKey)
      this.prepare(
        'INSERT INTO privacy_person_keys (person_id, wrapped, key_version, created_at) VALUES (?, ?, ?, ?)',
      ).run(row.id, Buffer.from(row.newKey.wrapped, 'hex'), row.newKey.keyVersion, row.newKey.createdAt);
    this.prepare(
      'INSERT INTO cardholders (id, data, sealed, employee_number_mac) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data, sealed = excluded.sealed, employee_number_mac = excluded.employee_number_mac',
    ).run(
      row.id,
      row.data,
      row.sealed,
      row.employeeNumberMac === null ? null : Buffer.from(row.employeeNumberMac, 'hex'),
    );
    this.prepare('DELETE FROM privacy_blind_index WHERE person_id = ?').run(row.id);
    const insert = this.prepare(
      "INSERT OR IGNORE INTO privacy_blind_index (kind, digest, person_id) VALUES ('name', ?, ?)",
    );
    for (const d of row.nameDigests) insert.run(Buffer.from(d, 'hex'), row.id);
  }

  cardholderByEmployeeNumber(employeeNumber: string): Cardholder | undefined {
    const r = this.prepare('SELECT id, data, sealed FROM cardholders WHERE employee_number_mac = ?').get(
      Buffer.from(this.sealing.employeeNumberMac(employeeNumber), 'hex'),
    ) as CardholderRow | undefined;
    return r && this.openRow(r);
  }

  /**
   * Cardholders by name through the blind index (whole tokens: "smith",
   * "anna smith"), for a look-up that does not hold the decision index; the
   * console's search reads the index in memory, which also finds substrings.
   */
  cardholdersNamed(query: string, limit?: number): Cardholder[] {
    return this.sealing
      .searchName(query, limit)
      .map((id) => this.get('cardholders', id))
      .filter((c): c is Cardholder => c !== undefined);
  }

  /** Cardholders still stored in clear (written before they were sealed), a batch at a time. */
  clearCardholderIds(limit: number): string[] {
    return this.prepare("SELECT id FROM cardholders WHERE json_extract(data, '$.name') IS NOT NULL LIMIT ?")
      .pluck()
      .all(limit) as string[];
  }
  clearPhotoIds(limit: number): string[] {
    return this.prepare('SELECT cardholder_id FROM cardholder_photos WHERE sealed IS NULL LIMIT ?')
      .pluck()
      .all(limit) as string[];
  }

  credentials(): CredentialRecord[] {
    return (
      this.prepare('SELECT data, pin_hash, duress_pin_hash FROM credentials').all() as CredentialRow[]
    ).map(credentialFrom);
  }
  credential(id: string): CredentialRecord | undefined {
    const r = this.prepare('SELECT data, pin_hash, duress_pin_hash FROM credentials WHERE id = ?').get(id) as
      CredentialRow | undefined;
    return r ? credentialFrom(r) : undefined;
  }
  credentialByNumber(format: string, number: string): CredentialRecord | undefined {
    const idOf = this.prepare('SELECT id FROM credentials WHERE format = ? AND number = ?')
      .pluck()
      .get(format, number) as string | undefined;
    return idOf === undefined ? undefined : this.credential(idOf);
  }
  credentialsOf(cardholderId: string): CredentialRecord[] {
    const ids = this.prepare('SELECT id FROM credentials WHERE cardholder_id = ?')
      .pluck()
      .all(cardholderId) as string[];
    return ids.map((i) => this.credential(i)!);
  }
  putCredential(c: CredentialRecord): void {
    const { pinHash, duressPinHash, ...doc } = c;
    this.prepare(
      'INSERT INTO credentials (id, data, pin_hash, duress_pin_hash) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data, pin_hash = excluded.pin_hash, duress_pin_hash = excluded.duress_pin_hash',
    ).run(c.id, JSON.stringify(doc), pinHash, duressPinHash);
  }
  removeCredential(id: string): boolean {
    return this.prepare('DELETE FROM credentials WHERE id = ?').run(id).changes > 0;
  }
  touchCredential(id: string, at: number): void {
    this.prepare("UPDATE credentials SET data = json_set(data, '$.lastUsedAt', ?) WHERE id = ?").run(at, id);
  }

  snapshot(): AccessSnapshot {
    return {
      zones: this.all('access_zones'),
      doors: this.all('access_doors'),
      schedules: this.all('access_schedules'),
      holidays: this.all('access_holidays'),
      levels: this.all('access_levels'),
      groups: this.all('access_groups'),
      cardholders: this.all('cardholders'),
      credentials: this.credentials(),
    };
  }

  /** The photo, opened; none when the person was erased or its ciphertext does not open. */
  photo(cardholderId: string): { contentType: string; data: Buffer } | undefined {
    const r = this.prepare(
      'SELECT content_type, data, sealed FROM cardholder_photos WHERE cardholder_id = ?',
    ).get(cardholderId) as { content_type: string; data: Buffer; sealed: string | null } | undefined;
    if (!r) return undefined;
    if (r.sealed === null) return { contentType: r.content_type, data: r.data };
    const data = this.sealing.openPhoto(cardholderId, r.sealed);
    return data ? { contentType: r.content_type, data } : undefined;
  }
  putPhoto(cardholderId: string, contentType: string, data: Buffer): void {
    this.prepare(
      "INSERT INTO cardholder_photos (cardholder_id, content_type, data, sealed) VALUES (?, ?, X'', ?) ON CONFLICT(cardholder_id) DO UPDATE SET content_type = excluded.content_type, data = excluded.data, sealed = excluded.sealed",
    ).run(cardholderId, contentType, this.sealing.sealPhoto(cardholderId, data));
  }

  removePhoto(cardholderId: string): void {
    this.prepare('DELETE FROM cardholder_photos WHERE cardholder_id = ?').run(cardholderId);
  }

  overrides(): (ManualMode & { doorId: string })[] {
    return (
      this.prepare('SELECT * FROM door_overrides').all() as {
        door_id: string;
        mode: ManualMode['mode'];
        until_ms: number | null;
        set_by: string;
        reason: string;
        set_at: number;
      }[]
    ).map((r) => ({
      doorId: r.door_id,
      mode: r.mode,
      until: r.until_ms,
      by: r.set_by,
      reason: r.reason,
      since: r.set_at,
    }));
  }
  setOverride(doorId: string, m: ManualMode | null, at: number): void {
    if (!m) this.prepare('DELETE FROM door_overrides WHERE door_id = ?').run(doorId);
    else
      this.db
        .prepare(
          'INSERT INTO door_overrides (door_id, mode, until_ms, set_by, reason, set_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(door_id) DO UPDATE SET mode = excluded.mode, until_ms = excluded.until_ms, set_by = excluded.set_by, reason = excluded.reason, set_at = excluded.set_at',
        )
        .run(doorId, m.mode, m.until, m.by, m.reason, at);
  }

  presence(): (Presence & { cardholderId: string })[] {
    return (
      this.prepare('SELECT * FROM presence').all() as {
        cardholder_id: string;
        zone: string;
        at_ms: number;
        door_id: string;
      }[]
    ).map((r) => ({
      cardholderId: r.cardholder_id,
      zone: r.zone,
      at: r.at_ms,
      doorId: r.door_id,
    }));
  }
  setPresence(cardholderId: string, p: Presence | null): void {
    if (!p) this.prepare('DELETE FROM presence WHERE cardholder_id = ?').run(cardholderId);
    else
      this.db
        .prepare(
          'INSERT INTO presence (cardholder_id, zone, at_ms, door_id) VALUES (?, ?, ?, ?) ON CONFLICT(cardholder_id) DO UPDATE SET zone = excluded.zone, at_ms = excluded.at_ms, door_id = excluded.door_id',
        )
        .run(cardholderId, p.zone, p.at, p.doorId);
  }
  clearPresence(): void {
    this.prepare('DELETE FROM presence').run();
  }
}
