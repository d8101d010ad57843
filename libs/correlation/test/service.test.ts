import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  alarmCommentSealing,
  AlarmsService,
  DEFAULT_ALARM_SETTINGS,
  DEFAULT_LOCK_RULES,
  NotificationOutbox,
  workstationLockTransport,
} from '@gatehouse/alarms';
import { GatehouseBus, ManualClock, type JournalEntryInput } from '@gatehouse/contracts';
import { CorrelationService, defaultSettings } from '@gatehouse/correlation';
import { JournalReader } from '@gatehouse/journal';
import { ReadPool } from '@gatehouse/storage';
import { openTestJournal } from '@gatehouse/testing';

const T0 = Date.parse('2026-11-30T09:00:00Z');
// Each test opens a real SQLite file and a read worker, and some start twice: on a shared,
// loaded machine that takes longer than jest's 5 s default. Still bounded.
jest.setTimeout(30_000);
const open: (() => Promise<void>)[] = [];
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** The gateway's parts around the rules, on a real SQLite file: journal, read pool, alarm queue. */
const site = async (dir: string, clock: ManualClock, settings = defaultSettings()) => {
  const bus = new GatehouseBus();
  const { db, journal, path, keyring } = await openTestJournal(dir, clock, {}, bus);
  const pool = new ReadPool(path, 1);
  // As the gateway has it: a withdrawal's comment on an alarm about a person is sealed under their key.
  const alarms = new AlarmsService(
    db,
    journal,
    clock,
    bus,
    DEFAULT_ALARM_SETTINGS,
    alarmCommentSealing(keyring),
  );
  const service = new CorrelationService(settings, {
    journal,
    history: new JournalReader(pool),
    bus,
    clock,
    doorSides: (id) => (id === 'front' ? { zoneIn: 'office', zoneOut: 'outside' } : undefined),
    log: () => undefined,
  });
  await service.start();
  const entries = (type: string) =>
    (
      db
        .prepare('SELECT entry_json FROM journal_entries WHERE type = ? ORDER BY seq')
        .pluck()
        .all(type) as string[]
    ).map((j) => JSON.parse(j) as { payload: Record<string, unknown> });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    service.stop();
    alarms.stop();
    await journal.close();
    await pool.close();
    db.close();
  };
  open.push(close);
  return { db, bus, journal, alarms, service, entries, close };
};

const denied = (at: number, readerId = 'front-in'): JournalEntryInput => ({
  type: 'access.denied',
  source: 'access',
  subjects: [{ kind: 'reader', id: readerId }],
  payload: {
    reason: 'unknown-card',
    readerId,
    doorId: 'front',
    cardholderId: null,
    at,
    credential: { format: 'H10301', number: '99:1' },
  },
});
const granted = (at: number, direction: 'entry' | 'exit'): JournalEntryInput => ({
  type: 'access.granted',
  source: 'access',
  subjects: [{ kind: 'person', id: 'ann' }],
  payload: { reason: 'granted', readerId: 'front-in', doorId: 'front', direction, cardholderId: 'ann', at },
});

