import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Actor, GatehouseBus, ManualClock } from '@gatehouse/contracts';
import type { Journal } from '@gatehouse/journal';
import { MIGRATIONS, openDatabase, type Db } from '@gatehouse/storage';
import {
  aSite,
  type Needle,
  openTestJournal,
  scanDatabaseFiles,
  sealedAccessStore,
  TEST_MASTER_KEY,
  textNeedles,
} from '@gatehouse/testing';
import { PrivacyKeyring } from '@gatehouse/privacy';
import {
  AccessService,
  AccessStore,
  applySitePlan,
  NO_KEYS,
  privacySealing,
  CardholderImport,
  CardholderInput,
  sealClearRecords,
  type Cardholder,
} from '@gatehouse/access';

const fm: Actor = { kind: 'operator', name: 'fran', address: '127.0.0.1' };

/** A PNG whose body is a byte pattern no ciphertext or other record would hold. */
const PHOTO = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('<<photo-of-zoe:7f3a9c>>'.repeat(40)),
]);
const PHOTO_PATTERN = PHOTO.subarray(8, 8 + 23 * 3);

/** Values long and odd enough that no random ciphertext holds them by chance. */
const PEOPLE = [
  {
    name: 'Zoë "Zed" Quarrington-Vale',
    employeeNumber: 'EMP-QV-77120',
    department: 'Cryogenic Archives Ω',
    directoryAccount: 'CORP\\zquarrington',
  },
  {
    name: 'Bartholomew Nakagawa-Ferreira',
    employeeNumber: 'EMP-BN-55031',
    department: 'Lunar Logistics',
    directoryAccount: 'bnakagawaferreira@corp.example',
  },
];
const IMPORTED = Array.from({ length: 12 }, (_, i) => ({
  employeeNumber: `IMP-${7000 + i}-XQ`,
  name: `Imported Wolstenholme${i} Pemberton`,
  department: `Import Department Kestrel${i}`,
  directoryAccount: `imported.kestrel${i}@corp.example`,
}));
const UPDATED_DEPARTMENT = 'Relocated Department Heliotrope';

type Personal = Pick<Cardholder, 'name' | 'employeeNumber' | 'department' | 'directoryAccount'>;
const needlesOf = (people: readonly Personal[]): Needle[] =>
  people.flatMap((p) => [
    ...textNeedles(`name ${p.name}`, p.name),
    ...textNeedles(`employee number ${p.employeeNumber}`, p.employeeNumber!),
    ...textNeedles(`department ${p.department}`, p.department!),
    ...textNeedles(`directory account ${p.directoryAccount}`, p.directoryAccount!),
  ]);

