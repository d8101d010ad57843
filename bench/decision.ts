import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccessEngine,
  AccessIndex,
  type AccessSnapshot,
  type Cardholder,
  type CredentialRecord,
  type Door,
} from '@gatehouse/access';
import { openDatabase } from '@gatehouse/storage';
import { sealedAccessStore } from '@gatehouse/testing';
import { option, percentile, round, say } from './util';

const ZONES = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Europe/Berlin'];

/** A deterministic pseudo-random sequence, so every run builds the same site. */
const rng = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

const site = (people: number, credentials: number, doors: number, levels: number): AccessSnapshot => {
  const r = rng(42);
  const pick = (n: number) => Math.floor(r() * n);
  const doorList: Door[] = Array.from({ length: doors }, (_, i) => ({
    id: `door-${i}`,
    name: `Door ${i}`,
    readers: [
      { id: `r${i}-in`, direction: 'entry' as const },
      { id: `r${i}-out`, direction: 'exit' as const },
    ],
    zoneOut: 'outside',
    zoneIn: `zone-${i % 50}`,
    mode: i % 20 === 0 ? ('card-and-pin' as const) : ('card-only' as const),
    unlockMs: 5000,
    heldOpenMs: 30000,
    unlockScheduleId: null,
    firstPersonIn: false,
    antiPassback: i % 10 === 0 ? ('soft' as const) : ('none' as const),
    antiPassbackKind: 'zone' as const,
    antiPassbackSeconds: 60,
    escortRequired: false,
    lock: null,
    contact: null,
    rex: null,
  }));
  const schedules = Array.from({ length: 50 }, (_, i) => ({
    id: `s${i}`,
    name: `Schedule ${i}`,
    timeZone: ZONES[i % ZONES.length]!,
    intervals: [
      { days: [1, 2, 3, 4, 5], start: '06:00', end: '12:00' },
      { days: [1, 2, 3, 4, 5], start: '12:00', end: i % 2 ? '24:00' : '20:00' },
      { days: [6, 7], start: '08:00', end: '14:00' },
    ],
    holidayIntervals: [],
  }));
  const levelList = Array.from({ length: levels }, (_, i) => ({
    id: `l${i}`,
    name: `Level ${i}`,
    scheduleId: `s${i % 50}`,
    doorIds: Array.from({ length: 10 }, () => `door-${pick(doors)}`),
  }));
  const groups = Array.from({ length: 100 }, (_, i) => ({
    id: `g${i}`,
    name: `Group ${i}`,
    levelIds: [`l${pick(levels)}`, `l${pick(levels)}`],
  }));
  const cardholders: Cardholder[] = Array.from({ length: people }, (_, i) => ({
    id: `p${i}`,
    name: `Person ${i}`,
    employeeNumber: `E${i}`,
    department: `Dept ${i % 40}`,
    directoryAccount: `user${i}`,
    kind: 'employee',
    state: i % 50 === 0 ? 'suspended' : 'active',
    privileged: false,
    watchListed: false,
    levelIds: [`l${pick(levels)}`, `l${pick(levels)}`],
    groupIds: i % 3 === 0 ? [`g${pick(100)}`] : [],
    hasPhoto: false,
  }));
  const creds: CredentialRecord[] = Array.from({ length: credentials }, (_, i) => ({
    id: `c${i}`,
    cardholderId: `p${i % people}`,
    format: 'H10301',
    number: `${i % 255}:${i}`,
    hasPin: false,
    hasDuressPin: false,
    pinHash: null,
    duressPinHash: null,
    validFrom: null,
    validUntil: null,
    state: i % 97 === 0 ? 'lost' : 'active',
    expireUnusedDays: null,
    lastUsedAt: null,
    createdAt: Date.now(),
  }));
  return {
    zones: [],
    doors: doorList,
    schedules,
    holidays: [],
    levels: levelList,
    groups,
    cardholders,
    credentials: creds,
  };
};

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

