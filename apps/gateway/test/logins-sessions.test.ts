import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessService, CardholderInput } from '@gatehouse/access';
import { loadConfig } from '@gatehouse/config';
import { type Actor, GatehouseBus, ManualClock } from '@gatehouse/contracts';
import { Journal, JournalReader, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { interpretJson } from '@gatehouse/logins';
import { journalPrivacy } from '@gatehouse/privacy';
import { type Db, openDatabase, ReadPool } from '@gatehouse/storage';
import { aCardholder, sealedAccessStore, testKeyring } from '@gatehouse/testing';
import { siteAccountDigest } from '../src/logins/account-digest';
import { LoginsGateway } from '../src/logins/logins-gateway';

const fm: Actor = { kind: 'operator', name: 'fran', address: '127.0.0.1' };
const NOW = new Date('2026-03-02T08:10:00Z');
const MIN = 60_000;

/** A Windows Security event as NXLog's JSON carries it, at `minute` past 08:00 UTC. */
const windows = (
  eventId: number,
  account: string,
  host: string,
  record: number,
  logonId: string,
  minute: number,
  logonType?: number,
) => ({
  EventTime: new Date(Date.UTC(2026, 2, 2, 8, minute)).toISOString(),
  Hostname: host,
  EventID: eventId,
  Channel: 'Security',
  RecordNumber: record,
  TargetUserName: account,
  TargetDomainName: 'CORP',
  TargetLogonId: logonId,
  ...(logonType ? { LogonType: String(logonType) } : {}),
});

// Two gateway starts on a real database: on a loaded machine more than jest's default 5 s.
jest.setTimeout(30_000);

describe('login sessions (real SQLite journal, kept across a restart)', () => {
  let dir: string;
  let path: string;
  let clock: ManualClock;
  let open: { db: Db; journal: Journal; pool: ReadPool; access: AccessService; logins: LoginsGateway } | null;

  const config = loadConfig({ env: {}, cwd: tmpdir() });
  const site = {
    ...config,
    logins: {
      ...config.logins,
      timeZone: 'UTC',
      workstations: { 'ws-7': { zone: 'floor-2', remote: false } },
      sessions: { idleTimeoutMinutes: 60, lockedTimeoutMinutes: 30, maxSessions: 1000 },
    },
  };

  /** The gateway's login parts over the database at `path`, sessions restored from its journal. */
  const start = async () => {
    const db = openDatabase({ path, synchronous: 'normal' });
    const bus = new GatehouseBus();
    const journal = new Journal(
      new SqliteJournalStore(db),
      loadOrCreateSigningKey(join(dir, 'k.pem')),
      clock,
      { batchMaxEntries: 500, batchMaxDelayMs: 0, checkpointEveryEntries: 1000, checkpointEverySeconds: 60 },
      bus,
      journalPrivacy(testKeyring(db)),
    );
    await journal.open();
    const pool = new ReadPool(path, 1);
    const access = new AccessService(sealedAccessStore(db).store, journal, clock, bus);
    const logins = new LoginsGateway(site, {
      journal,
      correlation: null,
      cardholders: () => access.engine.index.cardholders,
      accountDigest: siteAccountDigest(testKeyring(db)),
      bus,
      clock,
      log: () => undefined,
    });
    await logins.restoreSessions(new JournalReader(pool), (e) => journal.openForView(e));
    open = { db, journal, pool, access, logins };
    return open;
  };

  const stop = async () => {
    if (!open) return;
    const { db, journal, pool, logins } = open;
    open = null;
    await logins.close();
    await journal.close();
    await pool.close();
    db.close();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gh-logins-sessions-'));
    path = join(dir, 's.db');
    clock = new ManualClock(NOW);
    open = null;
  });

  afterEach(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const take = (logins: LoginsGateway, value: unknown) =>
    logins.take(interpretJson(value, JSON.stringify(value), { zone: 'UTC' }), {
      via: 'http:test',
      sourceAddress: null,
    });
  const summary = (logins: LoginsGateway) =>
    logins
      .trackedSessions()
      .map((s) => [
        s.personId ?? s.account ?? s.accountDigest,
        s.host,
        s.state,
        new Date(s.since).toISOString(),
      ]);

  it('opens at a logon and at an unlock, ends at a logoff or a lock, and the same sessions are there after a restart', async () => {
    const { access, logins } = await start();
    const ann = await access.records.createCardholder(
      CardholderInput.parse(aCardholder({ name: 'Ann Archer', directoryAccount: 'CORP\\ann' })),
      fm,
    );
    await take(logins, windows(4624, 'ann', 'ws-7', 1, '0x10', 1, 2));
    await take(logins, windows(4624, 'bob', 'ws-8', 2, '0x20', 2, 2));
    await take(logins, windows(4624, 'cid', 'ws-9', 3, '0x30', 3, 2));
    await take(logins, windows(4800, 'bob', 'ws-8', 4, '0x20', 4));
    await take(logins, windows(4624, 'cid', 'ws-9', 5, '0x31', 5, 10));
    await take(logins, windows(4634, 'cid', 'ws-9', 6, '0x30', 6, 2));
    await take(logins, windows(4634, 'cid', 'ws-9', 7, '0x31', 7, 10));
    const before = summary(logins);
    expect(before).toEqual([
      ['CORP\\bob', 'ws-8', 'locked', '2026-03-02T08:02:00.000Z'],
      [ann.id, 'ws-7', 'open', '2026-03-02T08:01:00.000Z'],
    ]);
    expect(logins.counters().sessions).toMatchObject({ opened: 3, closed: 1, locked: 1 });

    await stop();
    const again = await start();
    // The names come back from the sealed entries, opened with the keys of the same database.
    expect(summary(again.logins)).toEqual(before);
    await take(again.logins, windows(4801, 'bob', 'ws-8', 8, '0x20', 8));
    expect(summary(again.logins)[0]).toEqual(['CORP\\bob', 'ws-8', 'open', '2026-03-02T08:08:00.000Z']);
  });

  it('times out a session whose logoff never came, also when the gateway was down meanwhile', async () => {
    const { logins } = await start();
    await take(logins, windows(4624, 'dee', 'ws-7', 1, '0x1', 5, 2));
    clock.advance(30 * MIN);
    expect(summary(logins)).toHaveLength(1);
    clock.advance(31 * MIN);
    expect(summary(logins)).toEqual([]);
    expect(logins.counters().sessions.timedOut).toBe(1);
    await take(logins, windows(4624, 'dee', 'ws-7', 2, '0x2', 65, 2));
    await stop();
    // Journaled at 09:11 for a logon at 09:05; the gateway is back at 10:09: read back, and timed out.
    clock.advance(58 * MIN);
    const again = await start();
    expect(summary(again.logins)).toEqual([]);
    expect(again.logins.counters().sessions).toMatchObject({ opened: 1, timedOut: 1 });
  });
  it('an account mapped while its session is open makes the session the person’s at once, journaled, and so after a restart', async () => {
    const { access, logins, pool } = await start();
    await take(logins, windows(4624, 'eve', 'ws-7', 1, '0x40', 1, 2));
    await take(logins, windows(4624, 'eve', 'ws-8', 2, '0x41', 2, 10));
    expect(summary(logins).map((s) => s[0])).toEqual(['CORP\\eve', 'CORP\\eve']);
    // The directory sync, a CSV import and the console all land as a cardholder change.
    const eve = await access.records.createCardholder(
      CardholderInput.parse(aCardholder({ name: 'Eve Ek', directoryAccount: 'eve@corp' })),
      fm,
    );
    expect(summary(logins)).toEqual([
      [eve.id, 'ws-8', 'open', '2026-03-02T08:02:00.000Z'],
      [eve.id, 'ws-7', 'open', '2026-03-02T08:01:00.000Z'],
    ]);
    const attributed = async () =>
      new JournalReader(pool).since(0, { types: ['login.session-attributed'] }, 10);
    for (let i = 0; i < 50 && (await attributed()).length < 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    const entries = await attributed();
    expect(entries.map((e) => [e.subjects, e.payload.host, e.payload.personId]).sort()).toEqual([
      [
        [
          { kind: 'person', id: eve.id },
          { kind: 'workstation', id: 'ws-7' },
        ],
        'ws-7',
        eve.id,
      ],
      [
        [
          { kind: 'person', id: eve.id },
          { kind: 'workstation', id: 'ws-8' },
        ],
        'ws-8',
        eve.id,
      ],
    ]);
    // The logoff of the session opened before the mapping still ends it.
    await take(logins, windows(4634, 'eve', 'ws-8', 3, '0x41', 3, 10));
    const before = summary(logins);
    expect(before).toEqual([[eve.id, 'ws-7', 'open', '2026-03-02T08:01:00.000Z']]);

    await stop();
    const again = await start();
    expect(summary(again.logins)).toEqual(before);
  });
});
