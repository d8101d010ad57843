import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg, tmpdir } from 'node:os';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import pino from 'pino';
import { DoorInput, ScheduleInput } from '@gatehouse/access';
import { encode } from '@gatehouse/bridge-protocol';
import { loadConfig } from '@gatehouse/config';
import type { Actor } from '@gatehouse/contracts';
import { CMD, decodeOsdp } from '@gatehouse/osdp';
import { createCore, type Core } from '../apps/gateway/src/core';
import { createServer } from '../apps/gateway/src/server';
import { youngGenerationBounded } from '../apps/gateway/src/young-generation';
import { describeGap, type Gap, watchGaps } from './card-load-gaps';
import { freePort } from './startup';
import { option, percentile, round, say } from './util';

const KEY = '00112233445566778899aabbccddeeff';
const BENCH: Actor = { kind: 'system', name: 'bench' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const IMPORT_HEADER = 'employee_number,name,department,levels,credential_format,credential_number';

/** Cardholders with one H10301 card each, facility `fc`, card numbers from 0: the import's own format. */
const peopleCsv = (prefix: string, count: number, fc: number): Buffer =>
  Buffer.from(
    [
      IMPORT_HEADER,
      ...Array.from(
        { length: count },
        (_, i) => `${prefix}${i},Person ${prefix}${i},Bench,all,H10301,${fc}:${i}`,
      ),
    ].join('\n'),
  );

/** The HTTP clients, in their own process (load-clients.ts): a request, and its answer when it comes. */
const startClients = async (dir: string, nice: number) => {
  const child = fork(join(__dirname, 'load-clients.js'), [String(nice)], { stdio: 'inherit' });
  await new Promise((r) => child.once('message', r));
  let nextId = 1;
  const waiting = new Map<number, (m: ClientReply) => void>();
  child.on('message', (m: ClientReply) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    w?.(m);
  });
  const request = (m: Record<string, string>) =>
    new Promise<ClientReply>((r) => {
      const id = nextId++;
      waiting.set(id, r);
      child.send({ id, ...m });
    });
  return {
    request,
    /** The file is written here, before the clock starts; the client sends it. */
    importFile(url: string, token: string, name: string, csv: Buffer) {
      writeFileSync(join(dir, name), csv);
      return () => request({ op: 'import', url, token, file: join(dir, name) });
    },
    stop() {
      child.send('stop');
      return new Promise((r) => child.once('exit', r));
    },
  };
};
interface ClientReply {
  id: number;
  status?: number;
  bytes?: number;
  text?: string;
  error?: string;
}

const seedDoors = async (core: Core, readers: number) => {
  await core.access.records.saveZone({ id: 'site', name: 'Site', parentId: null }, BENCH, 'create');
  await core.access.records.saveSchedule(
    ScheduleInput.parse({
      id: 'always',
      name: 'Always',
      timeZone: 'UTC',
      intervals: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
    }),
    BENCH,
    'create',
  );
  for (let r = 0; r < readers; r++)
    await core.access.records.saveDoor(
      DoorInput.parse({
        id: `door${r}`,
        name: `Door ${r}`,
        zoneIn: 'site',
        readers: [{ id: `r${r}`, direction: 'entry' }],
      }),
      BENCH,
      'create',
    );
  await core.access.records.saveLevel(
    {
      id: 'all',
      name: 'All',
      scheduleId: 'always',
      doorIds: Array.from({ length: readers }, (_, r) => `door${r}`),
    },
    BENCH,
    'create',
  );
};

/**
 * What a card suffers while the gateway works: the real gateway (core and HTTP
 * server, in this process so its event loop can be watched) with OSDP readers in
 * secure channel on a pseudo-terminal bus (the PDs in their own process). Times
 * are taken on the line: when the bytes holding the card's reply are read, and
 * when the LED command answering it is written. First with the gateway idle (the
 * reference), then while a CSV import is applied and a full journal export
 * streams, both over HTTP from another process, with a live-events subscriber.
 */
