import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  type Alarm,
  AlarmsService,
  DEFAULT_OUTBOX_SETTINGS,
  NotificationOutbox,
  webhookTransport,
} from '@gatehouse/alarms';
import { GatehouseBus, systemClock } from '@gatehouse/contracts';
import { openDatabase } from '@gatehouse/storage';
import { benchJournal, option, percentile, round, say } from './util';

/** Absolute time in ms with sub-ms precision, comparable across threads. */
const nowAbs = () => performance.timeOrigin + performance.now();

/**
 * The receiver runs in its own thread (its own event loop), so what the
 * gateway's loop suffers is the gateway's alone. It answers 200 at once and
 * reports the arrival time of every alarm it gets.
 */
const RECEIVER = `
const { parentPort } = require('node:worker_threads');
const { createServer } = require('node:http');
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    res.end();
    let id = null;
    try { id = JSON.parse(body).id; } catch {}
    parentPort.postMessage({ id, at });
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
`;

const startReceiver = async () => {
  const worker = new Worker(RECEIVER, { eval: true });
  const arrivals = new Map<string, number>();
  let count = 0;
  const port = await new Promise<number>((resolve) => {
    worker.on('message', (m: { port?: number; id?: string | null; at?: number }) => {
      if (m.port) return resolve(m.port);
      count += 1;
      if (m.id && !arrivals.has(m.id)) arrivals.set(m.id, m.at!);
    });
  });
  return { port, arrivals, count: () => count, stop: () => worker.terminate() };
};

/** The reference: a bare keep-alive HTTP POST to the same receiver, one after the other. */
const barePosts = async (port: number, n: number) => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/bare', agent }, (res) =>
        res.resume().once('end', resolve),
      );
      req.once('error', reject);
      req.end(JSON.stringify({ id: `bare-${i}` }));
    });
    times.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { p99: percentile(times, 99), perSecond: n / seconds };
};

const until = async (what: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

export const notifyBench = async (args: string[]): Promise<Record<string, number>> => {
  const burst = option(args, 'alarms', 5000);
  const paced = option(args, 'paced', 500);
  const backlog = option(args, 'backlog', 10_000);
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-notify-'));
  const receiver = await startReceiver();
  const db = openDatabase({ path: join(dir, 'gatehouse.db'), synchronous: 'full' });
  const bus = new GatehouseBus();
  const journal = benchJournal(db, dir, bus);
  await journal.open();
  const alarms = new AlarmsService(db, journal, systemClock, bus, {
    escalateAfterSeconds: { critical: 0, high: 0, medium: 0, low: 0 },
    autoResolve: [],
  });
  const target = () =>
    webhookTransport({
      url: `http://127.0.0.1:${receiver.port}/hook`,
      secret: 'bench secret',
      events: ['alarm.raised'],
      silentAlarms: false,
      personalData: false,
      userAgent: 'Gatehouse/bench',
    });
  let outbox = new NotificationOutbox(db, journal, systemClock, bus, [target()], DEFAULT_OUTBOX_SETTINGS);
  alarms.notifyThrough(outbox);
  outbox.start();
  const raise = (door: string) =>
    alarms.raise({ type: 'forced-open', priority: 'high', silent: false, doorId: door, at: Date.now() });
  try {
    say(
      `workload: ${burst} alarms at once, then ${paced} alarms one every 5 ms, then a backlog of ${backlog} pending notifications; one webhook target (keep-alive HTTP, receiver in its own thread answering 200), journal and outbox on SQLite synchronous=FULL`,
    );
    // 1. Alarms raised as fast as they come: each committed with its journal entry and outbox row.
    let t = performance.now();
    await Promise.all(Array.from({ length: burst }, (_, i) => raise(`burst-${i}`)));
    const alarmsPerS = burst / ((performance.now() - t) / 1000);
    await until(() => receiver.arrivals.size >= burst, 120_000);
    say(`alarms committed with their notifications: ${round(alarmsPerS, 0)}/s`);

    // 2. Delivery latency, alarm raised to receiver, beside a bare POST to the same receiver.
    const raisedAt = new Map<string, number>();
    for (let i = 0; i < paced; i++) {
      const t0 = nowAbs();
      const a = await raise(`paced-${i}`);
      raisedAt.set(a.id, t0);
      await new Promise((r) => setTimeout(r, 5));
    }
    await until(() => [...raisedAt.keys()].every((id) => receiver.arrivals.has(id)), 60_000);
    const latencies = [...raisedAt].map(([id, t0]) => receiver.arrivals.get(id)! - t0);
    const deliveryP99 = percentile(latencies, 99);
    const bare = await barePosts(receiver.port, paced);
    say(
      `delivery alarm -> receiver: p50 ${round(percentile(latencies, 50), 2)} ms, p99 ${round(deliveryP99, 2)} ms; bare HTTP POST p99 ${round(bare.p99, 2)} ms (${round(bare.perSecond, 0)}/s sequential)`,
    );

    // 3. A backlog (a receiver back after an outage) drains while the loop stays free for doors.
    outbox.stop();
    outbox = new NotificationOutbox(db, journal, systemClock, bus, [target()], DEFAULT_OUTBOX_SETTINGS);
    const template = alarms.get([...raisedAt.keys()][0]!);
    db.transaction(() => {
      for (let i = 0; i < backlog; i++)
        outbox.enqueue(
          { ...template, id: randomUUID(), doorId: `backlog-${i}` } as Alarm,
          'alarm.raised',
          Date.now(),
        );
    })();
    const before = receiver.count();
    const lag = monitorEventLoopDelay({ resolution: 1 });
    lag.enable();
    t = performance.now();
    outbox.start();
    await until(() => receiver.count() - before >= backlog, 300_000);
    const drainSeconds = (performance.now() - t) / 1000;
    lag.disable();
    const lagP99 = lag.percentile(99) / 1e6;
    // The reference: the same loop, idle, for as long (what the machine itself costs).
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await new Promise((r) => setTimeout(r, Math.min(10_000, drainSeconds * 1000)));
    idle.disable();
    const idleP99 = idle.percentile(99) / 1e6;
    const drainPerS = backlog / drainSeconds;
    say(
      `backlog of ${backlog} drained in ${round(drainSeconds, 2)} s: ${round(drainPerS, 0)}/s (bare sequential POST ${round(bare.perSecond, 0)}/s); event-loop lag meanwhile p99 ${round(lagP99, 2)} ms, max ${round(lag.max / 1e6, 2)} ms; idle loop p99 ${round(idleP99, 2)} ms`,
    );
    return {
      alarms_per_s: round(alarmsPerS, 0),
      delivery_p99_ms: round(deliveryP99, 2),
      bare_post_p99_ms: round(bare.p99, 2),
      backlog_drain_per_s: round(drainPerS, 0),
      bare_post_per_s: round(bare.perSecond, 0),
      backlog_loop_lag_p99_ms: round(lagP99, 2),
      idle_loop_lag_p99_ms: round(idleP99, 2),
    };
  } finally {
    outbox.stop();
    alarms.stop();
    await journal.close();
    db.close();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};
