import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Cardholder } from '@gatehouse/access';
import { loadConfig } from '@gatehouse/config';
import { GatehouseBus, type JournalEntry, systemClock } from '@gatehouse/contracts';
import { startStreamSyslog } from '@gatehouse/ingest';
import { interpretSyslog } from '@gatehouse/logins';
import { openDatabase } from '@gatehouse/storage';
import { aCardholderRecord } from '@gatehouse/testing';
import { accountDigester } from '../apps/gateway/src/logins/account-digest';
import { LoginsGateway } from '../apps/gateway/src/logins/logins-gateway';
import { authLines, bareReader, beatsRate, timed, USERS } from './ingest';
import { benchJournal, option, round, say } from './util';

const person = (i: number): Cardholder => aCardholderRecord(`p-${i}`, { directoryAccount: USERS[i]! });

const ZONE = 'Europe/Zurich';

/**
 * The gateway's whole login path on one TCP connection: the syslog listener
 * (guards, framing, parsing), the login parsers and intake, identity, session
 * tracking and the journal (sealed account names, group commit); done when
 * every message has been judged and every accepted one committed.
 */
const fullPath = (expected: number, logins: LoginsGateway) => async () => {
  let settled = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const ctx = { zone: ZONE };
  const arrival = { via: 'syslog-tcp:bench', sourceAddress: '127.0.0.1' };
  const count = () => {
    if (++settled >= expected) finish();
  };
  const listener = await startStreamSyslog({
    name: 'bench',
    transport: 'tcp',
    host: '127.0.0.1',
    port: 0,
    allow: ['127.0.0.0/8'],
    rate: { perSecond: 1e9, burst: 1e9, maxSources: 10 },
    zone: ZONE,
    clock: systemClock,
    backpressure: logins.backpressure,
    onMessage: (m) => {
      logins.take(interpretSyslog(m.message, m.raw, ctx), arrival).then(count, count);
    },
  });
  return { port: listener.address.port, done, close: () => listener.close() };
};

/**
 * `npm run bench -- logins [--messages 100000] [--beats-events 50000]`:
 * syslog auth lines over TCP through the gateway's whole login path (listener,
 * parsing, intake, identity, sessions, sealed journal entries), beside a bare
 * TCP line reader fed the same bytes in the same run; and Beats events per
 * second through the Lumberjack listener and parsers.
 */
export const loginsBench = async (args: string[]) => {
  const messages = option(args, 'messages', 100_000);
  const beatsEvents = option(args, 'beats-events', 50_000);
  // --journal 0: the same path with appends answered at once, to tell the ingest side's cost from the journal's.
  const withJournal = option(args, 'journal', 1) === 1;
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-logins-'));
  const db = openDatabase({ path: join(dir, 'b.db'), synchronous: 'normal' });
  const bus = new GatehouseBus();
  const journal = benchJournal(db, dir, bus);
  await journal.open();
  try {
    const config = loadConfig({ env: {}, cwd: dir });
    // Three in four accounts map to a cardholder; the rest are sealed under their own holders.
    const cardholders = new Map(
      Array.from({ length: (USERS.length * 3) / 4 }, (_, i) => [`p-${i}`, person(i)] as const),
    );
    const workstations = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [
        `lab-ws-${String(i).padStart(2, '0')}`,
        { zone: `floor-${i % 5}`, remote: false },
      ]),
    );
    const logins = new LoginsGateway(
      { ...config, logins: { ...config.logins, workstations, timeZone: ZONE } },
      {
        journal: withJournal ? journal : { append: async () => ({}) as JournalEntry },
        correlation: null,
        cardholders: () => cardholders,
        accountDigest: accountDigester(randomBytes(32)),
        bus,
        clock: systemClock,
        log: () => undefined,
      },
    );
    const payload = Buffer.from(authLines(messages));
    say(
      `workload: ${messages} RFC 3164 auth lines (${round(payload.length / 1e6, 1)} MB) over one TCP connection; ${cardholders.size} of ${USERS.length} accounts mapped, 50 workstations`,
    );
    // Warm both paths once so the JIT has seen them before the measured runs (other keys: no duplicates).
    await timed(bareReader(20_000), Buffer.from(authLines(20_000)));
    // CPU time of the whole process (the sender is in it too, alike in both): on a loaded machine the
    // rates measure the neighbours as well, the CPU time per message much less.
    const cpu0 = process.cpuUsage();
    const bareMs = await timed(bareReader(messages), payload);
    const cpu1 = process.cpuUsage();
    const p0 = performance.now();
    const fullMs = await timed(fullPath(messages, logins), payload);
    const wallMs = performance.now() - p0;
    const cpu2 = process.cpuUsage();
    const cpuUs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => b.user - a.user + b.system - a.system;
    const bareCpuPerMsg = cpuUs(cpu0, cpu1) / messages;
    const fullCpuPerMsg = cpuUs(cpu1, cpu2) / messages;
    const c = logins.counters();
    const msgsPerS = (messages / fullMs) * 1000;
    const bareMsgsPerS = (messages / bareMs) * 1000;
    say(`bare TCP line reader: ${round(bareMsgsPerS, 0)} msgs/s, ${round(bareCpuPerMsg, 2)} µs CPU/msg`);
    say(
      `full path CPU: ${round(fullCpuPerMsg, 2)} µs/msg (the sender's share included, as in the bare run's)`,
    );
    say(
      `full path (listener, parsing, intake, identity, sessions, ${withJournal ? 'sealed journal' : 'NO journal'}): ${round(msgsPerS, 0)} msgs/s (${round(wallMs, 0)} ms; accepted ${c.accepted}, ignored ${JSON.stringify(c.ignored)}, sessions ${c.sessions.tracked}, journal failures ${c.journalFailures})`,
    );
    await logins.close();
    const beats = await beatsRate(beatsEvents, 2048);
    say(`beats: ${round(beats, 0)} events/s (batches of 2048, zlib-compressed, Winlogbeat 4624 documents)`);
    return {
      msgs_per_s: round(msgsPerS, 0),
      bare_reader_msgs_per_s: round(bareMsgsPerS, 0),
      ratio: round(msgsPerS / bareMsgsPerS, 2),
      cpu_us_per_msg: round(fullCpuPerMsg, 2),
      bare_cpu_us_per_msg: round(bareCpuPerMsg, 2),
      beats_events_per_s: round(beats, 0),
      messages,
      accepted: c.accepted,
    };
  } finally {
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
