import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatehouseBus, ManualClock, type AlarmRaised } from '@gatehouse/contracts';
import type { Journal } from '@gatehouse/journal';
import { openTestJournal } from '@gatehouse/testing';
import type { Db } from '@gatehouse/storage';
import { AlarmsService, NotificationOutbox, webhookTransport, type OutboxSettings } from '@gatehouse/alarms';

const SETTINGS: OutboxSettings = {
  horizonMs: 3_600_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  failingAlarmAfterMs: 120_000,
  sendTimeoutMs: 30_000,
};
const RULES = { events: ['alarm.raised', 'alarm.resolved'], silentAlarms: false, personalData: false };

/** A webhook receiver whose answer the test chooses; it records every delivery id it gets. */
const receiver = async () => {
  const got: string[] = [];
  let answer: (res: ServerResponse) => void = (res) => res.writeHead(200).end();
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      got.push(String(req.headers['x-gatehouse-delivery']));
      answer(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    got,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    answer: (a: (res: ServerResponse) => void) => (answer = a),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
};

const until = async (what: () => boolean) => {
  for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(what()).toBe(true);
};

describe('notification outbox (real SQLite, real journal, a real HTTP receiver)', () => {
  let dir: string;
  let db: Db;
  let clock: ManualClock;
  let journal: Journal;
  let bus: GatehouseBus;
  let alarms: AlarmsService;
  let http: Awaited<ReturnType<typeof receiver>>;
  const raisedAlarms: AlarmRaised[] = [];
  const outboxFor = (url: string) =>
    new NotificationOutbox(
      db,
      journal,
      clock,
      bus,
      [webhookTransport({ ...RULES, url, secret: 's', userAgent: 'Gatehouse/test' })],
      SETTINGS,
    );
  const pendingRows = () =>
    db.prepare('SELECT COUNT(*) FROM notification_outbox WHERE given_up_at IS NULL').pluck().get() as number;
  const raise = (doorId: string) =>
    alarms.raise({ type: 'forced-open', priority: 'high', silent: false, doorId, at: clock.now().getTime() });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-outbox-'));
    clock = new ManualClock('2026-06-01T09:00:00Z');
    ({ db, journal } = await openTestJournal(dir, clock));
    bus = new GatehouseBus();
    raisedAlarms.length = 0;
    bus.on('alarm.raised', 'test', (r) => raisedAlarms.push(r));
    alarms = new AlarmsService(db, journal, clock, bus, {
      escalateAfterSeconds: { critical: 0, high: 0, medium: 0, low: 0 },
      autoResolve: [],
    });
    http = await receiver();
  });
  afterEach(async () => {
    alarms.stop();
    await http.close();
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a notification through a failing receiver, retries it with backoff and the same delivery id, and honours Retry-After', async () => {
    const outbox = outboxFor(http.url);
    alarms.notifyThrough(outbox);
    outbox.start();
    http.answer((res) => res.writeHead(503, { 'retry-after': '600' }).end());
    await raise('d1');
    await until(() => http.got.length === 1);
    expect(pendingRows()).toBe(1);
    http.answer((res) => res.writeHead(200).end());
    clock.advance(599_000); // Retry-After said ten minutes
    await new Promise((r) => setTimeout(r, 50));
    expect(http.got).toHaveLength(1);
    clock.advance(1000);
    await until(() => http.got.length === 2);
    expect(http.got[1]).toBe(http.got[0]);
    await until(() => outbox.stats()[0]!.pending === 0);
    expect(outbox.stats()[0]).toMatchObject({ delivered: 1, failures: 1, failingSince: null });
    outbox.stop();
  });

  it('raises an alarm when a target fails longer than the threshold, and gives up at the horizon, journaled', async () => {
    const outbox = outboxFor(http.url);
    alarms.notifyThrough(outbox);
    outbox.start();
    http.answer((res) => res.writeHead(500).end());
    await raise('d1');
    await until(() => http.got.length === 1);
    for (let i = 0; i < 80 && raisedAlarms.length === 0; i++) {
      clock.advance(30_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(raisedAlarms[0]).toMatchObject({ type: 'notification-failing', priority: 'high' });
    expect(outbox.stats()[0]!.failingSince).not.toBeNull();
    for (let i = 0; i < 200 && outbox.stats()[0]!.givenUp === 0; i++) {
      clock.advance(60_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    const givenUp = db
      .prepare("SELECT entry_json FROM journal_entries WHERE type = 'notification.given-up'")
      .pluck()
      .all() as string[];
    expect(givenUp.map((e) => (JSON.parse(e) as { payload: unknown }).payload)).toEqual([
      expect.objectContaining({ change: 'alarm.raised', reason: 'HTTP 500', deliveryId: http.got[0] }),
    ]);
    // What is left is the younger notification of the failing-target alarm itself.
    expect(
      db
        .prepare("SELECT json_extract(document, '$.type') FROM notification_outbox WHERE given_up_at IS NULL")
        .pluck()
        .all(),
    ).toEqual(['notification-failing']);
    outbox.stop();
  });

  it('delivers what was pending at a restart, and gives up rows of a target no longer configured', async () => {
    const first = outboxFor(http.url);
    alarms.notifyThrough(first);
    // Not started: as if the process died before sending.
    await raise('d1');
    await raise('d2');
    first.stop();
    expect(pendingRows()).toBe(2);
    const again = outboxFor(http.url);
    again.start();
    await until(() => http.got.length === 2);
    await until(() => again.stats()[0]!.pending === 0);
    again.stop();
    expect(new Set(http.got).size).toBe(2);

    const elsewhere = outboxFor(http.url);
    alarms.notifyThrough(elsewhere);
    await raise('d3');
    elsewhere.stop();
    const moved = await receiver();
    const renamed = outboxFor(moved.url.replace('/hook', '/other'));
    renamed.start();
    await journal.append({ type: 'test.sync', source: 'test' });
    expect(
      db.prepare("SELECT COUNT(*) FROM journal_entries WHERE type = 'notification.given-up'").pluck().get(),
    ).toBe(1);
    expect(pendingRows()).toBe(0);
    renamed.stop();
    await moved.close();
  });

  it('never sends a silent alarm to a target not marked for silent alarms', async () => {
    const outbox = outboxFor(http.url);
    alarms.notifyThrough(outbox);
    outbox.start();
    await alarms.raise({ type: 'duress', priority: 'critical', silent: true, cardholderId: 'p1', at: 1 });
    await raise('d1');
    await until(() => http.got.length === 1);
    expect(
      db.prepare("SELECT COUNT(*) FROM notification_outbox WHERE document LIKE '%duress%'").pluck().get(),
    ).toBe(0);
    outbox.stop();
  });
});
