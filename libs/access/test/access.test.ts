import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatehouseBus, ManualClock, type Actor, type AlarmRaised } from '@gatehouse/contracts';
import { Journal, SqliteJournalStore, loadOrCreateSigningKey } from '@gatehouse/journal';
import { journalPrivacy } from '@gatehouse/privacy';
import { openDatabase, type Db } from '@gatehouse/storage';
import { aCredential, aDoor, aSite, entryAndExit, sealedAccessStore, testKeyring } from '@gatehouse/testing';
import {
  AccessService,
  applySitePlan,
  CardholderImport,
  CardholderInput,
  CredentialInput,
  DoorInput,
  ScheduleInput,
} from '@gatehouse/access';

const fm: Actor = { kind: 'operator', name: 'fran', address: '127.0.0.1' };

describe('AccessService (real SQLite, real journal)', () => {
  let dir: string;
  let db: Db;
  let clock: ManualClock;
  let journal: Journal;
  let bus: GatehouseBus;
  /** What the bus was handed as failures: `event/owner: message`. */
  let busFailures: string[];
  let access: AccessService;
  /** Entries as views show them: personal values opened (they are stored sealed). */
  const entries = (type: string) =>
    (
      db
        .prepare('SELECT entry_json FROM journal_entries WHERE type = ? ORDER BY seq')
        .pluck()
        .all(type) as string[]
    ).map(
      (j) =>
        journal.openForView(JSON.parse(j)) as unknown as {
          payload: Record<string, unknown>;
          subjects: { kind: string; id: string }[];
          actor?: Actor;
        },
    );
  const open = async () => {
    journal = new Journal(
      new SqliteJournalStore(db),
      loadOrCreateSigningKey(join(dir, 'k.pem')),
      clock,
      { batchMaxEntries: 500, batchMaxDelayMs: 0, checkpointEveryEntries: 1000, checkpointEverySeconds: 60 },
      undefined,
      journalPrivacy(testKeyring(db)),
    );
    await journal.open();
    busFailures = [];
    bus = new GatehouseBus((event, owner, error) =>
      busFailures.push(`${event}/${owner}: ${(error as Error).message}`),
    );
    access = new AccessService(sealedAccessStore(db).store, journal, clock, bus);
  };
  /** The factories' small site, with a card-and-PIN vault beside the front door (hard anti-passback). */
  const seed = async () => {
    const site = aSite();
    const [ann] = await applySitePlan(
      access.records,
      {
        ...site,
        doors: [
          { ...site.doors[0]!, antiPassback: 'hard' },
          aDoor({ id: 'vault', name: 'Vault', zoneIn: 'lobby', mode: 'card-and-pin' }),
        ],
        levels: [{ ...site.levels[0]!, doorIds: ['front', 'vault'] }],
        people: [
          {
            cardholder: { ...site.people[0]!.cardholder, department: 'Ops', directoryAccount: 'ann' },
            credentials: [{ ...site.people[0]!.credentials[0]!, pin: '2468', duressPin: '2469' }],
          },
        ],
      },
      fm,
    );
    return ann!.cardholder;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-access-'));
    db = openDatabase({ path: join(dir, 'a.db'), synchronous: 'normal' });
    clock = new ManualClock('2026-06-01T09:00:00Z');
    await open();
  });
  afterEach(async () => {
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('journals every change with what changed, and keeps references whole', async () => {
    const ann = await seed();
    await access.records.updateCardholder(ann.id, { department: 'Security' }, fm);
    const updated = entries('cardholder.updated')[0]!;
    expect(updated.payload.changes).toEqual({ department: { from: 'Ops', to: 'Security' } });
    expect(updated.actor).toMatchObject({ name: 'fran' });
    expect(updated.subjects).toEqual([{ kind: 'person', id: ann.id }]);
    // PINs never reach the journal, not even hashed.
    expect(JSON.stringify(db.prepare('SELECT entry_json FROM journal_entries').pluck().all())).not.toMatch(
      /argon2|2468/,
    );
    await expect(
      access.records.createCredential(
        CredentialInput.parse(aCredential({ cardholderId: ann.id, number: '12:345' })),
        fm,
      ),
    ).rejects.toMatchObject({
      code: 'credential.duplicate',
    });
    await expect(
      access.records.saveLevel({ id: 'x', name: 'X', scheduleId: 'nope', doorIds: ['front'] }, fm, 'create'),
    ).rejects.toMatchObject({ code: 'schedule.unknown' });
    await expect(access.records.deleteSchedule('always', fm)).rejects.toMatchObject({
      code: 'schedule.in-use',
    });
    await expect(access.records.deleteDoor('front', fm)).rejects.toMatchObject({ code: 'door.in-use' });
    await expect(
      access.records.saveSchedule(
        ScheduleInput.parse({ id: 'bad', name: 'Bad', timeZone: 'Mars/Base', intervals: [] }),
        fm,
        'create',
      ),
    ).rejects.toMatchObject({ code: 'schedule.invalid' });
  });

  it('journals each decision with the raw credential, and keeps presence across a restart', async () => {
    const ann = await seed();
    const decided: unknown[] = [];
    bus.on('access.decided', 'test', (d) => decided.push(d));
    const d = await access.decisions.present({
      readerId: 'front-in',
      format: 'H10301',
      number: '12:345',
      raw: { bits: 26, hex: '0c00b2f2' },
      at: clock.now().getTime(),
    });
    expect(d).toMatchObject({ grant: true, reason: 'granted', presenceZone: 'lobby' });
    expect(decided).toHaveLength(1);
    await journal.append({ type: 'test.sync', source: 'test' }); // wait for the group commit
    const granted = entries('access.granted')[0]!;
    expect(granted.payload).toMatchObject({
      reason: 'granted',
      credential: { format: 'H10301', number: '12:345', raw: { bits: 26, hex: '0c00b2f2' } },
    });
    expect(granted.subjects).toEqual(
      expect.arrayContaining([
        { kind: 'person', id: ann.id },
        { kind: 'door', id: 'front' },
        { kind: 'reader', id: 'front-in' },
      ]),
    );
    expect(db.prepare('SELECT zone FROM presence WHERE cardholder_id = ?').pluck().get(ann.id)).toBe('lobby');

    await access.guard.lockdown('lockdown', ['vault'], 'drill', fm);
    // A new process: presence and lockdown come back from the store.
    await journal.close();
    await open();
    expect(access.guard.presenceList()).toEqual([
      // Reception reads names: the zone and the door by name beside their ids.
      expect.objectContaining({
        cardholderId: ann.id,
        zone: 'lobby',
        zoneName: 'Lobby',
        doorName: 'Front door',
      }),
    ]);
    expect(
      (
        await access.decisions.present({
          readerId: 'front-in',
          format: 'H10301',
          number: '12:345',
          at: clock.now().getTime(),
        })
      ).reason,
    ).toBe('anti-passback');
    expect(access.guard.doorStates().find((s) => s.doorId === 'vault')!.mode).toBe('lockdown');
    await expect(access.guard.lockdown('lockdown', 'all', 'twice', fm)).rejects.toMatchObject({
      code: 'door.lockdown-in-force',
    });
    // No remote unlock slips through a lockdown, nor a guard's mode set on one door of it.
    await expect(access.guard.unlockMomentarily('vault', 'let me in', fm)).rejects.toMatchObject({
      code: 'door.in-lockdown',
    });
    for (const mode of ['unlocked', null] as const)
      await expect(access.guard.setDoorMode('vault', mode, null, 'let me in', fm)).rejects.toMatchObject({
        code: 'door.in-lockdown',
      });
    expect(access.guard.doorStates().find((s) => s.doorId === 'vault')!.mode).toBe('lockdown');
    expect(access.guard.doorStates().find((s) => s.doorId === 'vault')!.manual).toMatchObject({
      by: expect.any(String),
      reason: 'drill',
      since: expect.any(Number),
    });
    await access.guard.releaseLockdown('drill over', fm);
    await expect(access.guard.releaseLockdown('again', fm)).rejects.toMatchObject({
      code: 'door.no-lockdown',
    });
    expect(await access.guard.forgive(ann.id, 'came in with a visitor', fm)).toBe(1);
    expect(
      (
        await access.decisions.present({
          readerId: 'front-in',
          format: 'H10301',
          number: '12:345',
          at: clock.now().getTime(),
        })
      ).grant,
    ).toBe(true);
  });

  it('a decision whose journal write fails is counted and reported by the bus, not swallowed', async () => {
    await seed();
    await journal.close();
    const d = await access.decisions.present({
      readerId: 'front-in',
      format: 'H10301',
      number: '12:345',
      at: clock.now().getTime(),
    });
    expect(d.grant).toBe(true); // the reader is answered; the lost entry is what the bus reports
    await new Promise((done) => setImmediate(done));
    expect(busFailures).toEqual(['access.granted/access: the journal is closed']);
    expect(bus.failureCount).toBe(1);
  });

  it('flags an exit with no entry as tailgating at a door without anti-passback', async () => {
    await seed();
    await access.records.saveDoor(
      DoorInput.parse(
        aDoor({ id: 'side', name: 'Side door', zoneIn: 'lobby', readers: entryAndExit('side') }),
      ),
      fm,
      'create',
    );
    await access.records.saveLevel(
      { id: 'staff', name: 'Staff', scheduleId: 'always', doorIds: ['front', 'vault', 'side'] },
      fm,
      'update',
    );
    const alarms: AlarmRaised[] = [];
    bus.on('alarm.raised', 'test', (a) => alarms.push(a));
    const at = clock.now().getTime();
    await access.decisions.present({ readerId: 'side-in', format: 'H10301', number: '12:345', at });
    await access.decisions.present({ readerId: 'side-out', format: 'H10301', number: '12:345', at });
    expect(alarms).toEqual([]); // in, then out: nothing to say
    await access.decisions.present({ readerId: 'side-out', format: 'H10301', number: '12:345', at }); // out again, never came back in
    expect(alarms).toEqual([
      expect.objectContaining({
        type: 'tailgating',
        doorId: 'side',
        detail: 'exit with no entry (last seen in outside)',
      }),
    ]);
  });

  it('asks for a PIN on the keypad, raises a silent duress alarm, and locks out PIN guessing', async () => {
    await seed();
    const alarms: AlarmRaised[] = [];
    bus.on('alarm.raised', 'test', (a) => alarms.push(a));
    const at = () => clock.now().getTime();
    expect(
      (await access.decisions.present({ readerId: 'vault-in', format: 'H10301', number: '12:345', at: at() }))
        .reason,
    ).toBe('pin-required');
    expect((await access.decisions.keypad('vault-in', '2468#', at()))!.reason).toBe('granted');
    expect(await access.decisions.keypad('vault-in', '2468#', at())).toBeNull(); // no card waiting
    const duress = await access.decisions.present({
      readerId: 'vault-in',
      format: 'H10301',
      number: '12:345',
      pin: '2469',
      at: at(),
    });
    expect(duress.grant).toBe(true);
    expect(alarms).toEqual([expect.objectContaining({ type: 'duress', silent: true, doorId: 'vault' })]);
    for (const pin of ['1111', '2222', '3333'])
      await access.decisions.present({
        readerId: 'vault-in',
        format: 'H10301',
        number: '12:345',
        pin,
        at: at(),
      });
    expect(alarms.map((a) => a.type)).toEqual(['duress', 'pin-brute-force']);
    expect(
      (
        await access.decisions.present({
          readerId: 'vault-in',
          format: 'H10301',
          number: '12:345',
          pin: '2468',
          at: at(),
        })
      ).reason,
    ).toBe('pin-locked-out');
  });

  describe('CSV import', () => {
    const importer = () => new CardholderImport(access);
    const header =
      'employee_number,name,department,levels,credential_format,credential_number,credential_state\n';

    it('refuses wrong columns, UTF-16, invalid UTF-8 and unclosed quotes with the reason', async () => {
      await seed();
      await expect(importer().plan(Buffer.from('employee,name,colour\n1,A,red\n'))).rejects.toThrow(
        /unknown columns: employee, colour; missing columns: employee_number/,
      );
      await expect(importer().plan(Buffer.from('\ufeffemployee_number,name\n', 'utf16le'))).rejects.toThrow(
        /UTF-16/,
      );
      const latin1 = Buffer.concat([
        Buffer.from(header),
        Buffer.from('E1,Jos', 'latin1'),
        Buffer.from([0xe9]),
        Buffer.from(',Ops,staff,,,\n'),
      ]);
      await expect(importer().plan(latin1)).rejects.toThrow(/line 2: not valid UTF-8/);
      await expect(importer().plan(Buffer.from(`${header}E1,"Unclosed,Ops,staff,,,\n`))).rejects.toThrow(
        /line 2: a quoted field is not closed/,
      );
    });

    it('names each bad line among 10,000 in a dry run, then applies the fixed file in one transaction', async () => {
      await seed();
      const lines = Array.from(
        { length: 10_000 },
        (_, i) => `E${2000 + i},"Person ${i}, Jr",Sales,staff,H10301,${100 + (i % 150)}:${i},active`,
      );
      lines[41] = 'E2041,Bad Level,Sales,nolevel,H10301,7:41,active';
      lines[4999] = 'E6999,Bad Format,Sales,staff,HID99,7:4999,active';
      lines[8000] = 'E10000,Dup Credential,Sales,staff,H10301,100:0,active';
      lines[9998] = 'E11998,Ann Clash,Sales,staff,H10301,12:345,active';
      const bad = Buffer.from(header + lines.join('\r\n'));
      const dry = (await importer().plan(bad)).report;
      expect(dry.rows).toBe(10_000);
      expect(dry.errors).toEqual([
        { line: 43, message: 'unknown level "nolevel"' },
        { line: 5001, message: expect.stringContaining('credential_format "HID99" is not one of') },
        { line: 8002, message: 'credential H10301 100:0 already appears on line 2' },
        { line: 10000, message: 'credential H10301 12:345 belongs to another cardholder' },
      ]);
      await expect(importer().apply(bad, fm, 'people.csv')).rejects.toThrow(/4 error/);
      expect(db.prepare('SELECT count(*) FROM cardholders').pluck().get()).toBe(1);

      lines[41] = 'E2041,Good Level,Sales,staff,H10301,7:41,active';
      lines[4999] = 'E6999,Good Format,Sales,staff,H10301,7:4999,active';
      lines[8000] = 'E10000,Own Credential,Sales,staff,H10301,7:8000,suspended';
      lines[9998] = 'E11998,Own Card,Sales,staff,H10301,7:9998,active';
      const good = Buffer.from(header + lines.join('\r\n'));
      // Decisions before and after the swap: old data, then new, never half.
      const before = access.engine.index;
      expect(access.decisions.simulate('front-in', 'H10301', '7:8000', clock.now().getTime()).reason).toBe(
        'unknown-credential',
      );
      const report = await importer().apply(good, fm, 'people.csv');
      expect(report).toMatchObject({
        applied: true,
        cardholders: { create: 10_000 },
        credentials: { create: 10_000 },
        errors: [],
      });
      expect(access.engine.index).toBe(before); // updated in place, in one synchronous step
      expect(access.decisions.simulate('front-in', 'H10301', '7:8000', clock.now().getTime()).reason).toBe(
        'credential-suspended',
      );
      expect(access.decisions.simulate('front-in', 'H10301', '101:1', clock.now().getTime()).reason).toBe(
        'granted',
      );
      const imported = entries('cardholder.imported')[0]!;
      expect(imported.payload).toMatchObject({ fileName: 'people.csv', rows: 10_000, sha256: report.sha256 });
      expect(entries('credential.created').length).toBe(10_001);
      // Again: nothing changes; the export reads back as unchanged.
      expect((await importer().plan(good)).report).toMatchObject({
        cardholders: { create: 0, update: 0, unchanged: 10_000 },
        errors: [],
      });
      const exported = Buffer.from(importer().export());
      expect((await importer().plan(exported)).report).toMatchObject({
        cardholders: { create: 0, update: 0 },
        credentials: { create: 0, update: 0 },
        errors: [],
      });
    }, 30_000); // 10,000 rows planned, dry-run and applied: seconds on a busy 2-core machine

    it('keeps decisions consistent while an import runs: old data or new, never half, never back', async () => {
      await seed();
      const rows = ['employee_number,name,levels,credential_format,credential_number,credential_state'];
      for (let i = 0; i < 5000; i++) rows.push(`F${i},Filler ${i},staff,H10301,9:${i},active`);
      // The file also suspends Ann's card (E100 owns 12:345).
      rows.push('E100,Ann Archer,staff,H10301,12:345,suspended');
      const reasons: string[] = [];
      let importing = true;
      const applying = importer()
        .apply(Buffer.from(rows.join('\n')), fm, 'concurrent.csv')
        .finally(() => (importing = false));
      // In and out in turn, as a person would (the front door has hard anti-passback).
      let n = 0;
      while (importing) {
        const d = await access.decisions.present({
          readerId: n++ % 2 === 0 ? 'front-in' : 'front-out',
          format: 'H10301',
          number: '12:345',
          at: clock.now().getTime(),
        });
        reasons.push(d.reason);
        await new Promise((r) => setImmediate(r));
      }
      await applying;
      reasons.push(
        (
          await access.decisions.present({
            readerId: 'front-out',
            format: 'H10301',
            number: '12:345',
            at: clock.now().getTime(),
          })
        ).reason,
      );
      expect(reasons.length).toBeGreaterThan(2); // decisions really ran during the import
      expect(new Set(reasons)).toEqual(new Set(['granted', 'credential-suspended']));
      const firstNew = reasons.indexOf('credential-suspended');
      expect(reasons.slice(firstNew).every((r) => r === 'credential-suspended')).toBe(true);
    }, 20_000); // 5,000 people, each with a data key made and personal values sealed: seconds on a busy 2-core machine
  });
  /** Records kept whole and checked on the way in: updates, credential numbers, CSV import and export. */
  describe('records kept whole and checked', () => {
    const issue = (cardholderId: string, format: string, number: string) =>
      access.records.createCredential(CredentialInput.parse({ cardholderId, format, number }), fm);

    it('keeps both of two updates of one record made at the same time (group commit defers each write)', async () => {
      const { id } = await seed();
      await Promise.all([
        access.records.updateCardholder(id, { state: 'suspended' }, fm),
        access.records.updateCardholder(id, { department: 'Security' }, fm),
        access.records.updateCardholder(id, { watchListed: true }, fm),
      ]);
      expect(access.records.get('cardholders', id)).toMatchObject({
        state: 'suspended',
        department: 'Security',
        watchListed: true,
        directoryAccount: 'ann',
        employeeNumber: 'E100',
      });
      const save = (record: object) => access.records.saveDoor(record as never, fm, 'update');
      await Promise.all([
        access.records.patch('access_doors', 'front', { unlockMs: 9000 }, save),
        access.records.patch('access_doors', 'front', { antiPassback: 'soft' }, save),
      ]);
      expect(access.records.get('access_doors', 'front')).toMatchObject({
        unlockMs: 9000,
        antiPassback: 'soft',
        mode: 'card-only',
        readers: [
          { id: 'front-in', direction: 'entry' },
          { id: 'front-out', direction: 'exit' },
        ],
      });
    });

    it("journals an update's change as the fields it named, nothing else", async () => {
      const { id } = await seed();
      await access.records.updateCardholder(id, { department: 'Security' }, fm);
      await access.records.updateCardholder(id, { state: 'suspended' }, fm);
      const changes = (
        db
          .prepare("SELECT entry_json FROM journal_entries WHERE type = 'cardholder.updated' ORDER BY seq")
          .pluck()
          .all() as string[]
      ).map((e) => Object.keys((JSON.parse(e) as { payload: { changes: object } }).payload.changes));
      expect(changes).toEqual([['department'], ['state']]);
    });

    it('issues a credential only under a number its format can produce, stored as the reader writes it', async () => {
      const { id } = await seed();
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
      expect((await issue(id, 'H10301', '012:00346')).number).toBe('12:346');
      // The same card typed another way is the same card.
      await expect(issue(id, 'H10301', '12:346')).rejects.toMatchObject({ code: 'credential.duplicate' });
      expect((await issue(id, 'raw', '26:864383C0')).number).toBe('26:864383c0');
      expect(
        db.prepare("SELECT count(*) FROM journal_entries WHERE type = 'credential.created'").pluck().get(),
      ).toBe(3); // the seed's card and the two accepted here
    });

    describe('CSV import and export of records', () => {
      const importRecords = () => new CardholderImport(access);
      const plan = async (csv: string) => (await importRecords().plan(Buffer.from(csv))).report;

      it('keeps what the file has no column for, as an update that does not name a field', async () => {
        const { id } = await seed();
        await access.records.updateCredential(
          access.records.credentialsOf(id)[0]!.id,
          { validUntil: '2027-01-01T00:00:00Z', state: 'suspended' },
          fm,
        );
        const report = await importRecords().apply(
          Buffer.from(
            'employee_number,name,credential_format,credential_number\nE100,Ann Baker,H10301,12:345\n',
          ),
          fm,
          'names.csv',
        );
        expect(report).toMatchObject({ cardholders: { update: 1 }, credentials: { unchanged: 1 } });
        expect(access.records.get('cardholders', id)).toMatchObject({
          name: 'Ann Baker',
          department: 'Ops',
          directoryAccount: 'ann',
          kind: 'employee',
          state: 'active',
          privileged: false,
          levelIds: ['staff'],
        });
        expect(access.records.credentialsOf(id)[0]).toMatchObject({
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
        await access.records.createCardholder(
          CardholderInput.parse({ name: 'Ann\u202eAnn', employeeNumber: 'E1', department: '-Ops' }),
          fm,
        );
        await access.records.createCardholder(
          CardholderInput.parse({ name: '=HYPERLINK("x")', employeeNumber: 'E2', department: '@ops' }),
          fm,
        );
        const csv = importRecords().export();
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
});
