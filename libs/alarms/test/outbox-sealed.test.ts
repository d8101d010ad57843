import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  alarmCommentSealing,
  AlarmsService,
  NotificationOutbox,
  notificationSealing,
  webhookTransport,
} from '@gatehouse/alarms';
import { GatehouseBus, ManualClock } from '@gatehouse/contracts';
import type { Journal } from '@gatehouse/journal';
import { erasePerson, NO_LEGAL_HOLD, type PrivacyKeyring } from '@gatehouse/privacy';
import type { Db } from '@gatehouse/storage';
import { openTestJournal, scanDatabaseFiles, textNeedles } from '@gatehouse/testing';

const PERSON = 'ch-philippa';
/** A correlation alert's detail names the account it saw: words no SQLite structure holds by chance. */
const DETAIL = 'login as CORP\\pwrexhamoyelaran at WS-0042 with no badge-in today';
const SETTINGS = {
  horizonMs: 3_600_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  failingAlarmAfterMs: 1_800_000,
  sendTimeoutMs: 30_000,
};

/** A webhook receiver that refuses (asking for a retry in ten minutes) until told to take; it keeps every body. */
const receiver = async () => {
  const bodies: Record<string, unknown>[] = [];
  let taking = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      if (taking) res.writeHead(200).end();
      else res.writeHead(503, { 'retry-after': '600' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    bodies,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    take: () => (taking = true),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};

const until = async (what: () => boolean) => {
  for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(what()).toBe(true);
};

describe('a queued notification about a person keeps its detail sealed (real SQLite, real journal, a real HTTP receiver)', () => {
  let dir: string;
  let db: Db;
  let path: string;
  let clock: ManualClock;
  let journal: Journal;
  let keyring: PrivacyKeyring;
  let alarms: AlarmsService;
  let outbox: NotificationOutbox | undefined;
  let http: Awaited<ReturnType<typeof receiver>>;

  const start = (sealed: boolean) => {
    outbox = new NotificationOutbox(
      db,
      journal,
      clock,
      new GatehouseBus(),
      [
        webhookTransport({
          events: ['alarm.raised'],
          silentAlarms: false,
          personalData: true,
          url: http.url,
          secret: 's',
          userAgent: 'Gatehouse/test',
        }),
      ],
      SETTINGS,
      undefined,
      sealed ? notificationSealing(keyring) : null,
    );
    alarms.notifyThrough(outbox);
    outbox.start();
  };
  const raiseAlert = () =>
    alarms.raise({
      type: 'login-without-badge-in',
      priority: 'high',
      silent: false,
      cardholderId: PERSON,
      detail: DETAIL,
      sourceKey: 'alert-1',
      at: clock.now().getTime(),
    });
  const queued = () =>
    db
      .prepare('SELECT document FROM notification_outbox WHERE given_up_at IS NULL')
      .pluck()
      .all() as string[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-outbox-sealed-'));
    clock = new ManualClock('2026-06-01T09:00:00Z');
    ({ db, journal, keyring, path } = await openTestJournal(dir, clock));
    alarms = new AlarmsService(
      db,
      journal,
      clock,
      new GatehouseBus(),
      undefined,
      alarmCommentSealing(keyring),
    );
    http = await receiver();
    outbox = undefined;
  });
  afterEach(async () => {
    outbox?.stop();
    alarms.stop();
    await http.close();
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds no clear detail in the file or its WAL while it waits, and sends it opened', async () => {
    start(true);
    await raiseAlert();
    await until(() => http.bodies.length === 1);
    // Refused once: the row waits out the receiver's ten minutes, its detail only as ciphertext.
    expect(queued()).toHaveLength(1);
    expect(queued()[0]).not.toContain('pwrexhamoyelaran');
    expect(scanDatabaseFiles(db, path, textNeedles('detail', DETAIL))).toEqual([]);
    // The receiver, which takes personal data, got the detail in words (and the sealed form never).
    expect(http.bodies[0]).toMatchObject({ cardholderId: PERSON, detail: DETAIL });
    expect(http.bodies[0]).not.toHaveProperty('$sealedDetail');
    http.take();
    clock.advance(600_000);
    await until(() => http.bodies.length === 2);
    expect(http.bodies[1]).toMatchObject({ detail: DETAIL });
    await until(() => outbox!.stats()[0]!.pending === 0);
  });

  it('sends "erased person" for a person erased while the notification waited', async () => {
    start(true);
    await raiseAlert();
    await until(() => http.bodies.length === 1);
    expect(erasePerson(keyring, NO_LEGAL_HOLD, PERSON).kind).toBe('erased');
    http.take();
    clock.advance(600_000);
    await until(() => http.bodies.length === 2);
    expect(http.bodies[1]).toMatchObject({ cardholderId: PERSON, detail: 'erased person' });
  });

  it('leaves the detail out, never keeping it in clear, when the outbox holds no keys', async () => {
    start(false);
    await raiseAlert();
    await until(() => http.bodies.length === 1);
    expect(http.bodies[0]).toMatchObject({ cardholderId: PERSON, detail: null });
    expect(scanDatabaseFiles(db, path, textNeedles('detail', DETAIL))).toEqual([]);
  });
});