describe('correlation in the gateway: journal in, alarms out', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gh-corr-'))));
  afterEach(async () => {
    // A failed expectation must not leave the read pool's worker holding the process open.
    for (const close of open.splice(0)) await close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('raises a denial burst from journaled denials as one alarm, journaled with its evidence', async () => {
    const clock = new ManualClock(new Date(T0));
    const s = await site(dir, clock);
    for (let i = 0; i < 3; i++) {
      clock.advance(30_000);
      await s.journal.append(denied(clock.now().getTime()));
      await settle();
    }
    const raised = s.entries('correlation.alert-raised').map((e) => e.payload);
    expect(raised.map((p) => [p.rule, p.severity])).toEqual([['denial-burst', 'medium']]);
    expect((raised[0]!.evidence as unknown[]).length).toBe(3);
    expect(s.alarms.queue().map((a) => [a.type, a.readerId, a.detail])).toEqual([
      ['denial-burst', 'front-in', expect.stringMatching(/^3 denials at front-in/)],
    ]);
    await s.close();
  });

  it('withdraws a raised alert when a late fact disproves it: the alarm shows as withdrawn with the reason', async () => {
    const clock = new ManualClock(new Date(T0));
    const s = await site(dir, clock);
    // A session open when Ann leaves, raised after its grace...
    s.service.observe({
      kind: 'login',
      id: 'l1',
      at: T0 - 60 * 60_000,
      action: 'logon',
      account: 'corp\\ann',
      personId: 'ann',
      host: 'ws-1',
      zone: 'office',
      remote: false,
      sessionKey: '1',
      source: 'test',
    });
    await s.journal.append(granted(T0 - 2 * 60 * 60_000, 'entry'));
    await s.journal.append(granted(T0, 'exit'));
    await settle();
    clock.advance(4 * 60_000);
    // (the service ticks on its own timer; step it)
    clock.advance(15_000);
    await settle();
    expect(s.alarms.queue().map((a) => a.type)).toEqual(['session-after-badge-out']);
    // The session it is about, for a workstation-lock target: host and session id, no account.
    expect(s.alarms.queue()[0]!.workstation).toEqual({ host: 'ws-1', sessionId: '1' });
    // ...then the workstation's lock, sent before the exit, arrives late.
    s.service.observe({
      kind: 'login',
      id: 'l2',
      at: T0 - 20_000,
      action: 'lock',
      account: 'corp\\ann',
      personId: 'ann',
      host: 'ws-1',
      zone: 'office',
      remote: false,
      sessionKey: '1',
      source: 'test',
    });
    await settle();
    expect(s.alarms.queue()).toEqual([]);
    const [ended] = s.alarms.history(10);
    expect(ended).toMatchObject({ type: 'session-after-badge-out', state: 'withdrawn' });
    expect(ended!.comments.at(-1)!.text).toMatch(/^withdrawn: a lock at ws-1/);
    expect(s.entries('correlation.alert-withdrawn').map((e) => e.payload.rule)).toEqual([
      'session-after-badge-out',
    ]);
    expect(s.entries('alarm.withdrawn')).toHaveLength(1);
    await s.close();
  });

  it('asks the workstation to lock through the outbox once the alert is raised: host and session, signed, no account', async () => {
    const got: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    open.push(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const clock = new ManualClock(new Date(T0));
    const s = await site(dir, clock);
    const outbox = new NotificationOutbox(s.db, s.journal, clock, s.bus, [
      workstationLockTransport({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/lock`,
        secret: 'correlation-lock-secret',
        rules: DEFAULT_LOCK_RULES,
        userAgent: 'Gatehouse/test',
      }),
    ]);
    s.alarms.notifyThrough(outbox);
    outbox.start();
    open.unshift(async () => outbox.stop());
    s.service.observe({
      kind: 'login',
      id: 'l1',
      at: T0 - 60 * 60_000,
      action: 'logon',
      account: 'corp\\ann',
      personId: 'ann',
      host: 'ws-1',
      zone: 'office',
      remote: false,
      sessionKey: '7',
      source: 'test',
    });
    await s.journal.append(granted(T0 - 2 * 60 * 60_000, 'entry'));
    await s.journal.append(granted(T0, 'exit'));
    await settle();
    // Within the grace nothing is raised, so nothing is asked.
    clock.advance(60_000);
    await settle();
    expect(got).toHaveLength(0);
    clock.advance(3 * 60_000 + 15_000);
    for (let i = 0; i < 200 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(got).toHaveLength(1);
    const { headers, body } = got[0]!;
    const expected = createHmac('sha256', 'correlation-lock-secret')
      .update(`${String(headers['x-gatehouse-timestamp'])}.${body}`)
      .digest('hex');
    expect(headers['x-gatehouse-signature']).toBe(`sha256=${expected}`);
    expect(JSON.parse(body)).toMatchObject({
      kind: 'workstation-lock',
      rule: 'session-after-badge-out',
      workstation: 'ws-1',
      sessionId: '7',
      alertId: s.alarms.queue()[0]!.id,
    });
    expect(body).not.toMatch(/ann/);
    await s.close();
  });

  it('names no session when the source gave none: the session key is then the account, never passed on', async () => {
    const clock = new ManualClock(new Date(T0));
    const s = await site(dir, clock);
    s.service.observe({
      kind: 'login',
      id: 'l1',
      at: T0 - 60 * 60_000,
      action: 'logon',
      account: 'corp\\ann',
      personId: 'ann',
      host: 'ws-2',
      zone: 'office',
      remote: false,
      sessionKey: 'corp\\ann',
      source: 'test',
    });
    await s.journal.append(granted(T0 - 2 * 60 * 60_000, 'entry'));
    await s.journal.append(granted(T0, 'exit'));
    await settle();
    clock.advance(4 * 60_000 + 15_000);
    await settle();
    expect(s.alarms.queue().map((a) => [a.type, a.workstation])).toEqual([
      ['session-after-badge-out', { host: 'ws-2', sessionId: null }],
    ]);
    await s.close();
  });

  it('after a restart, replays the horizon and raises nothing twice', async () => {
    const clock = new ManualClock(new Date(T0));
    const first = await site(dir, clock);
    for (let i = 0; i < 3; i++) {
      clock.advance(30_000);
      await first.journal.append(denied(clock.now().getTime()));
      await settle();
    }
    expect(first.entries('correlation.alert-raised')).toHaveLength(1);
    await first.close();
    clock.advance(60_000);
    const second = await site(dir, clock);
    await settle();
    expect(second.entries('correlation.alert-raised')).toHaveLength(1);
    expect(second.service.engine.open()).toHaveLength(1);
    // A fourth denial in the same run is the same burst: still no new alert.
    await second.journal.append(denied(clock.now().getTime()));
    await settle();
    expect(second.entries('correlation.alert-raised')).toHaveLength(1);
    await second.close();
  });

  it('reads logins back from the journal: one fact with the live one, and the sessions survive a restart', async () => {
    const clock = new ManualClock(new Date(T0));
    const first = await site(dir, clock);
    const login = {
      kind: 'login' as const,
      id: 'rec:ws-1:security:4711',
      at: T0 - 60 * 60_000,
      action: 'logon' as const,
      account: 'corp\\ann',
      personId: 'ann',
      host: 'ws-1',
      zone: 'office',
      remote: false,
      sessionKey: '0x1',
      source: 'syslog-tcp:main 127.0.0.1',
    };
    // As the login intake does: the fact to the rules, then its entry to the journal.
    first.service.observe(login);
    await first.journal.append({
      type: 'login.logon',
      source: 'login:syslog-tcp:main',
      subjects: [{ kind: 'person', id: 'ann' }],
      payload: {
        action: 'logon',
        account: 'CORP\\ann',
        accountKey: 'corp\\ann',
        acceptedZones: null,
        personId: 'ann',
        host: 'ws-1',
        zone: 'office',
        remote: false,
        sessionId: '0x1',
        key: login.id,
        via: 'syslog-tcp:main',
        sourceAddress: '127.0.0.1',
        occurredAt: new Date(login.at).toISOString(),
      },
    });
    await first.journal.append(granted(T0 - 2 * 60 * 60_000, 'entry'));
    await settle();
    expect(first.service.engine.counters).toMatchObject({ observed: 2, duplicates: 1 });
    await first.close();

    // After a restart the session is known again: leaving with it open raises the alert.
    const second = await site(dir, clock);
    await second.journal.append(granted(T0, 'exit'));
    await settle();
    clock.advance(4 * 60_000);
    await settle();
    clock.advance(15_000);
    await settle();
    expect(second.alarms.queue().map((a) => a.type)).toEqual(['session-after-badge-out']);
    await second.close();
  });

  it("names each fact of an alert's evidence by its journal entry's seq, a login's learned when its entry comes round", async () => {
    const clock = new ManualClock(new Date(T0));
    const s = await site(dir, clock);
    const entered = await s.journal.append(granted(T0 - 2 * 60 * 60_000, 'entry'));
    const login = {
      kind: 'login' as const,
      id: 'rec:ws-1:security:4712',
      at: T0 - 60 * 60_000,
      action: 'logon' as const,
      account: 'acct:0a0b',
      personId: 'ann',
      host: 'ws-1',
      zone: 'office',
      remote: false,
      sessionKey: '0x2',
      source: 'syslog-tcp:main 127.0.0.1',
    };
    // As the login intake does: the fact to the rules first (no seq yet), then its entry to the journal.
    s.service.observe(login);
    const logged = await s.journal.append({
      type: 'login.logon',
      source: 'login:syslog-tcp:main',
      subjects: [{ kind: 'person', id: 'ann' }],
      payload: {
        action: 'logon',
        accountKey: login.account,
        personId: 'ann',
        host: 'ws-1',
        zone: 'office',
        remote: false,
        sessionId: '0x2',
        key: login.id,
        via: 'syslog-tcp:main',
        sourceAddress: '127.0.0.1',
        occurredAt: new Date(login.at).toISOString(),
      },
    });
    const left = await s.journal.append(granted(T0, 'exit'));
    await settle();
    clock.advance(4 * 60_000);
    await settle();
    clock.advance(15_000);
    await settle();
    const [raised] = s.entries('correlation.alert-raised').map((e) => e.payload);
    expect(raised).toMatchObject({ rule: 'session-after-badge-out' });
    expect((raised!.evidence as { id: string; seq?: number }[]).map((f) => [f.id, f.seq])).toEqual([
      [`j${entered.seq}`, entered.seq],
      [login.id, logged.seq],
      [`j${left.seq}`, left.seq],
    ]);
    await s.close();
  });

  it('puts the settings in force on record at the first start with them, and again only when they change', async () => {
    const clock = new ManualClock(new Date(T0));
    const first = await site(dir, clock);
    expect(first.entries('correlation.settings-in-force')).toHaveLength(1);
    await first.close();
    const same = await site(dir, clock);
    expect(same.entries('correlation.settings-in-force')).toHaveLength(1);
    await same.close();
    const base = defaultSettings();
    const longer = defaultSettings({
      rules: {
        ...base.rules,
        'login-without-badge-in': { ...base.rules['login-without-badge-in'], graceMs: 300_000 },
      },
    });
    const changed = await site(dir, clock, longer);
    const recorded = changed.entries('correlation.settings-in-force');
    expect(recorded).toHaveLength(2);
    expect(recorded[1]!.payload).toMatchObject({
      rules: { 'login-without-badge-in': { graceMs: 300_000, enabled: true, severity: 'high' } },
    });
  });
});
