import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { GatehouseBus, systemClock } from '@gatehouse/contracts';
import { DoorsService } from '@gatehouse/doors';
import { MqttSensorSource } from '@gatehouse/mqtt';
import { openDatabase } from '@gatehouse/storage';
import { benchJournal, option, percentile, round, say } from './util';

const freePort = async (): Promise<number> => {
  const { createServer } = await import('node:net');
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => done(typeof a === 'object' && a ? a.port : 0));
    });
  });
};

/** A private Mosquitto with a queue large enough that the broker itself never drops (settings printed). */
const startBroker = async (dir: string) => {
  const port = await freePort();
  const settings = ['max_queued_messages 1000000', 'max_inflight_messages 100', 'persistence false'];
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', ...settings, ''].join('\n'));
  const proc = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((done) => {
      const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 500 });
      c.once('connect', () => c.end(true, {}, () => done(true)));
      c.once('error', () => c.end(true, {}, () => done(false)));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `mqtt://127.0.0.1:${port}`, settings, stop: () => proc.kill('SIGTERM') };
};

const DOORS = 2000;
const payload = (open: boolean) =>
  JSON.stringify({ contact: !open, battery: 90, linkquality: 120, tamper: false, voltage: 3000 });

/** Publishes `count` sensor messages as fast as QoS 1 allows: each a change (open/closed in turn per door), or a repeat of "closed". */
const publishBurst = async (url: string, count: number, changes = true) => {
  const pub = mqtt.connect(url, { clientId: `bench-pub-${process.pid}`, clean: true });
  await new Promise<void>((r) => pub.once('connect', () => r()));
  const state = new Array<boolean>(DOORS).fill(false);
  let sent = 0;
  await new Promise<void>((resolve) => {
    const window = 200;
    let inflight = 0;
    const pump = () => {
      while (inflight < window && sent < count) {
        const door = sent % DOORS;
        if (changes) state[door] = !state[door];
        inflight += 1;
        sent += 1;
        pub.publish(`zigbee2mqtt/bench_${door}`, payload(state[door]!), { qos: 1 }, () => {
          inflight -= 1;
          if (sent === count && inflight === 0) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  await new Promise<void>((r) => pub.end(false, {}, () => r()));
};

export const doorsBench = async (args: string[]): Promise<Record<string, number | string>> => {
  const count = option(args, 'messages', 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-doors-'));
  const broker = await startBroker(dir);
  try {
    say(
      `workload: ${count} Zigbee2MQTT contact messages (~90 B) over ${DOORS} doors, each message a state change, QoS 1, private Mosquitto (${broker.settings.join(', ')})`,
    );

    // Reference: a bare MQTT.js subscriber on the same broker.
    const bare = mqtt.connect(broker.url, { clientId: 'bench-bare', clean: true });
    await new Promise<void>((r) => bare.once('connect', () => r()));
    await new Promise<void>((r) => bare.subscribe('zigbee2mqtt/#', { qos: 1 }, () => r()));
    let got = 0;
    let first = 0;
    const bareDone = new Promise<number>((resolve) =>
      bare.on('message', () => {
        if (got++ === 0) first = performance.now();
        if (got === count) resolve(performance.now());
      }),
    );
    void publishBurst(broker.url, count);
    const bareRate = count / ((((await bareDone) as number) - first) / 1000);
    await new Promise<void>((r) => bare.end(false, {}, () => r()));
    say(`reference, a bare MQTT.js subscriber: ${Math.round(bareRate)} msgs/s`);

    // The gateway's path: converters, door state machines, journal (group commit, synchronous=full).
    const db = openDatabase({ path: join(dir, 'g.db'), synchronous: 'full' });
    const bus = new GatehouseBus();
    const journal = benchJournal(db, dir, bus);
    await journal.open();
    const doorDefs = Array.from({ length: DOORS }, (_, i) => ({
      id: `d${i}`,
      name: `Door ${i}`,
      unlockMs: 5000,
      heldOpenMs: 3_600_000,
    }));
    const doors = new DoorsService(
      bus,
      journal,
      systemClock,
      () => doorDefs,
      doorDefs.map((d, i) => ({ sensorId: `s${i}`, doorId: d.id, role: 'contact' as const })),
      { debounceMs: 0 },
    );
    let readings = 0;
    let gFirst = 0;
    let gLast = 0;
    bus.on('sensor.reading', 'bench', () => {
      if (readings++ === 0) gFirst = performance.now();
      gLast = performance.now();
    });
    const source = new MqttSensorSource(
      {
        url: broker.url,
        clientId: 'bench-gateway',
        username: '',
        caFile: '',
        certFile: '',
        keyFile: '',
        reconnectMaxSeconds: 5,
      },
      doorDefs.map((_, i) => ({ id: `s${i}`, converter: 'zigbee2mqtt' as const, device: `bench_${i}` })),
      bus,
    );
    source.start();
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (source.state.state === 'connected') {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });
    await new Promise((r) => setTimeout(r, 300)); // subscriptions settle
    await publishBurst(broker.url, count);
    const deadline = Date.now() + 120_000;
    while (readings < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // Wait until the journal has committed what the doors wrote.
    await journal.append({ type: 'bench.done', source: 'bench' });
    const committedAt = performance.now();
    const gatewayRate = readings / ((committedAt - gFirst) / 1000);
    const entries = db
      .prepare("SELECT count(*) FROM journal_entries WHERE type LIKE 'door.%'")
      .pluck()
      .get() as number;
    say(
      `gateway path (converter, state machine, journal entries committed): ${Math.round(gatewayRate)} msgs/s (${readings} readings, ${entries} door entries journaled; last reading after ${Math.round(gLast - gFirst)} ms)`,
    );
    // The common case: sensors repeating an unchanged state (periodic reports); nothing to journal.
    readings = 0;
    await publishBurst(broker.url, count, false);
    const steadyDeadline = Date.now() + 120_000;
    while (readings < count && Date.now() < steadyDeadline) await new Promise((r) => setTimeout(r, 20));
    const steadyRate = readings / ((gLast - gFirst) / 1000);
    say(`gateway path, reports that change nothing: ${Math.round(steadyRate)} msgs/s`);
    await source.stop();

    // What a guard sees: publish → the door's new state committed to the journal (the live stream
    // pushes it to the board from there), with the real contact debounce (250 ms).
    const liveDefs = Array.from({ length: 20 }, (_, i) => ({
      id: `l${i}`,
      name: `Live ${i}`,
      unlockMs: 5000,
      heldOpenMs: 3_600_000,
    }));
    const liveDoors = new DoorsService(
      bus,
      journal,
      systemClock,
      () => liveDefs,
      liveDefs.map((d, i) => ({ sensorId: `ls${i}`, doorId: d.id, role: 'contact' as const })),
    );
    const liveSource = new MqttSensorSource(
      {
        url: broker.url,
        clientId: 'bench-live',
        username: '',
        caFile: '',
        certFile: '',
        keyFile: '',
        reconnectMaxSeconds: 5,
      },
      liveDefs.map((_, i) => ({ id: `ls${i}`, converter: 'zigbee2mqtt' as const, device: `live_${i}` })),
      bus,
    );
    liveSource.start();
    while (liveSource.state.state !== 'connected') await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    const livePub = mqtt.connect(broker.url, { clean: true });
    await new Promise<void>((r) => livePub.once('connect', () => r()));
    const boardLatency: number[] = [];
    for (let round = 0; round < 100; round++) {
      const door = `l${round % 20}`;
      const open = Math.floor(round / 20) % 2 === 0;
      const seen = new Promise<number>((resolve) => {
        bus.on('journal.committed', 'bench-live', (entries) => {
          if (entries.some((e) => e.source === `door:${door}` && e.type.startsWith('door.')))
            resolve(performance.now());
        });
      });
      const t0 = performance.now();
      livePub.publish(`zigbee2mqtt/live_${round % 20}`, payload(open), { qos: 1 });
      boardLatency.push((await seen) - t0);
      bus.off('journal.committed', 'bench-live');
    }
    await new Promise<void>((r) => livePub.end(false, {}, () => r()));
    await liveSource.stop();
    liveDoors.stop();
    const boardP99 = percentile(boardLatency, 99);
    say(
      `sensor message to committed door state (what the board's live stream carries): p99 ${Math.round(boardP99)} ms, of which the debounce is 250 ms`,
    );

    // Held-open alarm delay: 200 doors opened together with a 1 s held time; when does each alarm arrive?
    const heldDefs = Array.from({ length: 200 }, (_, i) => ({
      id: `h${i}`,
      name: `Held ${i}`,
      unlockMs: 5000,
      heldOpenMs: 1000,
    }));
    const heldBus = new GatehouseBus();
    const heldDoors = new DoorsService(
      heldBus,
      journal,
      systemClock,
      () => heldDefs,
      heldDefs.map((d, i) => ({ sensorId: `hs${i}`, doorId: d.id, role: 'contact' as const })),
      { debounceMs: 0 },
    );
    const delays: number[] = [];
    const openedAt = new Map<string, number>();
    heldBus.on('alarm.raised', 'bench', (a) => {
      if (a.type === 'held-open' && a.doorId) delays.push(Date.now() - (openedAt.get(a.doorId)! + 1000));
    });
    for (const d of heldDefs) {
      heldBus.emit('sensor.reading', {
        sensorId: `hs${d.id.slice(1)}`,
        signals: [{ kind: 'contact', open: false }],
        at: Date.now(),
        origin: 'bench',
      });
      heldBus.emit('access.decided', {
        readerId: 'r',
        doorId: d.id,
        grant: true,
        reason: 'granted',
        unlockMs: 5000,
        awaitingPin: false,
        cardholderId: null,
        at: Date.now(),
      });
    }
    for (const d of heldDefs) {
      const now = Date.now();
      openedAt.set(d.id, now);
      heldBus.emit('sensor.reading', {
        sensorId: `hs${d.id.slice(1)}`,
        signals: [{ kind: 'contact', open: true }],
        at: now,
        origin: 'bench',
      });
    }
    await new Promise((r) => setTimeout(r, 2500));
    const heldP99 = percentile(delays, 99);
    say(
      `held-open alarm after the held time expired: p99 ${round(heldP99, 1)} ms, max ${round(Math.max(...delays), 1)} ms over ${delays.length} doors`,
    );
    doors.stop();
    heldDoors.stop();
    await journal.close();
    db.close();
    return {
      msgs_per_s: Math.round(gatewayRate),
      bare_subscriber_msgs_per_s: Math.round(bareRate),
      ratio: round(gatewayRate / bareRate, 2),
      unchanged_reports_msgs_per_s: Math.round(steadyRate),
      held_alarm_delay_p99_ms: round(heldP99, 1),
      board_state_p99_ms: Math.round(boardP99),
      broker_settings: broker.settings.join('; '),
    };
  } finally {
    broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};