export const cardLoadBench = async (args: string[]): Promise<Record<string, number>> => {
  const population = option(args, 'cardholders', 20_000);
  const importRows = option(args, 'import', 10_000);
  const journalEntries = option(args, 'entries', 300_000);
  const perBus = option(args, 'pds', 4);
  const cardEveryMs = option(args, 'card-every', 40);
  const idleCards = option(args, 'idle-cards', 300);
  // With --gap-stacks, a CPU profile of this thread is cut at each long gap to say what ran in it.
  const gapStacks = args.includes('--gap-stacks');
  // The load generators (PDs, HTTP clients) stand for other machines; `--load-nice 10` runs them at
  // that lower priority, so they take a core only when the gateway leaves one. Not the default: in
  // runs U (BENCHMARKS.md) it was not shown to help, and did worse in five pairs of eight.
  const loadNice = option(args, 'load-nice', 0);
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-load-'));
  const pds = fork(join(__dirname, 'readers-pds.js'), [dir, '1', String(perBus), KEY, String(loadNice)], {
    stdio: 'inherit',
  });
  const pdsReady = new Promise<void>((r) => pds.once('message', () => r()));
  const clients = await startClients(dir, loadNice);
  let core: Core | null = null;
  let app: Awaited<ReturnType<typeof createServer>> | null = null;
  try {
    const keyFile = join(dir, 'reader.scbk');
    writeFileSync(keyFile, KEY, { mode: 0o600 });
    mkdirSync(join(dir, 'data'));
    // The site's master key, as an operator provisions it: a file outside the data folder.
    const masterKeyFile = join(dir, 'master.key');
    writeFileSync(masterKeyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    const port = await freePort();
    const site = join(dir, 'site.yaml');
    writeFileSync(
      site,
      JSON.stringify({
        version: 1,
        dataDir: join(dir, 'data'),
        privacy: { masterKeyFile },
        http: { host: '127.0.0.1', port },
        log: { level: 'warn' },
        serial: [
          {
            id: 'bus0',
            path: join(dir, 'cp0'),
            protocol: 'osdp',
            pollIntervalMs: 100,
            readers: Array.from({ length: perBus }, (_, i) => ({
              id: `r${i}`,
              address: i + 1,
              scbk: { file: keyFile },
            })),
          },
        ],
      }),
    );
    await pdsReady;
    const config = loadConfig({ siteFile: site, env: {} });
    const logger = pino({ level: 'warn' });
    core = await createCore(config, { logger });
    app = await createServer(core, logger);
    await app.listen({ port, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${port}`;
    await seedDoors(core, perBus);
    const { token } = await core.auth.tokens.createToken(
      { name: 'bench', roles: ['facility-manager'], expiresInDays: 1 },
      BENCH,
    );
    const importUrl = (name: string) => `${base}/api/v1/access/import?mode=apply&fileName=${name}`;
    // The site as it would be: its people imported, a journal with history.
    const seeded = await clients.importFile(
      importUrl('people.csv'),
      token,
      'people.csv',
      peopleCsv('B', population, 10),
    )();
    if (!seeded.text?.includes('"applied":true'))
      throw new Error(`seed import failed: ${seeded.text ?? seeded.error}`);
    for (let done = 0; done < journalEntries; done += 10_000)
      await Promise.all(
        Array.from({ length: Math.min(10_000, journalEntries - done) }, (_, i) =>
          core!.journal.append({
            type: 'door.opened',
            source: 'bench',
            subjects: [{ kind: 'door', id: `door${i % perBus}` }],
            payload: { i: done + i },
          }),
        ),
      );
    const t0 = Date.now();
    while (core.readers.status().readers.some((r) => !r.online || r.secureChannel !== 'established')) {
      if (Date.now() - t0 > 20_000) throw new Error('readers did not come online');
      await sleep(50);
    }
    say(
      `workload: the gateway in this process (core + HTTP) with ${population} cardholders and ${core.journal.stats().treeSize} journal entries; ${perBus} OSDP readers in secure channel on one pseudo-terminal bus polled every 100 ms (PDs in their own process); a card every ${cardEveryMs} ms at a random reader (80% known); one live-events (SSE) subscriber; PDs and HTTP clients at nice ${loadNice}`,
    );

    // The line: the last bytes read per port (a card's reply completes there), the LED written per reader.
    const lastRx = new Map<string, number>();
    const cardAt = new Map<string, number>();
    const ledAt = new Map<string, number>();
    let latencies: number[] = [];
    const pair = (reader: string) => {
      const card = cardAt.get(reader);
      const led = ledAt.get(reader);
      if (card === undefined || led === undefined || led < card) return;
      latencies.push(led - card);
      cardAt.delete(reader);
      ledAt.delete(reader);
    };
    core.readers.tap((portId, direction, bytes) => {
      const now = performance.now();
      if (direction === 'rx') {
        lastRx.set(portId, now);
        return;
      }
      const d = decodeOsdp(bytes);
      if (d.kind !== 'frame' || d.frame.code !== CMD.LED) return;
      const reader = `r${d.frame.address - 1}`;
      ledAt.set(reader, now);
      pair(reader);
    });
    // The access context decides (and may send the LED) before this runs: the card's time is its bytes' arrival.
    core.bus.on('credential.presented', 'bench', (p) => {
      cardAt.set(p.readerId, lastRx.get('bus0') ?? performance.now());
      pair(p.readerId);
    });
    const sse = await clients.request({ op: 'sse', url: `${base}/api/v1/events`, token });
    if (sse.status !== 200) throw new Error(`live events: ${sse.status}`);
    let presented = 0;
    const presentCard = () => {
      const known = Math.random() < 0.8;
      pds.send({
        bus: 0,
        address: 1 + Math.floor(Math.random() * perBus),
        bits: encode('H10301', known ? 10 : 99, Math.floor(Math.random() * population)),
      });
      presented += 1;
    };
    const lag = monitorEventLoopDelay({ resolution: 1 });
    let gcMax = 0;
    // Young collections apart: a mark-compact in the same window hides them in gcMax.
    let minorMax = 0;
    const gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        gcMax = Math.max(gcMax, e.duration);
        if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR)
          minorMax = Math.max(minorMax, e.duration);
      }
    });
    const window = async (work: () => Promise<unknown>) => {
      latencies = [];
      gcMax = 0;
      minorMax = 0;
      lag.reset();
      const load = loadavg()[0]!;
      lag.enable();
      gc.observe({ entryTypes: ['gc'] });
      const gaps = await watchGaps({ stacks: gapStacks });
      await work();
      await sleep(500);
      lag.disable();
      gc.disconnect();
      return {
        latencies,
        stallMs: lag.max / 1e6,
        delayP99Ms: lag.percentile(99) / 1e6,
        gcMaxMs: gcMax,
        minorMaxMs: minorMax,
        load,
        gaps: await gaps.stop(),
      };
    };

    // Reference: the same cards with the gateway otherwise idle.
    await sleep(1000);
    const idle = await window(async () => {
      for (let i = 0; i < idleCards; i++) {
        presentCard();
        await sleep(cardEveryMs);
      }
    });

    // Under load: a 10,000-row import applied and a full journal export streamed, at once.
    const sendImport = clients.importFile(
      importUrl('new.csv'),
      token,
      'new.csv',
      peopleCsv('N', importRows, 20),
    );
    const before = presented;
    let importMs = 0;
    let exportMs = 0;
    let exportBytes = 0;
    const loaded = await window(async () => {
      const started = performance.now();
      const imported = sendImport().then((r) => {
        importMs = performance.now() - started;
        if (!r.text?.includes('"applied":true')) throw new Error(`import failed: ${r.text ?? r.error}`);
      });
      const exported = clients
        .request({ op: 'export', url: `${base}/api/v1/journal/export?format=csv`, token })
        .then((r) => {
          exportMs = performance.now() - started;
          exportBytes = r.bytes ?? 0;
          if (r.status !== 200) throw new Error(`export failed: ${r.status} ${r.text ?? r.error}`);
        });
      let busy = true;
      const both = Promise.all([imported, exported]).finally(() => (busy = false));
      while (busy) {
        presentCard();
        await sleep(cardEveryMs);
      }
      await both;
    });

    // The bus over the whole run (start, seeding and both windows): replies taken for silence show here.
    const readerCount = (name: string) =>
      core!.readers.status().readers.reduce((sum, r) => sum + (r.counters[name] ?? 0), 0);
    const figures = {
      card_feedback_p99_ms_under_load: round(percentile(loaded.latencies, 99), 2),
      card_feedback_max_ms_under_load: round(Math.max(...loaded.latencies), 2),
      card_feedback_p50_ms_under_load: round(percentile(loaded.latencies, 50), 2),
      card_feedback_p99_ms_idle: round(percentile(idle.latencies, 99), 2),
      card_feedback_max_ms_idle: round(Math.max(...idle.latencies), 2),
      loop_stall_max_ms: round(loaded.stallMs, 1),
      loop_stall_idle_max_ms: round(idle.stallMs, 1),
      loop_delay_p99_ms: round(loaded.delayP99Ms, 2),
      loop_delay_idle_p99_ms: round(idle.delayP99Ms, 2),
      gaps_over_20ms: loaded.gaps.filter((g) => g.ms >= 20).length,
      longest_gap_gc_ms: loaded.gaps[0]?.gcMs ?? 0,
      // What the code held the loop for, whatever the machine's load added: the most a gap spent on a core.
      gap_max_on_core_ms: round(Math.max(0, ...loaded.gaps.map((g) => g.cpuMs ?? 0)), 1),
      // A gap less the time the thread only waited for a core: about what a quiet machine would see
      // (an upper bound: a GC waiting for its helper threads, which wait for a core, still counts).
      gap_max_less_runqueue_ms: round(Math.max(0, ...loaded.gaps.map((g) => g.ms - (g.waitMs ?? 0))), 1),
      gc_pause_max_ms: round(loaded.gcMaxMs, 1),
      gc_pause_idle_max_ms: round(idle.gcMaxMs, 1),
      gc_minor_max_ms: round(loaded.minorMaxMs, 1),
      gc_minor_idle_max_ms: round(idle.minorMaxMs, 1),
      import_10k_ms: Math.round(importMs),
      export_ms: Math.round(exportMs),
      cards_measured: loaded.latencies.length,
      reader_timeouts: readerCount('timeouts'),
      reader_replies_refused: readerCount('rejected'),
      reader_duplicate_replies: readerCount('duplicateReplies'),
      load_avg_1m: round(loaded.load, 2),
      load_nice: loadNice,
      // 1 when node had the young-generation flag the gateway is started with (see young-generation.ts): the stall depends on it.
      young_generation_bounded: youngGenerationBounded() ? 1 : 0,
    };
    say(
      `card reply read -> LED frame written, under load: p50 ${figures.card_feedback_p50_ms_under_load} ms, p99 ${figures.card_feedback_p99_ms_under_load} ms, max ${figures.card_feedback_max_ms_under_load} ms over ${loaded.latencies.length} of ${presented - before} cards`,
    );
    say(
      `  reference, same readers with the gateway idle: p99 ${figures.card_feedback_p99_ms_idle} ms, max ${figures.card_feedback_max_ms_idle} ms over ${idle.latencies.length} cards`,
    );
    say(
      `longest event-loop stall under load: ${figures.loop_stall_max_ms} ms, of which the longest GC pause ${figures.gc_pause_max_ms} ms (idle: ${figures.loop_stall_idle_max_ms} ms, GC ${figures.gc_pause_idle_max_ms} ms); target < 20 ms`,
    );
    say(
      `event-loop delay p99 under load: ${figures.loop_delay_p99_ms} ms (idle: ${figures.loop_delay_idle_p99_ms} ms); turns late by 10 ms or more: ${loaded.gaps.length} under load, ${idle.gaps.length} idle`,
    );
    const longest = (label: string, gaps: Gap[], n: number) => {
      if (gaps.length === 0) return;
      say(`longest gaps ${label} (GC time inside each${gapStacks ? ', what ran' : ''}):`);
      for (const g of gaps.slice(0, n)) say(describeGap(g));
    };
    longest('under load', loaded.gaps, 6);
    longest(
      'under load, by time on a core (the code, not the machine)',
      [...loaded.gaps].sort((a, b) => (b.cpuMs ?? 0) - (a.cpuMs ?? 0)),
      4,
    );
    longest('idle', idle.gaps, 2);
    say(
      `meanwhile: ${importRows}-row import applied in ${figures.import_10k_ms} ms; journal export (CSV, ${Math.round(exportBytes / 1e6)} MB) streamed in ${figures.export_ms} ms; machine load average ${figures.load_avg_1m} on ${cpus().length} cores (idle window: ${round(idle.load, 2)})`,
    );
    say(
      `OSDP bus over the whole run: ${figures.reader_timeouts} reply timeouts, ${figures.reader_replies_refused} replies refused, ${figures.reader_duplicate_replies} second answers to a retried command`,
    );
    return figures;
  } finally {
    // The clients first: the server's close waits for the open live-events stream.
    await clients.stop();
    await app?.close();
    await core?.close();
    pds.send('stop');
    await new Promise((r) => pds.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
};