describe('cardholders sealed at rest (real SQLite file and WAL)', () => {
  let dir: string;
  let path: string;
  let db: Db;
  let journal: Journal;
  let access: AccessService;
  const clock = new ManualClock('2026-06-01T09:00:00Z');
  const bus = new GatehouseBus((event, owner, error) => {
    throw new Error(`${event}/${owner}: ${String(error)}`);
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-sealed-'));
    path = join(dir, 'test.db');
    ({ db, journal } = await openTestJournal(dir, clock));
    access = new AccessService(sealedAccessStore(db).store, journal, clock, bus);
    await applySitePlan(access.records, { ...aSite(), people: [] }, fm);
  });
  afterEach(async () => {
    await journal.close();
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a copy of the file and its WAL holds none of the personal values written through records and the import', async () => {
    const zoe = await access.records.createCardholder(
      CardholderInput.parse({ ...PEOPLE[0], levelIds: ['staff'] }),
      fm,
    );
    await access.records.setPhoto(zoe.id, 'image/png', PHOTO, fm);
    // What is written so far goes to the database file; what follows stays in the WAL.
    db.pragma('wal_checkpoint(TRUNCATE)');
    const bart = await access.records.createCardholder(CardholderInput.parse(PEOPLE[1]), fm);
    await access.records.updateCardholder(bart.id, { department: UPDATED_DEPARTMENT }, fm);
    const header = 'employee_number,name,department,directory_account,levels\n';
    const rows = IMPORTED.map(
      (p) => `${p.employeeNumber},${p.name},${p.department},${p.directoryAccount},staff`,
    );
    const report = await new CardholderImport(access).apply(
      Buffer.from(header + rows.join('\n')),
      fm,
      'people.csv',
    );
    expect(report).toMatchObject({ applied: true, cardholders: { create: 12 } });

    const needles = [
      ...needlesOf(PEOPLE),
      ...needlesOf(IMPORTED),
      ...textNeedles('updated department', UPDATED_DEPARTMENT),
      { label: 'photo bytes', bytes: PHOTO_PATTERN },
      { label: 'photo as base64', bytes: Buffer.from(PHOTO.toString('base64').slice(12, 80)) },
    ];
    // Records and journal entries alike: the journal seals personal values too.
    expect(scanDatabaseFiles(db, path, needles)).toEqual([]);
    // The scan reads both files for real: what is not personal (an entry's type) is found in each.
    const control = scanDatabaseFiles(db, path, [
      { label: 'entry type', bytes: Buffer.from('cardholder.created') },
    ]);
    expect(control.some((h) => h.file === 'database')).toBe(true);
    expect(control.some((h) => h.file === 'wal')).toBe(true);

    // Everything reads back in clear through the store, the decision index and both searches.
    expect(access.records.get('cardholders', zoe.id)).toMatchObject({ ...PEOPLE[0], hasPhoto: true });
    expect(access.records.photo(zoe.id).data.equals(PHOTO)).toBe(true);
    expect(access.engine.index.cardholders.get(bart.id)).toMatchObject({ department: UPDATED_DEPARTMENT });
    expect(access.store.cardholderByEmployeeNumber('IMP-7003-XQ')?.name).toBe(
      'Imported Wolstenholme3 Pemberton',
    );
    const named = (text: string) =>
      access.records.searchCardholders({ text, fields: ['name'] }).map((c) => c.id);
    expect(named('quarrington')).toEqual([zoe.id]);
    expect(access.store.cardholdersNamed('zoe quarrington').map((c) => c.id)).toEqual([zoe.id]);
    expect(access.store.cardholdersNamed('Wolstenholme7')).toMatchObject([{ employeeNumber: 'IMP-7007-XQ' }]);
  });

  it('hands a writer without keys (the import worker) sealed rows with wrapped keys, stored only with the rows', () => {
    const { store, keyring } = sealedAccessStore(db);
    const newcomer: Cardholder = {
      ...PEOPLE[1]!,
      id: 'newcomer',
      kind: 'employee',
      state: 'active',
      privileged: false,
      watchListed: false,
      levelIds: [],
      groupIds: [],
      hasPhoto: false,
    };
    const [row] = store.sealCardholders([newcomer]);
    expect(keyring.keyOf('newcomer').kind).toBe('unknown'); // nothing written by sealing
    expect(JSON.stringify(row)).not.toMatch(/Bartholomew|EMP-BN|Lunar|bnakagawa/);
    const worker = new AccessStore(db, NO_KEYS);
    expect(() => worker.put('cardholders', newcomer)).toThrow(/holds no person keys/);
    // A failed import transaction leaves neither the row nor the key.
    expect(() =>
      db.transaction(() => {
        worker.putSealedCardholder(row!);
        throw new Error('import failed');
      })(),
    ).toThrow('import failed');
    expect(keyring.keyOf('newcomer').kind).toBe('unknown');
    db.transaction(() => worker.putSealedCardholder(row!))();
    expect(store.get('cardholders', 'newcomer')).toEqual(newcomer);
    expect(store.cardholdersNamed('nakagawa ferreira').map((c) => c.id)).toEqual(['newcomer']);
  });

  it('keeps employee numbers unique on their keyed digest, with no clear column to do it', async () => {
    await access.records.createCardholder(CardholderInput.parse(PEOPLE[0]), fm);
    await expect(
      access.records.createCardholder(
        CardholderInput.parse({ ...PEOPLE[1], employeeNumber: PEOPLE[0]!.employeeNumber }),
        fm,
      ),
    ).rejects.toMatchObject({ code: 'cardholder.employee-number-taken' });
    // The index itself refuses a second row with the same digest, whoever writes it.
    const row = db
      .prepare('SELECT employee_number_mac FROM cardholders WHERE employee_number_mac IS NOT NULL')
      .get() as {
      employee_number_mac: Buffer;
    };
    expect(() =>
      db
        .prepare("INSERT INTO cardholders (id, data, employee_number_mac) VALUES ('x', '{}', ?)")
        .run(row.employee_number_mac),
    ).toThrow(/UNIQUE/);
  });

  it('loads at start with every name opened; a row whose key is missing, or whose envelope is not its own, opens as unreadable', async () => {
    const zoe = await access.records.createCardholder(
      CardholderInput.parse({ ...PEOPLE[0], levelIds: ['staff'] }),
      fm,
    );
    const bart = await access.records.createCardholder(CardholderInput.parse(PEOPLE[1]), fm);
    const third = await access.records.createCardholder(
      CardholderInput.parse({ name: 'Imogen Strand', employeeNumber: 'EMP-IS-1' }),
      fm,
    );
    // A key lost (a restore that missed the keys table, a row deleted by hand).
    db.prepare('DELETE FROM privacy_person_keys WHERE person_id = ?').run(bart.id);
    // An envelope copied onto another person's row (its key exists, but it is bound to Zoë).
    db.prepare(
      'UPDATE cardholders SET sealed = (SELECT sealed FROM cardholders WHERE id = ?) WHERE id = ?',
    ).run(zoe.id, third.id);
    // A restart: a keyring of its own, with nothing cached.
    const restarted = new AccessService(
      new AccessStore(db, privacySealing(PrivacyKeyring.open(db, [TEST_MASTER_KEY]))),
      journal,
      clock,
      bus,
    );
    expect(restarted.engine.index.cardholders.get(zoe.id)).toMatchObject(PEOPLE[0]!);
    expect(restarted.engine.index.cardholders.get(bart.id)).toMatchObject({
      name: 'unreadable',
      employeeNumber: null,
      department: null,
      state: 'active',
    });
    expect(restarted.records.get('cardholders', bart.id).name).toBe('unreadable');
    expect(restarted.engine.index.cardholders.get(third.id)).toMatchObject({
      name: 'unreadable',
      employeeNumber: null,
    });
    // The others load as written: the search in memory finds Zoë by her nickname.
    expect(restarted.records.searchCardholders({ text: 'zed', fields: ['name'] }).map((c) => c.id)).toEqual([
      zoe.id,
    ]);
  });
});

