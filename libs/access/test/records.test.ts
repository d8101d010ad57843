import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, type Actor } from '@gatehouse/contracts';
import { Journal, SqliteJournalStore, loadOrCreateSigningKey } from '@gatehouse/journal';
import { openDatabase, type Db } from '@gatehouse/storage';
import {
  AccessService,
  AccessStore,
  CardholderImport,
  CardholderInput,
  CredentialInput,
  DoorInput,
} from '@gatehouse/access';

const fm: Actor = { kind: 'operator', name: 'fran', address: '127.0.0.1' };

/** Records kept whole and checked on the way in: updates, credential numbers, CSV import and export. */
describe('access records (real SQLite, real journal)', () => {
  let dir: string;
  let db: Db;
  let journal: Journal;
  let access: AccessService;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-records-'));
    db = openDatabase({ path: join(dir, 'a.db'), synchronous: 'normal' });
    const clock = new ManualClock('2026-06-01T09:00:00Z');
    journal = new Journal(new SqliteJournalStore(db), loadOrCreateSigningKey(join(dir, 'k.pem')), clock, {
      batchMaxEntries: 500,
      batchMaxDelayMs: 0,
      checkpointEveryEntries: 1000,
      checkpointEverySeconds: 60,
    });
    await journal.open();
    access = new AccessService(new AccessStore(db), journal, clock);
    await access.saveZone({ id: 'lobby', name: 'Lobby', parentId: null }, fm, 'create');
    await access.saveSchedule(
      { id: 'always', name: 'Always', timeZone: 'UTC', intervals: [], holidayIntervals: [] },
      fm,
      'create',
    );
    await access.saveLevel({ id: 'staff', name: 'Staff', scheduleId: 'always', doorIds: [] }, fm, 'create');
  });
  afterEach(async () => {
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ann = () =>
    access.createCardholder(
      CardholderInput.parse({
        name: 'Ann Archer',
        employeeNumber: 'E100',
        department: 'Ops',
        directoryAccount: 'ann',
        privileged: true,
        levelIds: ['staff'],
      }),
      fm,
    );
  const issue = (cardholderId: string, format: string, number: string) =>
    access.createCredential(CredentialInput.parse({ cardholderId, format, number }), fm);

  it('keeps both of two updates of one record made at the same time (group commit defers each write)', async () => {
    const { id } = await ann();
    await Promise.all([
      access.updateCardholder(id, { state: 'suspended' }, fm),
      access.updateCardholder(id, { department: 'Security' }, fm),
      access.updateCardholder(id, { watchListed: true }, fm),
    ]);
    expect(access.get('cardholders', id)).toMatchObject({
      state: 'suspended',
      department: 'Security',
      watchListed: true,
      privileged: true,
      employeeNumber: 'E100',
    });
    await access.saveDoor(DoorInput.parse({ id: 'front', name: 'Front', zoneIn: 'lobby' }), fm, 'create');
    const save = (record: object) => access.saveDoor(record as never, fm, 'update');
    await Promise.all([
      access.patch('access_doors', 'front', { unlockMs: 9000 }, save),
      access.patch('access_doors', 'front', { antiPassback: 'hard' }, save),
    ]);
    expect(access.get('access_doors', 'front')).toMatchObject({ unlockMs: 9000, antiPassback: 'hard' });
  });

  it('issues a credential only under a number its format can produce, stored as the reader writes it', async () => {
    const { id } = await ann();
    await expect(issue(id, 'H10301', 'abc')).rejects.toMatchObject({
      code: 'credential.bad-number',
      details: { format: 'H10301', field: 'number' },
    });
    await expect(issue(id, 'H10301', '12345')).rejects.toThrow(/"facility:card"/);
    await expect(issue(id, 'H10301', '300:1')).rejects.toMatchObject({
      message: expect.stringContaining('facility code is a whole number from 0 to 255'),
      details: { field: 'facility code' },
    });
    await expect(issue(id, 'pin-only', '12a')).rejects.toMatchObject({ code: 'credential.bad-number' });
    expect((await issue(id, 'H10301', '012:00345')).number).toBe('12:345');
    // The same card typed another way is the same card.
    await expect(issue(id, 'H10301', '12:345')).rejects.toMatchObject({ code: 'credential.duplicate' });
    expect((await issue(id, 'raw', '26:864383C0')).number).toBe('26:864383c0');
    expect(
      db.prepare("SELECT count(*) FROM journal_entries WHERE type = 'credential.created'").pluck().get(),
    ).toBe(2);
  });

  describe('CSV import and export', () => {
    const importer = () => new CardholderImport(access);
    const plan = async (csv: string) => (await importer().plan(Buffer.from(csv))).report;

    it('keeps what the file has no column for, as an update that does not name a field', async () => {
      const { id } = await ann();
      await issue(id, 'H10301', '12:345');
      await access.updateCredential(
        access.credentialsOf(id)[0]!.id,
        { validUntil: '2027-01-01T00:00:00Z', state: 'suspended' },
        fm,
      );
      const report = await importer().apply(
        Buffer.from(
          'employee_number,name,credential_format,credential_number\nE100,Ann Baker,H10301,12:345\n',
        ),
        fm,
        'names.csv',
      );
      expect(report).toMatchObject({ cardholders: { update: 1 }, credentials: { unchanged: 1 } });
      expect(access.get('cardholders', id)).toMatchObject({
        name: 'Ann Baker',
        department: 'Ops',
        directoryAccount: 'ann',
        kind: 'employee',
        state: 'active',
        privileged: true,
        levelIds: ['staff'],
      });
      expect(access.credentialsOf(id)[0]).toMatchObject({
        state: 'suspended',
        validUntil: Date.parse('2027-01-01T00:00:00Z'),
      });
    });

    it('names each line with an impossible date, a control character or a number its format cannot hold', async () => {
      const header = 'employee_number,name,credential_format,credential_number,valid_from,valid_until\n';
      const report = await plan(
        header +
          [
            'E1,Ann,H10301,abc,,',
            'E2,Bob,H10301,12345,,',
            'E3,Cat,H10302,7:12,,',
            'E4,Dan,H10301,1:1,2026-02-30,',
            'E5,Eve,H10301,1:2,,2026-05-01 junk',
            'E6,"Fay\u0000",,,,',
            'E7,Gil,H10301,07:0042,2026-05-01,2026-06-01T08:00:00+02:00',
          ].join('\n'),
      );
      expect(report.errors).toEqual([
        {
          line: 2,
          message: expect.stringMatching(/^credential_number "abc": H10301 numbers are "facility:card"/),
        },
        { line: 3, message: expect.stringMatching(/^credential_number "12345": H10301 numbers are/) },
        { line: 4, message: expect.stringMatching(/H10302 has no facility code/) },
        { line: 5, message: expect.stringMatching(/^valid_from: "2026-02-30" is not a date that exists/) },
        {
          line: 6,
          message: expect.stringMatching(/^valid_until: "2026-05-01 junk" is not a date that exists/),
        },
        { line: 7, message: expect.stringMatching(/^name: no control characters/) },
      ]);
    });

    it('exports names with bidirectional controls shown as codes and formulas guarded, and re-imports unchanged', async () => {
      await access.createCardholder(
        CardholderInput.parse({ name: 'Ann\u202eAnn', employeeNumber: 'E1', department: '-Ops' }),
        fm,
      );
      await access.createCardholder(
        CardholderInput.parse({ name: '=HYPERLINK("x")', employeeNumber: 'E2', department: '@ops' }),
        fm,
      );
      const csv = importer().export();
      expect(csv).not.toMatch(/\u202e/);
      expect(csv).toContain('E1,Ann<U+202E>Ann,');
      expect(csv).toContain(`E2,"'=HYPERLINK(""x"")",'@ops`);
      expect(csv).toContain(",'-Ops,");
      // The guarded cells come back as they were: the apostrophe is the export's, not the data's.
      const again = await plan(csv.replace('Ann<U+202E>Ann', 'Ann\u202eAnn'));
      expect(again).toMatchObject({ errors: [], cardholders: { unchanged: 2, update: 0 } });
    });
  });
});
