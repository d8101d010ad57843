import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AccessService, DoorInput, ScheduleInput } from '@gatehouse/access';
import type { GatehouseConfig } from '@gatehouse/config';
import type { Actor } from '@gatehouse/contracts';

const SEED: Actor = { kind: 'system', name: 'demo-seed' };
const FIRST = [
  'Ann',
  'Bram',
  'Chloe',
  'Dev',
  'Esme',
  'Farid',
  'Greta',
  'Hugo',
  'Ines',
  'Jon',
  'Kofi',
  'Lena',
  'Milo',
  'Nora',
  'Omar',
  'Pia',
];
const LAST = ['Archer', 'Brook', 'Cole', 'Dale', 'Ellis', 'Frost', 'Grant', 'Hale'];

/**
 * A small call-centre floor for the demo: a lobby, an office floor and a server
 * room, with readers whose ids the simulated devices of later issues use. Only
 * on a site with no doors, and every record is journaled like any other change.
 */
export const seedDemoSite = async (access: AccessService): Promise<boolean> => {
  if (access.list('access_doors').length > 0) return false;
  await access.saveZone({ id: 'lobby', name: 'Lobby', parentId: null }, SEED, 'create');
  await access.saveZone({ id: 'floor-1', name: 'Call floor', parentId: null }, SEED, 'create');
  await access.saveZone({ id: 'server-room', name: 'Server room', parentId: 'floor-1' }, SEED, 'create');
  const weekdays = [1, 2, 3, 4, 5];
  await access.saveSchedule(
    ScheduleInput.parse({
      id: 'office-hours',
      name: 'Office hours',
      timeZone: 'Europe/London',
      intervals: [{ days: weekdays, start: '07:00', end: '20:00' }],
    }),
    SEED,
    'create',
  );
  await access.saveSchedule(
    ScheduleInput.parse({
      id: 'always',
      name: 'Always',
      timeZone: 'Europe/London',
      intervals: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
    }),
    SEED,
    'create',
  );
  await access.saveHoliday(
    { id: 'christmas-2026', name: 'Christmas Day', date: '2026-12-25' },
    SEED,
    'create',
  );
  const doors = [
    DoorInput.parse({
      id: 'front-door',
      name: 'Front door',
      zoneIn: 'lobby',
      readers: [
        { id: 'front-in', direction: 'entry' },
        { id: 'front-out', direction: 'exit' },
      ],
    }),
    DoorInput.parse({
      id: 'floor-door',
      name: 'Call floor',
      zoneOut: 'lobby',
      zoneIn: 'floor-1',
      antiPassback: 'soft',
      readers: [
        { id: 'floor-in', direction: 'entry' },
        { id: 'floor-out', direction: 'exit' },
      ],
    }),
    DoorInput.parse({
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
    }),
  ];
  for (const d of doors) await access.saveDoor(d, SEED, 'create');
  await access.saveLevel(
    { id: 'staff', name: 'Staff', scheduleId: 'office-hours', doorIds: ['front-door', 'floor-door'] },
    SEED,
    'create',
  );
  await access.saveLevel(
    {
      id: 'it',
      name: 'IT (server room)',
      scheduleId: 'always',
      doorIds: ['front-door', 'floor-door', 'server-door'],
    },
    SEED,
    'create',
  );
  await access.saveGroup({ id: 'agents', name: 'Call agents', levelIds: ['staff'] }, SEED, 'create');
  for (let i = 0; i < 24; i++) {
    const it = i % 8 === 0;
    const person = await access.createCardholder(
      {
        name: `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / 3) % LAST.length]}`,
        employeeNumber: `CC${1000 + i}`,
        department: it ? 'IT' : 'Customer service',
        directoryAccount: `${FIRST[i % FIRST.length]!.toLowerCase()}.${LAST[Math.floor(i / 3) % LAST.length]!.toLowerCase()}`,
        kind: 'employee',
        state: 'active',
        privileged: it,
        watchListed: false,
        levelIds: it ? ['it'] : [],
        groupIds: it ? [] : ['agents'],
      },
      SEED,
    );
    await access.createCredential(
      {
        cardholderId: person.id,
        format: 'H10301',
        number: `21:${10100 + i}`,
        pin: it ? '2580' : null,
        validFrom: null,
        validUntil: null,
        state: 'active',
        expireUnusedDays: null,
      },
      SEED,
    );
  }
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
