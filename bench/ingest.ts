import { createServer, type Server } from 'node:net';
import { Worker } from 'node:worker_threads';
import { systemClock } from '@gatehouse/contracts';
import { startBeatsListener, startStreamSyslog } from '@gatehouse/ingest';
import { interpretJson, interpretSyslog, LoginIntake } from '@gatehouse/logins';
import { option, round, say } from './util';

/**
 * The sender runs in its own thread, so the receiving loop (the one measured)
 * does not also pay for producing the bytes. It writes the whole payload to
 * one TCP connection as fast as the socket takes it, then closes.
 */
const SENDER = `
const { workerData, parentPort } = require('node:worker_threads');
const { connect } = require('node:net');
const socket = connect(workerData.port, '127.0.0.1', () => {
  parentPort.postMessage('connected');
  socket.end(Buffer.from(workerData.payload));
});
socket.on('error', (e) => parentPort.postMessage('error ' + e.message));
`;

export const send = (port: number, payload: Buffer) =>
  new Promise<void>((resolve, reject) => {
    const worker = new Worker(SENDER, { eval: true, workerData: { port, payload } });
    worker.on('message', (m: string) => (m.startsWith('error') ? reject(new Error(m)) : undefined));
    worker.on('exit', () => resolve());
  });

export const USERS = Array.from({ length: 200 }, (_, i) => `user${i}`);
/** Auth log lines as a Linux workstation sends them: sshd accepts, PAM sessions, logind, a cron line to ignore. */
export const authLines = (count: number): string => {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const user = USERS[i % USERS.length]!;
    const pid = 40_000 + (i % 5000);
    // Distinct times, so every line is its own fact (no duplicate keys).
    const time = new Date(Date.UTC(2026, 0, 5, 0, 0, 0) + i * 1000).toISOString().slice(11, 19);
    const host = `lab-ws-${String(i % 50).padStart(2, '0')}`;
    const body = [
      `sshd[${pid}]: Accepted publickey for ${user} from 192.0.2.${i % 250} port ${50_000 + (i % 10_000)} ssh2: ED25519 SHA256:Jm3uQ0tZ4c1oE9Yw7r2bq8kP0o5n6v1x2y3z4a5b6c7`,
      `sshd[${pid}]: pam_unix(sshd:session): session opened for user ${user}(uid=${1000 + (i % 200)}) by (uid=0)`,
      `systemd-logind[612]: New session ${i} of user ${user}.`,
      `CRON[${pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`,
    ][i % 4];
    lines.push(`<86>Jan  5 ${time} ${host} ${body}\n`);
  }
  return lines.join('');
};

export const timed = async (
  start: () => Promise<{ port: number; done: Promise<void>; close: () => Promise<void> }>,
  payload: Buffer,
) => {
  const server = await start();
  const began = performance.now();
  await send(server.port, payload);
  await server.done;
  const ms = performance.now() - began;
  await server.close();
  return ms;
};

/** The reference: a bare TCP reader that only finds line ends and counts them. */
export const bareReader = (expected: number) => async () => {
  let lines = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const server: Server = createServer((socket) => {
    socket.on('data', (chunk: Buffer) => {
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
      if (lines >= expected) finish();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { port, done, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

/** The real path: the syslog TCP listener (guards, framing, parsing) and the login parsers and intake. */
const ingestPath = (expected: number, intake: LoginIntake | null) => async () => {
  let seen = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const listener = await startStreamSyslog({
    name: 'bench',
    transport: 'tcp',
    host: '127.0.0.1',
    port: 0,
    allow: ['127.0.0.0/8'],
    rate: { perSecond: 1e9, burst: 1e9, maxSources: 10 },
    zone: 'Europe/Zurich',
    clock: systemClock,
    onMessage: (received) => {
      intake?.take(
        interpretSyslog(received.message, received.raw, { zone: 'Europe/Zurich' }),
        'bench',
        systemClock.now(),
      );
      if (++seen >= expected) finish();
    },
  });
  return { port: listener.address.port, done, close: () => listener.close() };
};

export const beatsRate = async (events: number, batchSize: number): Promise<number> => {
  const { LumberjackBenchSender } = await import('./ingest-beats-sender');
  const intake = new LoginIntake();
  const listener = await startBeatsListener({
    name: 'bench-beats',
    secure: false,
    host: '127.0.0.1',
    port: 0,
    allow: ['127.0.0.0/8'],
    rate: { perSecond: 1e9, burst: 1e9, maxSources: 10 },
    maxFrameBytes: 16 << 20,
    clock: systemClock,
    onEvent: (event) =>
      intake.take(interpretJson(event.value, event.raw, { zone: 'UTC' }), 'bench', systemClock.now()),
  });
  const sender = await LumberjackBenchSender.connect(listener.address.port);
  const began = performance.now();
  for (let sent = 0; sent < events; sent += batchSize) await sender.sendBatch(batchSize, sent);
  const ms = performance.now() - began;
  sender.close();
  await listener.close();
  if (intake.accepted === 0) throw new Error('beats bench: no login parsed');
  return (events / ms) * 1000;
};

/**
 * `npm run bench -- ingest [--messages N] [--beats-events N]`: syslog over
 * TCP through the listener, parser and login intake, beside a bare TCP line
 * reader fed the same bytes in the same run; and Beats events per second
 * through the Lumberjack listener with Winlogbeat-shaped documents.
 */
export const ingestBench = async (args: string[]) => {
  const messages = option(args, 'messages', 200_000);
  const beatsEvents = option(args, 'beats-events', 50_000);
  const payload = Buffer.from(authLines(messages));
  say(
    `workload: ${messages} RFC 3164 auth lines (${round(payload.length / 1e6, 1)} MB) over one TCP connection on loopback`,
  );
  // Warm both paths once so the JIT has seen them before the measured runs.
  await timed(bareReader(20_000), Buffer.from(authLines(20_000)));
  await timed(ingestPath(20_000, new LoginIntake()), Buffer.from(authLines(20_000)));
  const bareMs = await timed(bareReader(messages), payload);
  const intake = new LoginIntake({ rememberKeys: messages });
  const ingestMs = await timed(ingestPath(messages, intake), payload);
  const parseOnlyMs = await timed(ingestPath(messages, null), payload);
  const msgsPerS = (messages / ingestMs) * 1000;
  const parseOnlyPerS = (messages / parseOnlyMs) * 1000;
  const bareMsgsPerS = (messages / bareMs) * 1000;
  say(`bare TCP line reader: ${round(bareMsgsPerS, 0)} msgs/s`);
  say(`syslog listener alone (guards, framing, syslog parsing): ${round(parseOnlyPerS, 0)} msgs/s`);
  say(
    `syslog listener + login parsing: ${round(msgsPerS, 0)} msgs/s (logins ${intake.accepted}, ignored ${JSON.stringify(intake.ignored)}, duplicates ${intake.duplicates})`,
  );
  const beats = await beatsRate(beatsEvents, 2048);
  say(`beats: ${round(beats, 0)} events/s (batches of 2048, zlib-compressed, Winlogbeat 4624 documents)`);
  return {
    msgs_per_s: round(msgsPerS, 0),
    bare_reader_msgs_per_s: round(bareMsgsPerS, 0),
    ratio: round(msgsPerS / bareMsgsPerS, 2),
    syslog_parse_only_msgs_per_s: round(parseOnlyPerS, 0),
    beats_events_per_s: round(beats, 0),
    messages,
  };
};
