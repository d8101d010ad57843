import { hkdfSync, randomBytes } from 'node:crypto';
import { DomainError } from '@gatehouse/contracts';
import type { Db, Statement } from '@gatehouse/storage';
import { atomically } from './atomically';
import { type MasterKey, MasterKeyError } from './master-key';
import { matchMasterKeys, readMasterVersions, versionsInUse } from './master-versions';
import { dropStreamOf, openField, PersonKey, rawKeyOf } from './person-key';
import { unwrapKey, type WrapSubject, wrapKey } from './wrap';

export type KeyLookup =
  { kind: 'key'; key: PersonKey } | { kind: 'erased'; erasedAt: number } | { kind: 'unknown' };

export type FieldReading =
  { kind: 'clear'; value: string } | { kind: 'erased' } | { kind: 'unknown-person' } | { kind: 'unreadable' };

/** How a person whose key was destroyed shows everywhere: records, journal, exports, live views. */
export const ERASED_PERSON = 'erased person';
export const UNREADABLE_FIELD = 'unreadable';

/** What a field reading shows to an operator. */
export const shownValue = (reading: FieldReading): string =>
  reading.kind === 'clear' ? reading.value : reading.kind === 'erased' ? ERASED_PERSON : UNREADABLE_FIELD;

export interface KeyringOptions {
  now?: () => number;
  /** Unwrapped person keys kept in memory (least recently used go first). */
  cacheSize?: number;
}

interface KeyRow {
  wrapped: Buffer;
  key_version: number;
}

/**
 * The data keys of a database: opens with the master key(s) given (refusing a
 * wrong or incomplete set before writing anything), makes and unwraps person
 * keys, and holds the site-wide keys (the blind index's).
 */
export class PrivacyKeyring {
  private readonly cache = new Map<string, PersonKey>();
  private readonly stmts: Record<'key' | 'erasure' | 'insert' | 'siteKey' | 'insertSiteKey', Statement>;
  private readonly now: () => number;
  private readonly cacheSize: number;

  private constructor(
    readonly db: Db,
    private readonly masters: ReadonlyMap<number, MasterKey>,
    /** New keys are wrapped by this version: the current one, or a rotation's target. */
    private readonly writeVersion: number,
    options: KeyringOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.cacheSize = options.cacheSize ?? 4096;
    this.stmts = {
      key: db.prepare('SELECT wrapped, key_version FROM privacy_person_keys WHERE person_id = ?'),
      erasure: db.prepare('SELECT erased_at FROM privacy_erasures WHERE person_id = ?').pluck(),
      insert: db.prepare(
        'INSERT INTO privacy_person_keys (person_id, wrapped, key_version, created_at) VALUES (?, ?, ?, ?)',
      ),
      siteKey: db.prepare('SELECT wrapped, key_version FROM privacy_site_keys WHERE purpose = ?'),
      insertSiteKey: db.prepare(
        'INSERT INTO privacy_site_keys (purpose, wrapped, key_version) VALUES (?, ?, ?)',
      ),
    };
  }

  /**
   * Opens the keyring with the current master key (and, while a rotation is
   * under way, the previous one too). Every check reads only; the first start
   * of a database records the key's check value as version 1.
   */
  static open(db: Db, keys: readonly MasterKey[], options: KeyringOptions = {}): PrivacyKeyring {
    if (keys.length === 0) throw new MasterKeyError('missing', 'no master key given');
    return db
      .transaction(() => {
        if (readMasterVersions(db).length === 0) {
          db.prepare(
            "INSERT INTO privacy_master_keys (version, check_value, state, created_at) VALUES (1, ?, 'current', ?)",
          ).run(keys[0]!.checkValue, (options.now ?? Date.now)());
        }
        const masters = matchMasterKeys(db, keys);
        const rows = readMasterVersions(db);
        const write = rows.find((r) => r.state === 'next') ?? rows.find((r) => r.state === 'current')!;
        const needed = new Set([...versionsInUse(db), write.version]);
        const missing = [...needed].filter((v) => !masters.has(v)).sort();
        if (missing.length > 0)
          throw new MasterKeyError(
            'missing-version',
            `data keys are wrapped by master key version ${missing.join(', ')}, not given` +
              (rows.some((r) => r.state === 'next')
                ? ': a master key rotation is under way; give both keys or finish it'
                : ''),
          );
        return new PrivacyKeyring(db, masters, write.version, options);
      })
      .immediate();
  }

  private master(version: number): MasterKey {
    const master = this.masters.get(version);
    if (!master)
      throw new MasterKeyError(
        'missing-version',
        `a key is wrapped by master key version ${version}, not given`,
      );
    return master;
  }

  private unwrap(subject: WrapSubject, row: KeyRow): Buffer {
    const raw = unwrapKey(this.master(row.key_version), row.key_version, subject, row.wrapped);
    if (!raw)
      throw new Error(
        `the wrapped key of ${subject.kind} ${subject.kind === 'person' ? subject.id : subject.purpose} does not unwrap: altered or moved`,
      );
    return raw;
  }

