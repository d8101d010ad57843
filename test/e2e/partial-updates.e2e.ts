import fc from 'fast-check';
import { bootstrapAdmin, Client, operatorClient } from '../support/client';
import {
  aCardholder,
  aCredential,
  aDoor,
  aGroup,
  aHoliday,
  aLevel,
  aSchedule,
  aZone,
  hours,
} from '@gatehouse/testing';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';
import { createSite } from '../support/site';

type Json = Record<string, unknown>;

/**
 * One resource with an update route: where it lives, and for each field an
 * update may name, the values to try and what the record then shows (a field
 * sent as an ISO time is read back in milliseconds, a PIN as `hasPin`).
 */
interface Resource {
  name: string;
  path: () => string;
  client: () => Client;
  fields: Record<string, fc.Arbitrary<unknown>>;
  shows?: (field: string, value: unknown, after: Json) => Json;
  /** Fields the server derives on every change (an update time). */
  derived?: string[];
}

const text = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .'-]{0,20}[A-Za-z0-9]$/);
const nullableText = fc.option(text, { nil: null });
const subset = (ids: string[]) => fc.subarray(ids);
const interval = fc.record({
  days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }).map((d) => d.sort()),
  start: fc.constantFrom('00:00', '06:30', '08:00'),
  end: fc.constantFrom('12:00', '18:00', '24:00'),
});
const iso = (from: string, to: string) =>
  fc
    .integer({ min: Date.parse(from), max: Date.parse(to) })
    .map((ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString());

describe('an update changes only the fields it names (every update route, real process)', () => {
  let gw: RunningGateway;
  let admin: Client;
  let fm: Client;
  let personId: string;
  let credentialId: string;
  let operatorId: string;

  const ok = async <T = Json>(reply: Promise<{ status: number; body: T; text: string }>) => {
    const r = await reply;
    if (r.status >= 300) throw new Error(`HTTP ${r.status}: ${r.text}`);
    return r.body;
  };

  beforeAll(async () => {
    gw = await startGateway();
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    // Every field away from its default, so a default that creeps back in shows.
    const [person] = await createSite(fm, {
      zones: [aZone({ id: 'z1', name: 'Zone one' }), aZone({ id: 'z2', name: 'Zone two' })],
      schedules: ['s1', 's2'].map((id) =>
        aSchedule({ id, name: `Schedule ${id}`, intervals: [hours([1, 2, 3], '08:00', '18:00')] }),
      ),
      holidays: [aHoliday({ id: 'h1', name: 'New year', date: '2027-01-01' })],
      doors: ['d1', 'd2'].map((id) =>
        aDoor({
          id,
          name: `Door ${id}`,
          zoneOut: 'z2',
          zoneIn: 'z1',
          mode: 'card-and-pin',
          unlockMs: 7000,
          heldOpenMs: 45_000,
          unlockScheduleId: 's1',
          firstPersonIn: true,
          antiPassback: 'soft',
          antiPassbackKind: 'timed',
          antiPassbackSeconds: 120,
          escortRequired: true,
          lock: 'relay:1',
          contact: 'sensor:1',
          rex: 'sensor:2',
        }),
      ),
      levels: ['l1', 'l2'].map((id) =>
        aLevel({ id, name: `Level ${id}`, scheduleId: 's1', doorIds: ['d1'] }),
      ),
      groups: [
        aGroup({ id: 'g1', name: 'Group one', levelIds: ['l1'] }),
        aGroup({ id: 'g2', name: 'Group two', levelIds: ['l2'] }),
      ],
      people: [
        {
          cardholder: aCardholder({
            name: 'Ann Archer',
            employeeNumber: 'E1',
            department: 'Ops',
            directoryAccount: 'ann',
            kind: 'contractor',
            state: 'active',
            privileged: true,
            watchListed: true,
            levelIds: ['l1'],
            groupIds: ['g1'],
          }),
          credentials: [
            aCredential({
              number: '12:345',
              pin: '2468',
              duressPin: '9753',
              validFrom: '2026-01-01T00:00:00Z',
              validUntil: '2028-01-01T00:00:00Z',
              state: 'suspended',
              expireUnusedDays: 90,
            }),
          ],
        },
      ],
    });
    personId = person!.id;
    credentialId = person!.credentialIds[0]!;
    operatorId = (
      await ok(
        admin.post('/api/v1/operators', {
          username: 'olive',
          displayName: 'Olive Operator',
          roles: ['guard', 'reception'],
          password: 'temporary entry pass 1',
        }),
      )
    ).id as string;
  });
  afterAll(async () => {
    await gw.stop();
    removeDir(gw.dataDir);
  });

  const record = (
    path: string,
    fields: Record<string, fc.Arbitrary<unknown>>,
    extra: Partial<Resource> = {},
  ) => ({ name: path, path: () => `/api/v1/access/${path}`, client: () => fm, fields, ...extra }) as Resource;

  const resources = (): Resource[] => [
    record('zones/z1', { name: text, parentId: fc.constantFrom(null, 'z2') }),
    record('doors/d1', {
      name: text,
      readers: fc.constantFrom(
        [],
        [{ id: 'd1-in', direction: 'entry' }],
        [{ id: 'd1-out', direction: 'exit' }],
      ),
      zoneOut: fc.constantFrom('outside', 'z2'),
      zoneIn: fc.constantFrom('z1', 'z2'),
      mode: fc.constantFrom('locked', 'card-only', 'card-and-pin'),
      unlockMs: fc.integer({ min: 500, max: 60_000 }),
      heldOpenMs: fc.integer({ min: 1000, max: 3_600_000 }),
      unlockScheduleId: fc.constantFrom(null, 's1', 's2'),
      firstPersonIn: fc.boolean(),
      antiPassback: fc.constantFrom('none', 'soft', 'hard'),
      antiPassbackKind: fc.constantFrom('zone', 'timed'),
      antiPassbackSeconds: fc.integer({ min: 0, max: 86_400 }),
      escortRequired: fc.boolean(),
      lock: nullableText,
      contact: nullableText,
      rex: nullableText,
    }),
    record('schedules/s2', {
      name: text,
      timeZone: fc.constantFrom('UTC', 'Europe/London', 'America/New_York'),
      intervals: fc.array(interval, { maxLength: 1 }),
      holidayIntervals: fc.array(interval, { maxLength: 1 }),
    }),
    record('holidays/h1', {
      name: text,
      date: fc
        .date({ min: new Date('2026-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10)),
    }),
    record('levels/l2', {
      name: text,
      scheduleId: fc.constantFrom('s1', 's2'),
      doorIds: subset(['d1', 'd2']),
    }),
    record('groups/g2', { name: text, levelIds: subset(['l1', 'l2']) }),
    record('cardholders/PERSON', {
      name: text,
      employeeNumber: fc.option(fc.stringMatching(/^E[0-9]{1,6}$/), { nil: null }),
      department: nullableText,
      directoryAccount: nullableText,
      kind: fc.constantFrom('employee', 'contractor', 'visitor'),
      state: fc.constantFrom('active', 'suspended', 'left'),
      privileged: fc.boolean(),
      watchListed: fc.boolean(),
      levelIds: subset(['l1', 'l2']),
      groupIds: subset(['g1', 'g2']),
    }),
    {
      ...record('credentials/CREDENTIAL', {
        state: fc.constantFrom('active', 'suspended', 'lost', 'revoked'),
        validFrom: fc.option(iso('2020-01-01', '2025-12-31'), { nil: null }),
        validUntil: fc.option(iso('2029-01-01', '2035-12-31'), { nil: null }),
        expireUnusedDays: fc.option(fc.integer({ min: 1, max: 3650 }), { nil: null }),
        pin: fc.option(fc.stringMatching(/^[0-4]{4,8}$/), { nil: null }),
        duressPin: fc.option(fc.stringMatching(/^[5-9]{4,8}$/), { nil: null }),
      }),
      shows: (field, value) =>
        field === 'pin'
          ? { hasPin: value !== null }
          : field === 'duressPin'
            ? { hasDuressPin: value !== null }
            : field === 'validFrom' || field === 'validUntil'
              ? { [field]: value === null ? null : Date.parse(value as string) }
              : { [field]: value },
    },
    {
      name: 'operators',
      path: () => `/api/v1/operators/${operatorId}`,
      client: () => admin,
      fields: {
        displayName: text,
        roles: fc.subarray(['reception', 'guard', 'responder', 'auditor'], { minLength: 1 }),
        disabled: fc.boolean(),
      },
      // Whether a second factor is required follows from the roles.
      shows: (field, value, after) =>
        field === 'roles'
          ? { roles: [...(value as string[])].sort(), totpRequired: after.totpRequired }
          : { [field]: value },
      derived: ['updatedAt'],
    },
  ];

  it('a PATCH of any one field leaves every other field exactly as it was (fast-check over every resource)', async () => {
    const all = resources().map((r) => ({
      ...r,
      path: () => r.path().replace('PERSON', personId).replace('CREDENTIAL', credentialId),
    }));
    const change = fc.oneof(
      ...all.flatMap((r) =>
        Object.entries(r.fields).map(([field, values]) =>
          values.map((value) => ({ resource: r.name, field, value })),
        ),
      ),
    );
    const comparable = (r: Resource, body: Json) => {
      const copy = { ...body };
      for (const f of r.derived ?? []) delete copy[f];
      if (Array.isArray(copy.roles)) copy.roles = [...(copy.roles as string[])].sort();
      return copy;
    };
    await fc.assert(
      fc.asyncProperty(change, async ({ resource, field, value }) => {
        const r = all.find((x) => x.name === resource)!;
        const before = comparable(r, await ok(r.client().get<Json>(r.path())));
        const reply = await r.client().patch<Json>(r.path(), { [field]: value });
        expect({ status: reply.status, field, value, body: reply.body }).toMatchObject({ status: 200 });
        const after = comparable(r, await ok(r.client().get<Json>(r.path())));
        const shown = (r.shows ?? ((f, v) => ({ [f]: v })))(field, value, after);
        expect(after).toEqual({ ...before, ...shown });
      }),
      { numRuns: 250 },
    );
  });

  it('a PUT names every field: one left out is refused by name, not reset to its default', async () => {
    const door = await ok(fm.get<Json>('/api/v1/access/doors/d2'));
    const { mode: _mode, ...withoutMode } = door;
    const reply = await fm.request<{ error: { details: { issues: { path: string }[] } } }>(
      'PUT',
      '/api/v1/access/doors/d2',
      withoutMode,
    );
    expect(reply.status).toBe(400);
    expect(reply.body.error.details.issues.map((i) => i.path)).toEqual(['mode']);
    expect(await ok(fm.get('/api/v1/access/doors/d2'))).toEqual(door);
    const replaced = await fm.request<Json>('PUT', '/api/v1/access/doors/d2', { ...door, unlockMs: 8000 });
    expect(replaced.status).toBe(200);
    expect(await ok(fm.get('/api/v1/access/doors/d2'))).toEqual({ ...door, unlockMs: 8000 });
  });
});
