import { bootstrapAdmin, Client, operatorClient } from '../support/client';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';

interface ErrorShape {
  error: { code: string; message: string; details: Record<string, unknown> };
}
const code = (r: { body: unknown }) => (r.body as ErrorShape).error?.code;

describe('access control API (real process)', () => {
  let gw: RunningGateway;
  let admin: Client;
  let fm: Client;
  let guard: Client;
  let reception: Client;

  beforeAll(async () => {
    gw = await startGateway();
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    guard = await operatorClient(admin, gw.url, 'gina', ['guard']);
    reception = await operatorClient(admin, gw.url, 'remy', ['reception']);
  });
  afterAll(async () => {
    await gw.stop();
    removeDir(gw.dataDir);
  });

  it('lets a facility manager set up a site and answers decisions, who-can-open and doors-of from the engine', async () => {
    expect((await fm.post('/api/v1/access/zones', { id: 'floor-1', name: 'First floor' })).status).toBe(201);
    expect(
      (
        await fm.post('/api/v1/access/schedules', {
          id: 'office',
          name: 'Office hours',
          timeZone: 'Europe/London',
          intervals: [{ days: [1, 2, 3, 4, 5], start: '07:00', end: '19:00' }],
        })
      ).status,
    ).toBe(201);
    const door = await fm.post('/api/v1/access/doors', {
      id: 'stairs-1',
      name: 'Stairs to first floor',
      zoneIn: 'floor-1',
      readers: [
        { id: 'stairs-1-in', direction: 'entry' },
        { id: 'stairs-1-out', direction: 'exit' },
      ],
    });
    expect(door.status).toBe(201);
    expect(door.body).toMatchObject({
      mode: 'card-only',
      unlockMs: 5000,
      heldOpenMs: 30000,
      antiPassback: 'none',
    });
    expect(
      (
        await fm.post('/api/v1/access/levels', {
          id: 'staff',
          name: 'Staff',
          scheduleId: 'office',
          doorIds: ['stairs-1'],
        })
      ).status,
    ).toBe(201);
    const person = await fm.post<{ id: string }>('/api/v1/access/cardholders', {
      name: 'Ann Archer',
      employeeNumber: 'E1',
      levelIds: ['staff'],
    });
    expect(person.status).toBe(201);
    const cred = await fm.post('/api/v1/access/credentials', {
      cardholderId: person.body.id,
      format: 'H10301',
      number: '12:345',
      pin: '2468',
    });
    expect(cred.status).toBe(201);
    expect(JSON.stringify(cred.body)).not.toMatch(/2468|argon2|pinHash/);

    const weekday = '2026-06-03T10:00:00Z'; // Wednesday 11:00 BST
    const sim = await fm.post('/api/v1/access/simulate', {
      readerId: 'stairs-1-in',
      format: 'H10301',
      number: '12:345',
      at: weekday,
    });
    expect(sim.body).toMatchObject({
      grant: true,
      reason: 'granted',
      doorId: 'stairs-1',
      cardholderId: person.body.id,
    });
    const night = await fm.post('/api/v1/access/simulate', {
      readerId: 'stairs-1-in',
      format: 'H10301',
      number: '12:345',
      at: '2026-06-03T22:00:00Z',
    });
    expect(night.body).toMatchObject({ grant: false, reason: 'outside-schedule' });
    const who = await guard.get<{ items: { name: string }[] }>(
      `/api/v1/access/doors/stairs-1/who-can-open?at=${weekday}`,
    );
    expect(who.body.items).toEqual([{ id: person.body.id, name: 'Ann Archer' }]);
    const doors = await fm.get<{ items: { doorId: string }[] }>(
      `/api/v1/access/cardholders/${person.body.id}/doors`,
    );
    expect(doors.body.items.map((d) => d.doorId)).toEqual(['stairs-1']);

    // Suspending the credential takes effect at the next decision.
    await fm.patch(`/api/v1/access/credentials/${(cred.body as { id: string }).id}`, { state: 'suspended' });
    expect(
      (
        await fm.post('/api/v1/access/simulate', {
          readerId: 'stairs-1-in',
          format: 'H10301',
          number: '12:345',
          at: weekday,
        })
      ).body,
    ).toMatchObject({
      reason: 'credential-suspended',
    });
    const changes = await admin.get<{ items: { payload: { changes: unknown } }[] }>(
      '/api/v1/journal?type=credential.updated',
    );
    expect(changes.body.items[0]!.payload.changes).toEqual({ state: { from: 'active', to: 'suspended' } });
  });

  it('refuses bad schedules, duplicates, unknown references and writes from the wrong role', async () => {
    const overlap = await fm.post('/api/v1/access/schedules', {
      id: 'bad',
      name: 'Bad',
      timeZone: 'UTC',
      intervals: [
        { days: [1], start: '08:00', end: '12:00' },
        { days: [1], start: '11:00', end: '13:00' },
      ],
    });
    expect(overlap.status).toBe(400);
    expect((overlap.body as unknown as ErrorShape).error.message).toMatch(/overlaps/);
    const inverted = await fm.post('/api/v1/access/schedules', {
      id: 'bad',
      name: 'Bad',
      timeZone: 'UTC',
      intervals: [{ days: [1], start: '18:00', end: '08:00' }],
    });
    expect(code(inverted)).toBe('schedule.invalid');
    expect(
      code(
        await fm.post('/api/v1/access/schedules', {
          id: 'bad',
          name: 'Bad',
          timeZone: 'Moon/Base',
          intervals: [],
        }),
      ),
    ).toBe('schedule.invalid');
    const dup = await fm.post<ErrorShape>('/api/v1/access/cardholders', {
      name: 'Ann Again',
      employeeNumber: 'E1',
    });
    expect(dup.status).toBe(409);
    expect(
      code(
        await fm.post('/api/v1/access/levels', {
          id: 'x',
          name: 'X',
          scheduleId: 'office',
          doorIds: ['nowhere'],
        }),
      ),
    ).toBe('door.unknown');
    expect(code(await fm.request('DELETE', '/api/v1/access/schedules/office'))).toBe('schedule.in-use');
    expect((await reception.post('/api/v1/access/cardholders', { name: 'Sneaky' })).status).toBe(403);
    expect((await guard.post('/api/v1/access/doors', { id: 'd', name: 'D', zoneIn: 'floor-1' })).status).toBe(
      403,
    );
    expect((await fm.get('/api/v1/access/doors/..%2F..%2Fetc')).status).toBe(404);
    expect((await fm.post('/api/v1/access/cardholders', { name: 'X', colour: 'red' })).status).toBe(400);
  });

  it('imports CSV with a dry run naming bad lines, then applies it', async () => {
    const csv = (body: string, mode: string) =>
      fm.request('POST', `/api/v1/access/import?mode=${mode}&fileName=people.csv`, undefined, {
        raw: body,
        headers: { 'content-type': 'text/csv' },
      });
    const header = 'employee_number,name,levels,credential_format,credential_number\n';
    const bad = await csv(
      `${header}E10,Bea,staff,H10301,1:10\nE11,Cal,nolevel,H10301,1:11\nE12,Dee,staff,H10301,1:10\n`,
      'dry-run',
    );
    expect(bad.status).toBe(200);
    expect((bad.body as { errors: unknown[] }).errors).toEqual([
      { line: 3, message: 'unknown level "nolevel"' },
      { line: 4, message: 'credential H10301 1:10 already appears on line 2' },
    ]);
    expect(
      (await csv(`${header}E10,Bea,staff,H10301,1:10\nE11,Cal,nolevel,H10301,1:11\n`, 'apply')).status,
    ).toBe(400);
    const wrong = await csv('who,what\n1,2\n', 'dry-run');
    expect(code(wrong)).toBe('import.columns');
    const ok = await csv(`${header}E10,Bea,staff,H10301,1:10\nE11,Cal,staff,H10301,1:11\n`, 'apply');
    expect(ok.body).toMatchObject({ applied: true, cardholders: { create: 2 }, credentials: { create: 2 } });
    const exported = await fm.get('/api/v1/access/export');
    expect(exported.text).toContain('E11,Cal,,,employee,active,staff,,H10301,1:11,active');
    expect((await reception.get<{ total: number }>('/api/v1/access/cardholders?q=cal')).body.total).toBe(1);
    // The import was committed by a worker thread on its own connection: the journal still verifies.
    expect((await admin.get<{ ok: boolean }>('/api/v1/journal/verify')).body.ok).toBe(true);
    expect((await admin.post('/api/v1/journal/notes', { text: 'after the import' })).status).toBe(201);
    expect(
      (await admin.get<{ ok: boolean; firstProblem: unknown }>('/api/v1/journal/verify')).body,
    ).toMatchObject({ ok: true, firstProblem: null });
  });

  it('stores a photo only when its bytes are an image of the declared type', async () => {
    const people = await fm.get<{ items: { id: string }[] }>('/api/v1/access/cardholders?q=Ann');
    const id = people.body.items[0]!.id;
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const put = (body: Buffer, type: string) =>
      fetch(`${gw.url}/api/v1/access/cardholders/${id}/photo`, {
        method: 'PUT',
        headers: { cookie: fm.cookie!, 'x-csrf-token': fm.csrf!, 'content-type': type },
        body,
      });
    expect((await put(Buffer.from('<script>alert(1)</script>'), 'image/png')).status).toBe(400);
    expect((await put(png, 'image/jpeg')).status).toBe(400);
    // Refused from its length before it is parsed; the rest of the body is read and dropped so the
    // client gets its 413 rather than a reset socket.
    const tooBig = await put(Buffer.alloc(3 * 1024 * 1024, 1), 'image/png');
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as ErrorShape).error).toMatchObject({
      code: 'request.too-large',
      details: { maxBytes: 2 * 1024 * 1024 },
    });
    expect((await put(png, 'image/png')).status).toBe(204);
    const back = await fetch(`${gw.url}/api/v1/access/cardholders/${id}/photo`, {
      headers: { cookie: guard.cookie! },
    });
    expect(back.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await back.arrayBuffer()).equals(png)).toBe(true);
  });

  it('lets a guard unlock, change modes, lock down and forgive, each with a reason, journaled', async () => {
    expect(code(await guard.post('/api/v1/access/doors/stairs-1/unlock', {}))).toBe('request.invalid');
    expect(
      (await guard.post('/api/v1/access/doors/stairs-1/unlock', { reason: 'courier with a trolley' })).status,
    ).toBe(202);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const mode = await guard.post('/api/v1/access/doors/stairs-1/mode', {
      mode: 'unlocked',
      until,
      reason: 'open day',
    });
    expect(mode.body).toMatchObject({ mode: 'unlocked', manual: { reason: 'open day' } });
    expect(
      code(
        await guard.post('/api/v1/access/doors/stairs-1/mode', {
          mode: 'unlocked',
          until: '2001-01-01T00:00:00Z',
          reason: 'past',
        }),
      ),
    ).toBe('door.until-past');
    const lock = await guard.post<{ items: { doorId: string; mode: string }[] }>('/api/v1/access/lockdown', {
      reason: 'intruder reported',
    });
    expect(lock.body.items.every((d) => d.mode === 'lockdown')).toBe(true);
    expect((await fm.post('/api/v1/access/lockdown', { reason: 'not mine' })).status).toBe(403);
    // A lockdown in force is not started again (who started it and why would be overwritten).
    const again = await guard.post('/api/v1/access/lockdown', { reason: 'twice' });
    expect(again.status).toBe(409);
    expect(code(again)).toBe('door.lockdown-in-force');
    const release = await guard.post<{ items: { mode: string }[] }>('/api/v1/access/lockdown/release', {
      reason: 'all clear',
    });
    // Release returns doors to their normal mode: a manual unlock set before the lockdown is not restored.
    expect(release.body.items.find(() => true)!.mode).toBe('card-only');
    // Nothing to release: refused in words, not a silent success.
    const none = await guard.post('/api/v1/access/lockdown/release', { reason: 'again' });
    expect(none.status).toBe(409);
    expect(code(none)).toBe('door.no-lockdown');
    expect(
      (
        await guard.post('/api/v1/access/anti-passback/forgive', {
          cardholderId: null,
          reason: 'fire drill reset',
        })
      ).body,
    ).toMatchObject({ forgiven: 0 });
    const journal = await admin.get<{
      items: { type: string; actor: { name: string }; payload: { reason: string } }[];
    }>('/api/v1/journal?type=door.*&type=access.*&limit=20');
    const types = journal.body.items.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'door.remote-unlock',
        'door.mode-set',
        'door.lockdown-started',
        'door.lockdown-released',
        'access.passback-forgiven',
      ]),
    );
    expect(journal.body.items.find((e) => e.type === 'door.lockdown-started')).toMatchObject({
      actor: { name: 'gina' },
      payload: { reason: 'intruder reported' },
    });
  });
});