  private remember(key: PersonKey): PersonKey {
    this.cache.delete(key.personId);
    this.cache.set(key.personId, key);
    if (this.cache.size > this.cacheSize) {
      const [oldest, evicted] = this.cache.entries().next().value!;
      this.cache.delete(oldest);
      // Its journal keystream (derived key, keystream made ahead) is not left for the collector.
      dropStreamOf(evicted);
    }
    return key;
  }

  /** The person's key, or why there is none. */
  keyOf(personId: string): KeyLookup {
    const cached = this.cache.get(personId);
    if (cached && !cached.destroyed) return { kind: 'key', key: this.remember(cached) };
    const row = this.stmts.key.get(personId) as KeyRow | undefined;
    if (row) {
      const raw = this.unwrap({ kind: 'person', id: personId }, row);
      const key = new PersonKey(personId, raw);
      raw.fill(0);
      return { kind: 'key', key: this.remember(key) };
    }
    const erasedAt = this.stmts.erasure.get(personId) as number | undefined;
    return erasedAt === undefined ? { kind: 'unknown' } : { kind: 'erased', erasedAt };
  }

  /**
   * The person's key, made at their first personal field. An erased person
   * gets no new key: a record written for them again would be a new person.
   */
  keyForWriting(personId: string): PersonKey {
    return atomically(this.db, () => {
      const found = this.keyOf(personId);
      if (found.kind === 'key') return found.key;
      if (found.kind === 'erased')
        throw new DomainError('conflict', 'privacy.person-erased', `person ${personId} was erased`, {
          personId,
        });
      const key = PersonKey.generate(personId);
      const raw = rawKeyOf(key)!;
      const wrapped = wrapKey(
        this.master(this.writeVersion),
        this.writeVersion,
        { kind: 'person', id: personId },
        raw,
      );
      this.stmts.insert.run(personId, wrapped, this.writeVersion, this.now());
      return this.remember(key);
    });
  }

  /**
   * The person's key for a writer on another connection (the import's worker
   * thread, which holds no master key): an existing key as `keyForWriting`
   * gives it, or a new one made and wrapped but not stored, whose wrapped row
   * that writer stores in the same transaction as what it seals, so a failed
   * write leaves no key behind. A new key is not cached: until that
   * transaction commits it exists nowhere else. The caller writes nothing
   * else for the person meanwhile (imports run alone).
   */
  keyForDetachedWriting(personId: string): {
    key: PersonKey;
    newRow: { wrapped: Buffer; keyVersion: number; createdAt: number } | null;
  } {
    const found = this.keyOf(personId);
    if (found.kind === 'key') return { key: found.key, newRow: null };
    if (found.kind === 'erased')
      throw new DomainError('conflict', 'privacy.person-erased', `person ${personId} was erased`, {
        personId,
      });
    const key = PersonKey.generate(personId);
    const raw = rawKeyOf(key)!;
    const wrapped = wrapKey(
      this.master(this.writeVersion),
      this.writeVersion,
      { kind: 'person', id: personId },
      raw,
    );
    return { key, newRow: { wrapped, keyVersion: this.writeVersion, createdAt: this.now() } };
  }

  /** One sealed field of a person, opened; never throws for an erased or unknown person. */
  readField(personId: string, fieldName: string, sealed: string): FieldReading {
    const found = this.keyOf(personId);
    if (found.kind === 'erased') return { kind: 'erased' };
    if (found.kind === 'unknown') return { kind: 'unknown-person' };
    const opened = openField(found.key, fieldName, sealed);
    if (opened.ok) return { kind: 'clear', value: opened.value };
    return opened.reason === 'erased' ? { kind: 'erased' } : { kind: 'unreadable' };
  }

  /** Destroys the in-memory copy of an erased person's key: whoever still holds it can no longer use it. */
  forget(personId: string): void {
    this.cache.get(personId)?.destroy();
    this.cache.delete(personId);
  }

  /**
   * A site-wide secret for `purpose` (made at first use), from which per-use
   * keys are derived with HKDF under their own labels. Wrapped by the master
   * key like a person's key, so a master key rotation rewraps it instead of
   * rebuilding every index computed with it.
   */
  siteKey(purpose: string, label: string): Buffer {
    const subject: WrapSubject = { kind: 'site', purpose };
    const root = this.db
      .transaction(() => {
        const row = this.stmts.siteKey.get(purpose) as KeyRow | undefined;
        if (row) return this.unwrap(subject, row);
        const raw = randomBytes(32);
        this.stmts.insertSiteKey.run(
          purpose,
          wrapKey(this.master(this.writeVersion), this.writeVersion, subject, raw),
          this.writeVersion,
        );
        return raw;
      })
      .immediate();
    const derived = Buffer.from(hkdfSync('sha256', root, '', label, 32));
    root.fill(0);
    return derived;
  }
}