describe('sealing the rows an earlier release stored in clear (real SQLite)', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gh-sealing-'));
    path = join(dir, 'old.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const legacy = (i: number) => ({
    id: `p-${i}`,
    name: `Legacy Ravensworth${i} Oyelaran`,
    employeeNumber: `OLD-${100_000 + i}-KV`,
    department: `Old Department Marigold${i}`,
    directoryAccount: `legacy.marigold${i}@corp.example`,
    kind: 'employee',
    state: 'active',
    privileged: false,
    watchListed: false,
    levelIds: [],
    groupIds: [],
    hasPhoto: i === 3,
  });
  const PEOPLE_BEFORE = 1200;

  /** A database as release 7 left it: cardholders and a photo in clear. */
  const writeOldDatabase = () => {
    const old = openDatabase({
      path,
      synchronous: 'normal',
      migrations: MIGRATIONS.filter((m) => m.version <= 7),
    });
    old.transaction(() => {
      const insert = old.prepare('INSERT INTO cardholders (id, data) VALUES (?, ?)');
      for (let i = 0; i < PEOPLE_BEFORE; i++) insert.run(`p-${i}`, JSON.stringify(legacy(i)));
      old
        .prepare(
          "INSERT INTO cardholder_photos (cardholder_id, content_type, data) VALUES ('p-3', 'image/png', ?)",
        )
        .run(PHOTO);
    })();
    old.close();
  };

  it('seals every row in batches; a start killed halfway resumes where it stopped, and no clear value stays in the files', () => {
    writeOldDatabase();
    const db = openDatabase({ path, synchronous: 'normal' });
    try {
      const { store } = sealedAccessStore(db);
      // A start killed after its first batch: the batch is committed, the rest still clear.
      const crash = new Error('killed');
      expect(() =>
        sealClearRecords(store, () => {
          throw crash;
        }),
      ).toThrow(crash);
      const clearLeft = () => store.clearCardholderIds(10_000).length;
      expect(clearLeft()).toBe(PEOPLE_BEFORE - 500);
      // Rows of both kinds read alike meanwhile.
      expect(store.get('cardholders', 'p-0')).toEqual(legacy(0));
      expect(store.get('cardholders', `p-${PEOPLE_BEFORE - 1}`)).toEqual(legacy(PEOPLE_BEFORE - 1));

      const messages: string[] = [];
      const report = sealClearRecords(store, (m) => messages.push(m));
      expect(report).toEqual({ cardholders: PEOPLE_BEFORE - 500, photos: 0 });
      expect(clearLeft()).toBe(0);
      expect(store.clearPhotoIds(10).length).toBe(0);
      expect(messages).toContain('sealed 700 cardholders and 0 photos stored in clear');
      // Then the file is rewritten, once: the task is struck off.
      expect(messages.at(-1)).toBe('database file rewritten');
      expect(db.prepare('SELECT count(*) FROM upgrade_tasks').pluck().get()).toBe(0);
      // Logs carry counts, never a value.
      expect(messages.join('\n')).not.toMatch(/Ravensworth|OLD-|Marigold/);
      // Once all sealed, another start has nothing to do.
      expect(sealClearRecords(store, () => undefined)).toEqual({ cardholders: 0, photos: 0 });

      const all = store.all('cardholders');
      expect(all).toHaveLength(PEOPLE_BEFORE);
      for (const c of all) expect(c).toEqual(legacy(Number(c.id.slice(2))));
      expect(store.photo('p-3')?.data.equals(PHOTO)).toBe(true);
      expect(store.cardholderByEmployeeNumber('OLD-100042-KV')?.id).toBe('p-42');
      expect(store.cardholdersNamed('ravensworth1199 oyelaran').map((c) => c.id)).toEqual(['p-1199']);

      const needles = [0, 1, 499, 500, 777, PEOPLE_BEFORE - 1].flatMap((i) => needlesOf([legacy(i)]));
      needles.push({ label: 'photo bytes', bytes: PHOTO_PATTERN });
      expect(scanDatabaseFiles(db, path, needles)).toEqual([]);
    } finally {
      db.close();
    }
  });
});
