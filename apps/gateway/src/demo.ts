import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AccessRecords, applySitePlan, type PlannedPerson, type SitePlan } from '@gatehouse/access';
import type { GatehouseConfig } from '@gatehouse/config';
import type { Actor } from '@gatehouse/contracts';
import { DEMO_FACILITY, DEMO_ROSTER } from './demo-roster';

const SEED: Actor = { kind: 'system', name: 'demo-seed' };
/**
 * The roster as cardholders: call agents are in the group of the staff level;
 * IT has a PIN for the server room; the leaver keeps their card and account
 * mapping (state "left"), as a real leaver's record does until it is erased.
 */
const demoPeople = (): PlannedPerson[] =>
  DEMO_ROSTER.map((p) => ({
    cardholder: {
      name: p.name,
      employeeNumber: p.employeeNumber,
      department: p.it ? 'IT' : 'Customer service',
      directoryAccount: p.account,
      privileged: p.it,
      levelIds: p.it ? ['it'] : [],
      groupIds: p.it ? [] : ['agents'],
      ...(p.left ? { state: 'left' as const } : {}),
    },
    credentials: [{ format: 'H10301', number: `${DEMO_FACILITY}:${p.card}`, pin: p.it ? '2580' : null }],
  }));

/**
 * A small call-centre floor for the demo: a lobby, an office floor and a server
 * room, with readers whose ids the simulated devices of later issues use.
 */
export const demoSitePlan = (): SitePlan => ({
  zones: [
    { id: 'lobby', name: 'Lobby' },
    { id: 'floor-1', name: 'Call floor' },
    { id: 'server-room', name: 'Server room', parentId: 'floor-1' },
  ],
  schedules: [
    {
      id: 'office-hours',
      name: 'Office hours',
      timeZone: 'Europe/London',
      intervals: [{ days: [1, 2, 3, 4, 5], start: '07:00', end: '20:00' }],
    },
    {
      id: 'always',
      name: 'Always',
      timeZone: 'Europe/London',
      intervals: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
    },
  ],
  holidays: [{ id: 'christmas-2026', name: 'Christmas Day', date: '2026-12-25' }],
  doors: [
    {
      id: 'front-door',
      name: 'Front door',
      zoneIn: 'lobby',
      readers: [
        { id: 'front-in', direction: 'entry' },
        { id: 'front-out', direction: 'exit' },
      ],
    },
    {
      id: 'floor-door',
      name: 'Call floor',
      zoneOut: 'lobby',
      zoneIn: 'floor-1',
      antiPassback: 'soft',
      readers: [
        { id: 'floor-in', direction: 'entry' },
        { id: 'floor-out', direction: 'exit' },
      ],
    },
    {
      id: 'server-door',
      name: 'Server room',
      zoneOut: 'floor-1',
      zoneIn: 'server-room',
      mode: 'card-and-pin',
      antiPassback: 'hard',
      heldOpenMs: 15_000,
      readers: [
        { id: 'server-in', direction: 'entry' },
        { id: 'server-out', direction: 'exit' },
      ],
    },
  ],
  levels: [
    { id: 'staff', name: 'Staff', scheduleId: 'office-hours', doorIds: ['front-door', 'floor-door'] },
    {
      id: 'it',
      name: 'IT (server room)',
      scheduleId: 'always',
      doorIds: ['front-door', 'floor-door', 'server-door'],
    },
  ],
  groups: [{ id: 'agents', name: 'Call agents', levelIds: ['staff'] }],
  people: demoPeople(),
});

/** Seeds the demo site only on a site with no doors; every record is journaled like any other change. */
export const seedDemoSite = async (records: AccessRecords): Promise<boolean> => {
  if (records.list('access_doors').length > 0) return false;
  await applySitePlan(records, demoSitePlan(), SEED);
  return true;
};

/**
 * The demo site's serial readers (apps/sim/src/readers.ts plays them): the front
 * door's two OSDP readers on one bus, in secure channel (front-out starts in
 * install mode and gets its key by KEYSET), and the call floor's two Wiegand
 * readers behind the bridge firmware. Keys are made once, readable only by us.
 */
export const demoSerialPorts = (dataDir: string): GatehouseConfig['serial'] => {
  const keys = join(dataDir, 'keys', 'readers');
  mkdirSync(keys, { recursive: true, mode: 0o700 });
  for (const reader of ['front-in', 'front-out']) {
    const file = join(keys, `${reader}.scbk`);
    if (!existsSync(file)) writeFileSync(file, randomBytes(16).toString('hex'), { mode: 0o600 });
  }
  const tty = join(dataDir, 'tty');
  mkdirSync(tty, { recursive: true });
  return [
    {
      id: 'osdp-front',
      path: join(tty, 'osdp-gateway'),
      protocol: 'osdp',
      baudRate: 115_200,
      pollIntervalMs: 100,
      markByte: false,
      readers: [
        {
          id: 'front-in',
          address: 1,
          format: 'H10301',
          installMode: false,
          plainText: false,
          scbk: { file: join(keys, 'front-in.scbk') },
        },
        {
          id: 'front-out',
          address: 2,
          format: 'H10301',
          installMode: true,
          plainText: false,
          scbk: { file: join(keys, 'front-out.scbk') },
        },
      ],
      relays: [{ relay: 0, address: 1, door: 'front-door' }],
      inputs: [],
    },
    {
      id: 'bridge-floor',
      path: join(tty, 'bridge'),
      protocol: 'bridge',
      baudRate: 115_200,
      pollIntervalMs: 100,
      markByte: false,
      readers: [
        { id: 'floor-in', address: 0, format: 'H10301', installMode: false, plainText: false },
        { id: 'floor-out', address: 1, format: 'H10301', installMode: false, plainText: false },
      ],
      relays: [{ relay: 0, address: 0, door: 'floor-door' }],
      inputs: [],
    },
  ];
};

/**
 * The simulator's `--workstations` arguments: the first plain syslog TCP,
 * syslog UDP and Beats listeners the site configured ("-" for a kind it has
 * not), and the site's zone. None when no listener could take them: the
 * demo's workstations then stay quiet.
 */
export const demoWorkstationArgs = (config: GatehouseConfig): string[] => {
  const local = config.logins.listeners.filter((l) => l.allow.some((a) => a.startsWith('127.')));
  const portOf = (protocol: string) =>
    String(local.find((l) => l.protocol === protocol && !l.tls)?.port ?? '-');
  const ports = [portOf('syslog-tcp'), portOf('syslog-udp'), portOf('beats')];
  if (ports.every((p) => p === '-')) return [];
  return ['--workstations', ...ports, config.site.timeZone];
};
