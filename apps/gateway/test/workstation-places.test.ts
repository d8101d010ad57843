import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@gatehouse/config';
import { type Actor, GatehouseBus, ManualClock } from '@gatehouse/contracts';
import { Journal, JournalReader, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { interpretJson } from '@gatehouse/logins';
import { journalPrivacy } from '@gatehouse/privacy';
import { type Db, openDatabase, ReadPool } from '@gatehouse/storage';
import { testKeyring } from '@gatehouse/testing';
import { siteAccountDigest } from '../src/logins/account-digest';
import { LoginsGateway } from '../src/logins/logins-gateway';
import { WorkstationPlaces } from '../src/logins/workstation-places';

const fm: Actor = { kind: 'operator', name: 'fran', address: '127.0.0.1' };
const NOW = new Date('2026-03-02T08:10:00Z');

// Two starts on a real database: on a loaded machine more than jest's default 5 s.
jest.setTimeout(30_000);

describe('workstations placed on the console (real SQLite journal, kept across a restart)', () => {
  let dir: string;
  let open: { db: Db; journal: Journal; logins: LoginsGateway } | null = null;
  const config = loadConfig({ env: {}, cwd: tmpdir() });
  const site = {
    ...config,
    logins: {
      ...config.logins,
      timeZone: 'UTC',
      workstations: { 'ws-7': { zone: 'floor-2', remote: false } },
    },
  };

  const start = async () => {
    const db = openDatabase({ path: join(dir, 'w.db'), synchronous: 'normal' });
    const bus = new GatehouseBus();
    const clock = new ManualClock(NOW);
    const journal = new Journal(
      new SqliteJournalStore(db),
      loadOrCreateSigningKey(join(dir, 'k.pem')),
      clock,
      { batchMaxEntries: 500, batchMaxDelayMs: 0, checkpointEveryEntries: 1000, checkpointEverySeconds: 60 },
      bus,
      journalPrivacy(testKeyring(db)),
    );
    await journal.open();
    const logins = new LoginsGateway(site, {
      journal,
      correlation: null,
      cardholders: () => new Map(),
      accountDigest: siteAccountDigest(testKeyring(db)),
      bus,
      clock,
      log: () => undefined,
    });
    logins.places = new WorkstationPlaces(db, journal, logins.workstations, clock, (host) =>
      logins.relocateSessions(host),
    );
    logins.places.load();
    open = { db, journal, logins };
    return { db, journal, logins, places: logins.places };
  };
  const stop = async () => {
    if (!open) return;
    const { db, journal, logins } = open;
    open = null;
    await logins.close();
    await journal.close();
    db.close();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gh-ws-places-'));
  });
  afterEach(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let record = 0;
  const logon = (logins: LoginsGateway, host: string, sourceAddress: string | null = null) => {
    const value = {
      EventTime: NOW.toISOString(),
      Hostname: host,
      EventID: 4624,
      Channel: 'Security',
      RecordNumber: ++record,
      TargetUserName: 'ann',
      TargetDomainName: 'CORP',
      TargetLogonId: `0x${record}`,
      LogonType: '2',
    };
    return logins.take(interpretJson(value, JSON.stringify(value), { zone: 'UTC' }), {
      via: 'http:test',
      sourceAddress,
    });
  };
  const zoneOf = (logins: LoginsGateway, host: string) =>
    logins.trackedSessions().find((s) => s.host === host)?.zone;

  it('places a workstation in a zone or the remote class at once, journaled, and so after a restart', async () => {
    const { logins, places, db } = await start();
    await logon(logins, 'WS-9.corp.example.com');
    await logon(logins, 'vpn-1', '10.9.0.1');
    expect(logins.unplacedWorkstations().map((w) => w.host)).toEqual(['vpn-1', 'ws-9.corp.example.com']);

    await places.place('WS-9', { zone: 'floor-3', remote: false }, fm);
    await places.place('10.9.0.1', { zone: null, remote: true }, fm);
    // What is left to place leaves them out at once; the next logins carry the place.
    expect(logins.unplacedWorkstations()).toEqual([]);
    // The session already open there is in the zone at once, not at its next login.
    expect(zoneOf(logins, 'ws-9.corp.example.com')).toBe('floor-3');
    expect(logins.workstations.placeOf('ws-9.corp.example.com', null)).toEqual({
      zone: 'floor-3',
      remote: false,
    });
    expect(logins.workstations.placeOf('vpn-1', '::ffff:10.9.0.1')).toEqual({ zone: null, remote: true });
    // A console placing comes before the site file's for the same host.
    await places.place('ws-7', { zone: 'floor-4', remote: false }, fm);
    await logon(logins, 'ws-7');
    expect(zoneOf(logins, 'ws-7')).toBe('floor-4');

    const pool = new ReadPool(join(dir, 'w.db'), 1);
    const entries = await new JournalReader(pool).since(0, { types: ['workstation.*'] }, 10);
    await pool.close();
    expect(entries.map((e) => [e.type, e.payload, e.actor?.name])).toEqual([
      ['workstation.placed', { host: 'ws-9', zone: 'floor-3', remote: false, before: null }, 'fran'],
      ['workstation.placed', { host: '10.9.0.1', zone: null, remote: true, before: null }, 'fran'],
      ['workstation.placed', { host: 'ws-7', zone: 'floor-4', remote: false, before: null }, 'fran'],
    ]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM workstation_places').get()).toEqual({ n: 3 });

    await stop();
    const again = await start();
    expect(again.places.list().map((p) => [p.host, p.zone, p.remote, p.setBy])).toEqual([
      ['10.9.0.1', null, true, 'fran'],
      ['ws-7', 'floor-4', false, 'fran'],
      ['ws-9', 'floor-3', false, 'fran'],
    ]);
    expect(again.logins.workstations.placeOf('ws-9', null)?.zone).toBe('floor-3');

    // Taken back: the site file's place holds again; one never placed on the console is not taken back.
    expect(await again.places.unplace('WS-7', fm)).toBe(true);
    expect(again.logins.workstations.placeOf('ws-7', null)?.zone).toBe('floor-2');
    expect(await again.places.unplace('ws-7', fm)).toBe(false);
    await stop();
    const third = await start();
    expect(third.places.list().map((p) => p.host)).toEqual(['10.9.0.1', 'ws-9']);
  });
});
