import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatehouseBus, ManualClock } from '@gatehouse/contracts';
import type { Journal } from '@gatehouse/journal';
import { openTestJournal } from '@gatehouse/testing';
import type { Db } from '@gatehouse/storage';
import {
  alarmCommentSealing,
  AlarmsService,
  DEFAULT_LOCK_RULES,
  NotificationOutbox,
  type OutboxSettings,
  workstationLockTransport,
} from '@gatehouse/alarms';

const SETTINGS: OutboxSettings = {
  horizonMs: 3_600_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  failingAlarmAfterMs: 600_000,
  sendTimeoutMs: 30_000,
};
const SECRET = 'lock-test-secret';

/** A workstation agent's receiver on loopback: records each request with its headers and body. */
const agent = async (port = 0) => {
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    got,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};

/** What an agent does before it locks: the signature over "<timestamp>.<body>" with the shared secret. */
const verifies = (headers: IncomingHttpHeaders, body: string) =>
  headers['x-gatehouse-signature'] ===
  `sha256=${createHmac('sha256', SECRET)
    .update(`${String(headers['x-gatehouse-timestamp'])}.${body}`)
    .digest('hex')}`;

const until = async (what: () => boolean) => {
  for (let i = 0; i < 300 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(what()).toBe(true);
};

describe('workstation lock webhook (real outbox, real journal, a real receiver on 127.0.0.1)', () => {
  let dir: string;
  let db: Db;
  let clock: ManualClock;
  let journal: Journal;
  let bus: GatehouseBus;
  let alarms: AlarmsService;
  let outbox: NotificationOutbox;

  const start = (port: number) => {
    outbox = new NotificationOutbox(
      db,
      journal,
      clock,
      bus,
      [
        workstationLockTransport({
          url: `http://127.0.0.1:${port}/lock`,
          secret: SECRET,
          rules: DEFAULT_LOCK_RULES,
          userAgent: 'Gatehouse/test',
        }),
      ],
      SETTINGS,
    );
    alarms.notifyThrough(outbox);
    outbox.start();
  };
  // As the correlation service raises it: the person as cardholder, the workstation session named.
  const raiseAlert = (rule: string, sourceKey: string) =>
    alarms.raise({
      type: rule,
      priority: 'high',
      silent: false,
      cardholderId: 'person-ann',
      detail: 'session of CORP\\ann at ws-017 still open after leaving floor-2',
      at: clock.now().getTime(),
      sourceKey,
      workstation: { host: 'ws-017', sessionId: '42' },
    });
  const journaled = (type: string) =>
    (db.prepare('SELECT entry_json FROM journal_entries WHERE type = ?').pluck().all(type) as string[]).map(
      (e) => (JSON.parse(e) as { payload: Record<string, unknown> }).payload,
    );

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-lock-'));
    clock = new ManualClock('2026-06-01T09:00:00Z');
    const opened = await openTestJournal(dir, clock);
    ({ db, journal } = opened);
    bus = new GatehouseBus();
    alarms = new AlarmsService(
      db,
      journal,
      clock,
      bus,
      { escalateAfterSeconds: { critical: 0, high: 0, medium: 0, low: 0 }, autoResolve: [] },
      alarmCommentSealing(opened.keyring),
    );
  });
  afterEach(async () => {
    outbox.stop();
    alarms.stop();
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends one signed POST with the host and session, nothing of the person, and journals request and delivery', async () => {
    const http = await agent();
    start(http.port);
    const alarm = await raiseAlert('session-after-badge-out', 'k1');
    // Another rule is not configured to lock: it goes to nobody.
    await raiseAlert('impossible-travel', 'k2');
    await until(() => journaled('notification.delivered').length === 1);
    expect(http.got).toHaveLength(1);
    const { headers, body } = http.got[0]!;
    expect(verifies(headers, body)).toBe(true);
    expect(verifies(headers, body.replace('ws-017', 'ws-018'))).toBe(false);
    const doc = JSON.parse(body) as Record<string, unknown>;
    expect(doc).toEqual({
      deliveryId: headers['x-gatehouse-delivery'],
      kind: 'workstation-lock',
      alertId: alarm.id,
      rule: 'session-after-badge-out',
      workstation: 'ws-017',
      sessionId: '42',
      at: '2026-06-01T09:00:00.000Z',
      reason: 'the session is still active after its user badged out',
    });
    expect(body).not.toContain('person-ann');
    expect(body).not.toContain('ann');
    expect(journaled('notification.requested')).toEqual([
      expect.objectContaining({ alarmId: alarm.id, deliveryId: doc.deliveryId, change: 'alarm.raised' }),
    ]);
    expect(journaled('notification.delivered')).toEqual([
      expect.objectContaining({ alarmId: alarm.id, attempts: 1 }),
    ]);
    const all = (db.prepare('SELECT entry_json FROM journal_entries').pluck().all() as string[]).join('\n');
    expect(all).not.toContain(SECRET);
    await http.close();
  });

  it('retries while the receiver is down and delivers once it is back, with the same delivery id', async () => {
    // A port that was just free: nothing listens on it until the agent comes back.
    const probe = await agent();
    const port = probe.port;
    await probe.close();
    start(port);
    await raiseAlert('session-after-badge-out', 'k1');
    await until(() => outbox.stats()[0]!.failures >= 1);
    expect(outbox.stats()[0]).toMatchObject({ pending: 1, delivered: 0 });
    const http = await agent(port);
    for (let i = 0; i < 100 && http.got.length === 0; i++) {
      clock.advance(5_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    await until(() => outbox.stats()[0]!.delivered === 1);
    expect(http.got).toHaveLength(1);
    expect(verifies(http.got[0]!.headers, http.got[0]!.body)).toBe(true);
    expect(journaled('notification.requested')).toHaveLength(1);
    expect(journaled('notification.delivered')).toEqual([
      expect.objectContaining({ attempts: outbox.stats()[0]!.failures + 1 }),
    ]);
    await http.close();
  });

  it('cancels a request still queued when its alert is withdrawn: never sent', async () => {
    const probe = await agent();
    const port = probe.port;
    await probe.close();
    start(port);
    await raiseAlert('session-after-badge-out', 'k1');
    await until(() => outbox.stats()[0]!.failures >= 1);
    await alarms.withdrawn({
      type: 'session-after-badge-out',
      sourceKey: 'k1',
      reason: 'a later badge-in disproved it',
      at: clock.now().getTime(),
    });
    expect(outbox.stats()[0]).toMatchObject({ pending: 0, cancelled: 1 });
    const http = await agent(port);
    for (let i = 0; i < 30; i++) {
      clock.advance(10_000);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(http.got).toHaveLength(0);
    expect(journaled('notification.delivered')).toHaveLength(0);
    expect(journaled('alarm.withdrawn')).toHaveLength(1);
    await http.close();
  });

  it('leaves a delivered request alone when the alert is withdrawn after it', async () => {
    const http = await agent();
    start(http.port);
    await raiseAlert('session-after-badge-out', 'k1');
    await until(() => outbox.stats()[0]!.delivered === 1);
    await alarms.withdrawn({
      type: 'session-after-badge-out',
      sourceKey: 'k1',
      reason: 'late badge-in',
      at: 0,
    });
    await new Promise((r) => setTimeout(r, 50));
    // No second request (no "unlock"): the withdrawal is not a change this target hears of.
    expect(http.got).toHaveLength(1);
    expect(outbox.stats()[0]).toMatchObject({ cancelled: 0, pending: 0 });
    await http.close();
  });
});
