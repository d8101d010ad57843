import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { AccessService, applySitePlan, type SitePlan } from '@gatehouse/access';
import { encode } from '@gatehouse/bridge-protocol';
import { type Actor, GatehouseBus, systemClock } from '@gatehouse/contracts';
import { configSchema } from '@gatehouse/config';
import { CMD, decodeOsdp } from '@gatehouse/osdp';
import { ReadersService, type SerialPortConfig } from '@gatehouse/readers';
import { openDatabase } from '@gatehouse/storage';
import {
  aCardholder,
  aCredential,
  aDoor,
  aLevel,
  aSchedule,
  aZone,
  sealedAccessStore,
} from '@gatehouse/testing';
import type { PdsAnswer, PdsRequest } from './readers-pds';
import { benchJournal, option, percentile, round, say } from './util';

const KEY = '00112233445566778899aabbccddeeff';
const BENCH: Actor = { kind: 'system', name: 'bench' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The bare echo for the reference round trip, in this (the gateway's) process, as the gateway's end of a line is. */
const echoPeer = async (path: string): Promise<SerialPort> => {
  const port = new SerialPort({ path, baudRate: 115_200, autoOpen: false });
  port.on('error', () => undefined);
  await new Promise<void>((r, j) => port.open((e) => (e ? j(e) : r())));
  port.on('data', (chunk: Buffer) => port.write(chunk));
  return port;
};

/** The poll interval a site gets when it does not set one. */
const defaultPollIntervalMs = (): number =>
  configSchema.parse({ serial: [{ id: 'x', path: '/dev/null', protocol: 'osdp' }] }).serial[0]!
    .pollIntervalMs;

/**
 * A door per reader (`door<n>`, its entry reader `r<n>`) from outside into one
 * zone, one level opening them all around the clock, and `people` cardholders
 * in it with cards 30:1000 onwards: the cards the simulated readers present.
 */
const benchSite = (readers: number, people: number): SitePlan => {
  const doors = Array.from({ length: readers }, (_, r) =>
    aDoor({
      id: `door${r}`,
      name: `Door ${r}`,
      zoneIn: 'site',
      readers: [{ id: `r${r}`, direction: 'entry' }],
    }),
  );
  return {
    zones: [aZone({ id: 'site', name: 'Site' })],
    schedules: [aSchedule({ id: 'always', name: 'Always' })],
    doors,
    levels: [aLevel({ id: 'all', name: 'All', scheduleId: 'always', doorIds: doors.map((d) => d.id) })],
    people: Array.from({ length: people }, (_, i) => ({
      cardholder: aCardholder({ levelIds: ['all'] }),
      credentials: [aCredential({ number: `30:${1000 + i}` })],
    })),
  };
};

export const readersBench = async (args: string[]): Promise<Record<string, number | string>> => {
  const buses = option(args, 'buses', 4);
  const perBus = option(args, 'pds', 4);
  const cards = option(args, 'cards', 2000);
  const idleSeconds = option(args, 'idle', 10);
  const pollIntervalMs = defaultPollIntervalMs();
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-readers-'));
  const pds = fork(join(__dirname, 'readers-pds.js'), [dir, String(buses), String(perBus), KEY], {
    stdio: 'inherit',
  });
  const answers: PdsAnswer[] = [];
  const waiters: (() => void)[] = [];
  pds.on('message', (m: PdsAnswer) => {
    answers.push(m);
    waiters.splice(0).forEach((w) => w());
  });
  /** The PD process's next answer of a kind. */
  const answer = async <K extends 'rtt' | 'wire'>(kind: K): Promise<number[]> => {
    for (;;) {
      const found = answers.find((a) => typeof a === 'object' && kind in a) as
        Record<K, number[]> | undefined;
      if (found) return found[kind];
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const ask = (m: PdsRequest) => pds.send(m);
  const db = openDatabase({ path: join(dir, 'g.db'), synchronous: 'full' });
  const bus = new GatehouseBus();
  const journal = benchJournal(db, dir, bus);
  let service: ReadersService | null = null;
  let echo: SerialPort | null = null;
  try {
    await journal.open();
    // Subscribed before the access context, so the time is taken when the card frame is read, ahead of the decision.
    const cardAt = new Map<string, number>();
    bus.on('credential.presented', 'bench', (p) => cardAt.set(p.readerId, performance.now()));
    const access = new AccessService(sealedAccessStore(db).store, journal, systemClock, bus);
    const readerCount = buses * perBus;
    await applySitePlan(access.records, benchSite(readerCount, 200), BENCH);
    while (!answers.includes('ready')) await new Promise<void>((r) => waiters.push(r));
    echo = await echoPeer(join(dir, 'echo-b'));
    say(
      `workload: ${readerCount} simulated OSDP readers (secure channel, AES-128) on ${buses} pseudo-terminal buses of ${perBus}, polled every ${pollIntervalMs} ms (the default); the real access engine decides; the PDs run in their own process`,
    );
    const configs: SerialPortConfig[] = Array.from({ length: buses }, (_, b) => ({
      id: `bus${b}`,
      path: join(dir, `cp${b}`),
      protocol: 'osdp',
      baudRate: 115_200,
      pollIntervalMs,
      markByte: false,
      readers: Array.from({ length: perBus }, (_, i) => ({
        id: `r${b * perBus + i}`,
        address: i + 1,
        format: 'H10301',
        scbk: Uint8Array.from(Buffer.from(KEY, 'hex')),
        installMode: false,
      })),
      relays: Array.from({ length: perBus }, (_, i) => ({
        relay: 0,
        address: i + 1,
        door: `door${b * perBus + i}`,
      })),
      inputs: [],
    }));
    service = new ReadersService(configs, bus, journal, systemClock, () => undefined);
    const svc = service;
    // Per bus and address: when a card was presented, and when each POLL went out.
    const inGateway: number[] = [];
    const lastPoll = new Map<string, number>();
    const pollGaps: number[] = [];
    let measuringPolls = false;

    svc.start();
    const t0 = Date.now();
    while (svc.status().readers.some((r) => !r.online || r.secureChannel !== 'established')) {
      if (Date.now() - t0 > 20_000) throw new Error('readers did not come online');
      await sleep(50);
    }
    say(`all ${readerCount} readers online in secure channel after ${Date.now() - t0} ms`);

    // Idle: polling only, measured before the tap below adds its own decoding.
    await sleep(1000);
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await sleep(idleSeconds * 1000);
    const cpu = process.cpuUsage(cpu0);
    const idleCpuPct = ((cpu.user + cpu.system) / 1000 / (performance.now() - wall0)) * 100;
    // The reference, under the same polling: the bare round trip from the PDs' process to this one and back.
    ask('rtt');
    const rtt = await answer('rtt');
    // Then every frame written is looked at: POLL gaps per reader, and the LED that answers a card.
    svc.tap((portId, direction, bytes) => {
      if (direction !== 'tx') return;
      const d = decodeOsdp(bytes);
      if (d.kind !== 'frame') return;
      const key = `${portId}/${d.frame.address}`;
      const now = performance.now();
      if (d.frame.code === CMD.POLL) {
        const last = lastPoll.get(key);
        if (measuringPolls && last !== undefined) pollGaps.push(now - last);
        lastPoll.set(key, now);
      } else if (d.frame.code === CMD.LED) {
        const reader = `r${Number(portId.slice(3)) * perBus + d.frame.address - 1}`;
        const t0 = cardAt.get(reader);
        if (t0 !== undefined) inGateway.push(now - t0);
        cardAt.delete(reader);
      }
    });
    await sleep(1000);
    measuringPolls = true;
    await sleep(idleSeconds * 1000);
    const idleGaps = [...pollGaps];

    // Cards: one every 10 ms at a random reader (most granted, some unknown).
    for (let i = 0; i < cards; i++) {
      const b = Math.floor(Math.random() * buses);
      const address = 1 + Math.floor(Math.random() * perBus);
      const known = Math.random() < 0.8;
      ask({
        bus: b,
        address,
        bits: encode('H10301', known ? 30 : 31, 1000 + Math.floor(Math.random() * 200)),
      });
      await sleep(10);
    }
    await sleep(1000);
    measuringPolls = false;
    ask('stop');
    const wire = await answer('wire');
    const figures = {
      card_to_feedback_p50_ms: round(percentile(wire, 50), 2),
      card_to_feedback_p99_ms: round(percentile(wire, 99), 2),
      pty_rtt_p50_ms: round(percentile(rtt, 50), 2),
      pty_rtt_p99_ms: round(percentile(rtt, 99), 2),
      gateway_card_to_feedback_p50_ms: round(percentile(inGateway, 50), 2),
      gateway_card_to_feedback_p99_ms: round(percentile(inGateway, 99), 2),
      poll_interval_ms: pollIntervalMs,
      poll_period_p99_ms: round(percentile(pollGaps, 99), 1),
      poll_period_max_ms: round(Math.max(...pollGaps), 1),
      poll_period_idle_max_ms: round(Math.max(...idleGaps), 1),
      idle_cpu_pct: round(idleCpuPct, 1),
      cards_measured: wire.length,
    };
    say(
      `card reply on the wire -> feedback (LED) frame on the wire, timed by the readers' process: p50 ${figures.card_to_feedback_p50_ms} ms, p99 ${figures.card_to_feedback_p99_ms} ms over ${wire.length} cards`,
    );
    say(
      `  reference, bare pty round trip (16 bytes, readers' process -> echo in the gateway's process -> back): p50 ${figures.pty_rtt_p50_ms} ms, p99 ${figures.pty_rtt_p99_ms} ms`,
    );
    say(
      `  of which in the gateway (card frame read -> LED frame written): p50 ${figures.gateway_card_to_feedback_p50_ms} ms, p99 ${figures.gateway_card_to_feedback_p99_ms} ms`,
    );
    say(
      `poll period per reader: p99 ${figures.poll_period_p99_ms} ms, max ${figures.poll_period_max_ms} ms (idle only: max ${figures.poll_period_idle_max_ms} ms); target < 200 ms`,
    );
    say(
      `idle polling CPU of the gateway process: ${figures.idle_cpu_pct}% of one core over ${idleSeconds} s; target < 10%`,
    );
    return figures;
  } finally {
    await service?.stop();
    if (echo?.isOpen) await new Promise<void>((r) => echo!.close(() => r()));
    if (pds.exitCode === null) {
      const exited = new Promise((r) => pds.once('exit', r));
      if (!answers.some((a) => typeof a === 'object' && 'wire' in a)) ask('stop');
      await exited;
    }
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
