import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessService, CardholderInput } from '@gatehouse/access';
import { loadConfig } from '@gatehouse/config';
import { type Actor, GatehouseBus, type JournalEntry, ManualClock } from '@gatehouse/contracts';
import { CorrelationEngine, type LoginEvent, settingsFrom } from '@gatehouse/correlation';
import { journalPrivacy } from '@gatehouse/privacy';
import { Journal, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { interpretJson, interpretSyslog } from '@gatehouse/logins';
import { type Db, openDatabase } from '@gatehouse/storage';
import {
  aCardholder,
  scanDatabaseFiles,
  sealedAccessStore,
  testKeyring,
  textNeedles,
} from '@gatehouse/testing';
import { parseSyslogText } from '@gatehouse/ingest';
import { MAX_RAW_CHARS } from '../src/logins/entry';
import { WorkstationMap } from '../src/logins/identity';
import { siteAccountDigest, unmappedHolder } from '../src/logins/account-digest';
import { LoginsGateway } from '../src/logins/logins-gateway';
import { personErasure } from '../src/person-erasure';

const fm: Actor = { kind: 'operator', name: 'fran', address: '127.0.0.1' };
const NOW = new Date('2026-03-02T09:00:00Z');

/** A Windows 4624 as NXLog's JSON carries it (local time, no zone), a minute before NOW in Berlin. */
const nxlog4624 = (account: string, domain: string | null, host: string, record: number, logonType = 2) => ({
  EventTime: '2026-03-02 09:59:00',
  Hostname: host,
  EventID: 4624,
  Channel: 'Security',
  RecordNumber: record,
  TargetUserName: account,
  ...(domain ? { TargetDomainName: domain } : {}),
  TargetLogonId: `0x${record.toString(16)}`,
  LogonType: String(logonType),
});

describe('logins: account and workstation identity (real SQLite, journal, access index, correlation engine)', () => {
  let dir: string;
  let db: Db;
  let journal: Journal;
  let bus: GatehouseBus;
  let clock: ManualClock;
  let access: AccessService;
  let engine: CorrelationEngine;
  let facts: LoginEvent[];
  let logins: LoginsGateway;

  const config = loadConfig({ env: {}, cwd: tmpdir() });
  const site = {
    ...config,
    site: { ...config.site, timeZone: 'Europe/Berlin' },
    logins: {
      ...config.logins,
      workstations: {
        'WS-7': { zone: 'floor-2', remote: false },
        '10.20.0.9': { zone: 'lab', acceptedZones: ['lab', 'floor-2'], remote: false },
        'jump-1': { zone: 'dc', remote: true },
      },
    },
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-logins-id-'));
    db = openDatabase({ path: join(dir, 'l.db'), synchronous: 'normal' });
    clock = new ManualClock(NOW);
    bus = new GatehouseBus();
    journal = new Journal(
      new SqliteJournalStore(db),
      loadOrCreateSigningKey(join(dir, 'k.pem')),
      clock,
      { batchMaxEntries: 500, batchMaxDelayMs: 0, checkpointEveryEntries: 1000, checkpointEverySeconds: 60 },
      bus,
      // Personal values sealed as the gateway's are, under the store's keyring.
      journalPrivacy(testKeyring(db)),
    );
    await journal.open();
    access = new AccessService(sealedAccessStore(db).store, journal, clock, bus);
    engine = new CorrelationEngine(settingsFrom(site.correlation, site.site.timeZone));
    facts = [];
    logins = new LoginsGateway(site, {
      journal,
      correlation: {
        observe: (f) => {
          facts.push(f as LoginEvent);
          engine.observe(f, clock.now().getTime());
        },
      },
      cardholders: () => access.engine.index.cardholders,
      accountDigest: siteAccountDigest(testKeyring(db)),
      bus,
      clock,
      log: () => undefined,
    });
  });

  afterEach(async () => {
    await logins.close();
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const person = (over: Parameters<typeof aCardholder>[0]) =>
    access.records.createCardholder(CardholderInput.parse(aCardholder(over)), fm);
  const take = (value: unknown, sourceAddress: string | null = '10.0.0.1') =>
    logins.take(interpretJson(value, JSON.stringify(value), { zone: logins.zone }), {
      via: 'http:test',
      sourceAddress,
    });
  const loginEntries = () =>
    (
      db
        .prepare("SELECT entry_json FROM journal_entries WHERE type LIKE 'login.%' ORDER BY seq")
        .pluck()
        .all() as string[]
    ).map(
      (j) =>
        JSON.parse(j) as {
          type: string;
          subjects: { kind: string; id: string }[];
          payload: Record<string, unknown>;
          timeSource?: string;
          sourceZone?: string;
        },
    );

  it('maps DOMAIN\\user, user@domain and another case to the cardholder naming the account', async () => {
    const ann = await person({ name: 'Ann Archer', directoryAccount: 'CORP\\ann' });
    const bob = await person({ name: 'Bob Baker', directoryAccount: 'bob@corp' });
    expect(await take(nxlog4624('ANN', 'corp', 'ws-7', 1))).toMatchObject({
      outcome: 'accepted',
      mapped: true,
    });
    expect(await take(nxlog4624('Corp\\Bob', null, 'ws-7', 2))).toMatchObject({
      outcome: 'accepted',
      mapped: true,
    });
    expect(await take(nxlog4624('ann', null, 'ws-7', 3))).toMatchObject({
      outcome: 'accepted',
      mapped: false,
    });
    // The rules get the account's keyed digest, never its name: one digest per account, whatever the spelling.
    const digest = siteAccountDigest(testKeyring(db));
    expect(facts.map((f) => [f.account, f.personId])).toEqual([
      [digest('corp\\ann'), ann.id],
      [digest('corp\\bob'), bob.id],
      [digest('ann'), null],
    ]);
    expect(facts[0]!.account).toMatch(/^acct:[0-9a-f]{32}$/);
    const entries = loginEntries();
    expect(entries[0]!.subjects).toEqual([
      { kind: 'person', id: ann.id },
      { kind: 'workstation', id: 'ws-7' },
    ]);
    expect(entries[0]!.payload).toMatchObject({
      account: { commitment: expect.any(String) },
      accountKey: digest('corp\\ann'),
      personId: ann.id,
      zone: 'floor-2',
    });
    // NXLog's EventTime has no zone: read in the site's, and said so.
    expect(entries[0]!.payload.occurredAt).toBe('2026-03-02T08:59:00.000Z');
    expect(entries[0]!.timeSource).toBe('device-assumed-zone');
    expect(entries[0]!.sourceZone).toBe('Europe/Berlin');
    expect(engine.counters.unmapped).toBe(1);
    expect(logins.unmappedAccounts()).toEqual([{ account: 'ann', count: 1, lastSeen: NOW.toISOString() }]);
  });

  it('sees a cardholder created or renamed after the first login (the mapping is rebuilt, not stale)', async () => {
    expect(await take(nxlog4624('cara', 'CORP', 'ws-7', 10))).toMatchObject({ mapped: false });
    const cara = await person({ name: 'Cara Cole', directoryAccount: 'CORP\\cara' });
    expect(await take(nxlog4624('cara', 'CORP', 'ws-7', 11))).toMatchObject({ mapped: true });
    await access.records.updateCardholder(cara.id, { directoryAccount: 'CORP\\ccole' }, fm);
    expect(await take(nxlog4624('cara', 'CORP', 'ws-7', 12))).toMatchObject({ mapped: false });
    expect(await take(nxlog4624('ccole', 'CORP', 'ws-7', 13))).toMatchObject({ mapped: true });
    expect(facts.at(-1)!.personId).toBe(cara.id);
  });

  it('forgets the account of an erased person, even when only other cardholders change afterwards', async () => {
    const ines = await person({ name: 'Ines Ito', directoryAccount: 'CORP\\ines' });
    expect(await take(nxlog4624('ines', 'CORP', 'ws-7', 30))).toMatchObject({ mapped: true });
    await access.records.eraseCardholder(ines.id, 'DSR-9', fm, personErasure(testKeyring(db)));
    // Another person changed after the erasure: the account map is updated person by person.
    await person({ name: 'Jon Jay', directoryAccount: 'CORP\\jon' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await take(nxlog4624('ines', 'CORP', 'ws-7', 31))).toMatchObject({ mapped: false });
    expect(facts.at(-1)!.personId).toBeNull();
    expect(await take(nxlog4624('jon', 'CORP', 'ws-7', 32))).toMatchObject({ mapped: true });
  });

  it('places workstations by name, short name or sending address, and marks jump hosts remote', async () => {
    await take(nxlog4624('dan', 'CORP', 'WS-7.corp.example.com', 20));
    await take(nxlog4624('dan', 'CORP', 'lab-pc', 21), '::ffff:10.20.0.9');
    await take(nxlog4624('dan', 'CORP', 'jump-1', 22));
    await take(nxlog4624('dan', 'CORP', 'nowhere', 23));
    expect(facts.map((f) => [f.host, f.zone, f.acceptedZones ?? null, f.remote])).toEqual([
      ['ws-7.corp.example.com', 'floor-2', null, false],
      ['lab-pc', 'lab', ['lab', 'floor-2'], false],
      ['jump-1', 'dc', null, true],
      ['nowhere', null, null, false],
    ]);
    expect(logins.counters().unplacedWorkstations).toBe(1);
    expect(new WorkstationMap({}).placeOf('ws-7', '10.0.0.1')).toBeNull();
  });

  it('hands the rules session actions only, and journals a failed logon without a fact', async () => {
    const syslog = (text: string) => {
      const parsed = parseSyslogText(text, { now: NOW, zone: 'UTC' });
      if (!parsed.ok) throw new Error(parsed.reason);
      return logins.take(interpretSyslog(parsed.message, text, { zone: 'UTC' }), {
        via: 'syslog-tcp:t',
        sourceAddress: '10.0.0.2',
      });
    };
    expect(
      await syslog(
        '<86>1 2026-03-02T08:58:00Z pc-1 sshd 4242 - - pam_unix(login:session): session opened for user eve(uid=1000) by LOGIN(uid=0)',
      ),
    ).toMatchObject({ outcome: 'accepted', action: 'session-opened' });
    expect(
      await syslog(
        '<86>1 2026-03-02T08:58:05Z pc-1 CRON 4243 - - pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)',
      ),
    ).toEqual({ outcome: 'ignored', reason: 'ignored-service' });
    await take({ ...nxlog4624('eve', 'CORP', 'ws-7', 30), EventID: 4625, Status: '0xc000006d' });
    expect(facts.map((f) => f.action)).toEqual(['logon']);
    expect(loginEntries().map((e) => e.type)).toEqual(['login.session-opened', 'login.logon-failed']);
  });

  it('keeps the raw message bounded and refuses events from the future', async () => {
    const long = { ...nxlog4624('fay', 'CORP', 'ws-7', 40), Message: 'x'.repeat(10_000) };
    await take(long);
    // Sealed in the journal: read as a view opens it.
    const [entry] = loginEntries().map((e) => journal.openForView(e as unknown as JournalEntry));
    expect((entry!.payload.raw as string).length).toBe(MAX_RAW_CHARS);
    expect(entry!.payload.rawTruncated).toBe(true);
    const future = { ...nxlog4624('fay', 'CORP', 'ws-7', 41), EventTime: '2026-03-02 11:30:00' };
    expect(await take(future)).toEqual({ outcome: 'unknown', reason: 'from-the-future' });
    expect(logins.keptUnknown()).toEqual([
      expect.objectContaining({ reason: 'from-the-future', via: 'http:test' }),
    ]);
  });

  it('seals account names: a mapped one under the person, one that maps to nobody under its own key; the files hold neither', async () => {
    const zeb = await person({ name: 'Zeb Quill', directoryAccount: 'CORP\\zebulonq' });
    expect(await take(nxlog4624('zebulonq', 'CORP', 'ws-7', 50))).toMatchObject({ mapped: true });
    expect(await take(nxlog4624('quintessav', 'CORP', 'ws-7', 51))).toMatchObject({ mapped: false });
    const line =
      '<86>1 2026-03-02T08:58:00Z pc-1 sshd 4242 - - pam_unix(login:session): session opened for user quintessav(uid=1000) by LOGIN(uid=0)';
    const parsed = parseSyslogText(line, { now: NOW, zone: 'UTC' });
    if (!parsed.ok) throw new Error(parsed.reason);
    await logins.take(interpretSyslog(parsed.message, line, { zone: 'UTC' }), {
      via: 'syslog-tcp:t',
      sourceAddress: '10.0.0.2',
    });
    const stored = loginEntries() as unknown as JournalEntry[];
    expect(stored.map((e) => e.personal?.personId)).toEqual([
      zeb.id,
      unmappedHolder(siteAccountDigest(testKeyring(db))('corp\\quintessav')),
      unmappedHolder(siteAccountDigest(testKeyring(db))('quintessav')),
    ]);
    for (const e of stored) {
      expect(e.personal!.paths).toEqual(['account', 'raw']);
      expect(JSON.stringify(e)).not.toMatch(/zebulonq|quintessav/i);
    }
    // Whoever may read the journal sees them opened, the name and the raw message as received.
    const views = stored.map((e) => journal.openForView(e));
    expect(views.map((v) => v.payload.account)).toEqual(['CORP\\zebulonq', 'CORP\\quintessav', 'quintessav']);
    expect(views[2]!.payload.raw).toBe(line);
    await journal.close();
    const hits = scanDatabaseFiles(db, join(dir, 'l.db'), [
      ...textNeedles('mapped account', 'zebulonq'),
      ...textNeedles('unmapped account', 'quintessav'),
    ]);
    expect(hits).toEqual([]);
  });
});