export const decisionBench = async (args: string[]): Promise<Record<string, number>> => {
  const people = option(args, 'cardholders', 100_000);
  const credentialCount = option(args, 'credentials', 150_000);
  const doorCount = option(args, 'doors', 1000);
  const levelCount = option(args, 'levels', 2000);
  const decisions = option(args, 'decisions', 200_000);
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-decision-'));
  try {
    say(
      `workload: ${people} cardholders, ${credentialCount} credentials, ${doorCount} doors, ${levelCount} levels, 50 schedules in 5 time zones; ${decisions} decisions at random readers and times`,
    );
    if (!(globalThis as { gc?: unknown }).gc)
      say('note: run with node --expose-gc for a steadier memory figure');
    const snapshot = site(people, credentialCount, doorCount, levelCount);

    // The store, filled as an import would, then the rebuild from it (read, parse, index).
    const path = join(dir, 'access.db');
    const db = openDatabase({ path, synchronous: 'normal' });
    const { store } = sealedAccessStore(db);
    store.transaction(() => {
      for (const d of snapshot.doors) store.put('access_doors', d);
      for (const s of snapshot.schedules) store.put('access_schedules', s);
      for (const l of snapshot.levels) store.put('access_levels', l);
      for (const g of snapshot.groups) store.put('access_groups', g);
      for (const c of snapshot.cardholders) store.put('cardholders', c);
      for (const c of snapshot.credentials) store.putCredential(c);
    });
    const before = heapMb();
    const t = performance.now();
    const index = AccessIndex.build(store.snapshot());
    const rebuildMs = performance.now() - t;
    const indexMb = heapMb() - before;
    say(
      `index rebuild from the store (read ${people + credentialCount} rows, parse, index): ${Math.round(rebuildMs)} ms; index memory ${round(indexMb)} MB`,
    );

    const engine = new AccessEngine(index);
    const r = rng(7);
    // Most reads are people at doors their levels include (as on a real site); the rest
    // are strangers' doors, unknown cards and all hours of a week.
    const levelDoors = new Map(snapshot.levels.map((l) => [l.id, l.doorIds]));
    const requests = Array.from({ length: decisions }, () => {
      const c = Math.floor(r() * credentialCount);
      const holder = snapshot.cardholders[c % people]!;
      const ownDoors = levelDoors.get(holder.levelIds[0]!) ?? [];
      const door =
        r() < 0.7 && ownDoors.length
          ? Number(ownDoors[Math.floor(r() * ownDoors.length)]!.slice(5))
          : Math.floor(r() * doorCount);
      return {
        readerId: `r${door}-${r() < 0.7 ? 'in' : 'out'}`,
        format: 'H10301',
        number: r() < 0.02 ? `999:${c}` : `${c % 255}:${c}`,
        at: Date.parse('2026-06-01T00:00:00Z') + Math.floor(r() * 7 * 86_400_000),
      };
    });
    const measure = (fn: (i: number) => unknown): number[] => {
      const times = new Array<number>(requests.length);
      for (let i = 0; i < requests.length; i++) {
        const s = process.hrtime.bigint();
        fn(i);
        times[i] = Number(process.hrtime.bigint() - s) / 1000;
      }
      return times;
    };
    // Warm up both paths (JIT, the local-time cache) before measuring.
    for (let i = 0; i < 20_000; i++) engine.decide(requests[i]!);
    const keys = requests.map((q) => `${q.format}/${q.number}`);
    const decisionTimes = measure((i) => engine.decide(requests[i]!));
    const mapTimes = measure((i) => index.credentials.get(keys[i]!));
    const grants = requests.slice(0, 5000).filter((q) => engine.decide(q).grant).length;
    const decisionP99 = percentile(decisionTimes, 99);
    const mapP99 = percentile(mapTimes, 99);
    say(
      `decision p99 ${round(decisionP99, 2)} µs (p50 ${round(percentile(decisionTimes, 50), 2)} µs; ${Math.round((grants / 5000) * 100)}% granted)`,
    );
    say(`reference, a bare Map lookup of the same credentials: p99 ${round(mapP99, 2)} µs`);

    // Under load, what a card suffers is measured on the line through the real gateway: `npm run bench -- card-load`.
    db.close();
    return {
      decision_p99_us: round(decisionP99, 2),
      map_lookup_p99_us: round(mapP99, 2),
      rebuild_ms: Math.round(rebuildMs),
      index_mb: round(indexMb),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
