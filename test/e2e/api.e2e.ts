import { get } from 'node:http';
import {
  ADMIN_PASSWORD,
  bootstrapAdmin,
  Client,
  operatorClient,
  PERMANENT_PASSWORD,
} from '../support/client';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';
import { totpCode } from '../../libs/auth/src/totp';

interface ErrorShape {
  error: { code: string; message: string; details: Record<string, unknown> };
}
const expectError = (reply: { status: number; body: unknown }, status: number, code?: string) => {
  expect(reply.status).toBe(status);
  const body = reply.body as ErrorShape;
  expect(typeof body.error.message).toBe('string');
  expect(body.error.details).toBeDefined();
  if (code) expect(body.error.code).toBe(code);
};

describe('gateway HTTP API (real process)', () => {
  let gw: RunningGateway;
  let admin: Client;
  let secret: string;

  beforeAll(async () => {
    gw = await startGateway({
      env: { GATEHOUSE_HTTP_BODY_LIMIT_BYTES: '16384', GATEHOUSE_AUTH_LOCKOUT_THRESHOLD: '3' },
    });
    expect(gw.bootstrapToken).toMatch(/^gbt_/);
    ({ client: admin, secret } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
  });
  afterAll(async () => {
    expect(await gw.stop()).toBe(0);
    removeDir(gw.dataDir);
  });

  it('reports health per component and serves the OpenAPI document', async () => {
    const anon = new Client(gw.url);
    expect((await anon.get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await anon.get<{ status: string; components: Record<string, { status: string }> }>(
      '/health/ready',
    );
    expect(ready.status).toBe(200);
    expect(ready.body.components.storage!.status).toBe('up');
    expect(ready.body.components.journal!.status).toBe('up');
    const doc = await anon.get<{ openapi: string; paths: Record<string, unknown> }>('/api/docs/openapi.json');
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/journal', '/api/v1/auth/login', '/api/v1/operators']),
    );
    expect((await anon.get('/api/docs')).status).toBe(200);
  });

  it('refuses a second bootstrap and keeps deny-by-default for anonymous callers', async () => {
    const anon = new Client(gw.url);
    expect((await anon.get('/api/v1/auth/bootstrap')).body).toEqual({ pending: false });
    expectError(
      await anon.post('/api/v1/auth/bootstrap', {
        token: gw.bootstrapToken,
        username: 'eve',
        displayName: 'Eve',
        password: 'another long pass phrase',
      }),
      403,
      'auth.bootstrap-refused',
    );
    for (const path of [
      '/api/v1/journal',
      '/api/v1/operators',
      '/api/v1/tokens',
      '/api/v1/events',
      '/api/v1/journal/verify',
      '/metrics',
    ]) {
      expectError(await anon.get(path), 401);
    }
  });

  it('asks an admin for the second factor at sign-in', async () => {
    const c = new Client(gw.url);
    const login = await c.post('/api/v1/auth/login', { username: 'ada', password: ADMIN_PASSWORD });
    expect(login.body.stage).toBe('totp');
    expectError(await c.get('/api/v1/journal'), 403, 'auth.second-factor-required');
    expectError(
      await c.post('/api/v1/auth/second-factor', { code: '000000' }),
      401,
      'auth.invalid-second-factor',
    );
    // A code from 30 s later than the one enrolment used, so it is not a replay.
    const ok = await c.post('/api/v1/auth/second-factor', { code: totpCode(secret, Date.now() + 30_000) });
    expect(ok.status).toBe(200);
    expect((await c.get('/api/v1/journal')).status).toBe(200);
  });

  it('enforces roles per endpoint and journals refusals', async () => {
    const reception = await operatorClient(admin, gw.url, 'rita', ['reception']);
    expectError(await reception.get('/api/v1/operators'), 403, 'auth.forbidden');
    expectError(await reception.get('/api/v1/journal/verify'), 403, 'auth.forbidden');
    expectError(await reception.get('/api/v1/journal/export'), 403, 'auth.forbidden');
    expect(
      (await reception.post('/api/v1/journal/notes', { text: 'Visitor badge printer jammed' })).status,
    ).toBe(201);
    // Reception sees notes, not auth events.
    const page = await reception.get<{ items: { type: string }[] }>('/api/v1/journal?limit=100');
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    expect(page.body.items.every((e) => ['note', 'visitor'].includes(e.type.split('.')[0]!))).toBe(true);
    const denied = await admin.get<{ items: { type: string; actor: { name: string } }[] }>(
      '/api/v1/journal?type=auth.access-denied',
    );
    expect(denied.body.items.some((e) => e.actor.name === 'rita')).toBe(true);
  });

  it('makes an operator created by an admin change the given password first', async () => {
    await admin.post('/api/v1/operators', {
      username: 'gus',
      displayName: 'Gus Guard',
      roles: ['guard'],
      password: 'first granite pass phrase',
    });
    const gus = new Client(gw.url);
    await gus.post('/api/v1/auth/login', { username: 'gus', password: 'first granite pass phrase' });
    expectError(await gus.get('/api/v1/journal'), 403, 'auth.password-change-required');
    expectError(
      await gus.post('/api/v1/auth/password', {
        currentPassword: 'first granite pass phrase',
        newPassword: 'password1234',
      }),
      400,
      'auth.weak-password',
    );
    expect(
      (
        await gus.post('/api/v1/auth/password', {
          currentPassword: 'first granite pass phrase',
          newPassword: 'granite lantern harbour',
        })
      ).status,
    ).toBe(204);
    expect((await gus.get('/api/v1/journal')).status).toBe(200);
  });

  it('answers malformed JSON, oversize bodies, unknown fields and wrong types in the error shape', async () => {
    expectError(
      await admin.request('POST', '/api/v1/journal/notes', undefined, { raw: '{"text": "unterminated' }),
      400,
      'request.malformed-json',
    );
    expectError(
      await admin.request('POST', '/api/v1/journal/notes', undefined, {
        raw: JSON.stringify({ text: 'x'.repeat(20_000) }),
      }),
      413,
      'request.too-large',
    );
    const unknown = await admin.post('/api/v1/journal/notes', { text: 'hello', colour: 'red' });
    expectError(unknown, 400, 'request.invalid');
    expect(JSON.stringify(unknown.body)).toContain('colour');
    expectError(await admin.post('/api/v1/journal/notes', { text: 42 }), 400, 'request.invalid');
    expectError(
      await admin.post('/api/v1/operators', {
        username: 'x',
        displayName: 'X',
        roles: ['superuser'],
        password: 'whatever long pass',
      }),
      400,
      'request.invalid',
    );
    expectError(await admin.get('/api/v1/journal?limit=abc'), 400, 'request.invalid');
    expectError(await admin.get('/api/v1/journal?from=yesterday'), 400, 'journal.bad-time');
    expectError(await admin.get('/api/v1/journal?cursor=not-a-cursor'), 400, 'journal.bad-cursor');
    expectError(await admin.get('/api/v1/journal?sort=asc'), 400, 'request.invalid');
    expectError(
      await admin.request('POST', '/api/v1/journal/notes', undefined, {
        raw: 'text=hi',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
    );
  });

  it('treats SQL meta characters as data and path traversal as not found', async () => {
    const note = await admin.post('/api/v1/journal/notes', {
      text: "Robert'); DROP TABLE journal_entries;-- and 100% _sure_",
    });
    expect(note.status).toBe(201);
    const found = await admin.get<{ items: { seq: number }[] }>(
      `/api/v1/journal?q=${encodeURIComponent("'); DROP TABLE")}`,
    );
    expect(found.status).toBe(200);
    expect(found.body.items.map((e) => e.seq)).toContain(note.body.seq);
    const percent = await admin.get<{ items: unknown[] }>(`/api/v1/journal?q=${encodeURIComponent('100%')}`);
    expect(percent.body.items.length).toBe(1);
    expect((await admin.get(`/api/v1/journal?person=${encodeURIComponent("' OR 1=1 --")}`)).body).toEqual({
      items: [],
      nextCursor: null,
    });
    expectError(await admin.get('/api/v1/operators/..%2F..%2Fetc%2Fpasswd'), 404, 'operator.not-found');
    expectError(
      await admin.get('/api/v1/operators/00000000-0000-4000-8000-000000000000'),
      404,
      'operator.not-found',
    );
    expectError(await admin.post('/api/v1/tokens/..%2Fx/revoke'), 404, 'token.not-found');
    // fetch() would normalise the dots away: send the raw path.
    for (const path of ['/../../etc/passwd', '/assets/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd']) {
      const raw = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        get({ host: '127.0.0.1', port: gw.port, path }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        }).on('error', reject);
      });
      expect(raw.status).toBeLessThan(500);
      expect(raw.body).not.toContain('root:');
    }
    const encoded = await fetch(`${gw.url}/assets/..%2f..%2f..%2fpackage.json`);
    expect(await encoded.text()).not.toContain('"name": "gatehouse"');
    expectError(await admin.get('/api/v1/nowhere'), 404, 'http.not-found');
  });

  it('refuses cookie mutations without the CSRF token, forged and ended sessions', async () => {
    const noCsrf = new Client(gw.url);
    noCsrf.cookie = admin.cookie;
    expectError(await noCsrf.post('/api/v1/journal/notes', { text: 'no token' }), 403, 'auth.csrf');
    expectError(
      await noCsrf.request(
        'POST',
        '/api/v1/journal/notes',
        { text: 'wrong' },
        { headers: { 'x-csrf-token': 'guess' } },
      ),
      403,
      'auth.csrf',
    );
    expect((await noCsrf.get('/api/v1/journal?limit=1')).status).toBe(200); // reads need no CSRF token

    const forged = new Client(gw.url);
    forged.cookie = 'gh_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expectError(await forged.get('/api/v1/journal'), 401, 'auth.required');
    forged.cookie = 'gh_session=../../etc/passwd';
    expectError(await forged.get('/api/v1/journal'), 401, 'auth.required');

    const reception = await operatorClient(admin, gw.url, 'rosa', ['reception']);
    const stolen = reception.cookie;
    expect((await reception.post('/api/v1/auth/logout')).status).toBe(204);
    const replay = new Client(gw.url);
    replay.cookie = stolen;
    expectError(await replay.get('/api/v1/journal'), 401, 'auth.required');
  });

  it('issues API tokens shown once, scoped to roles, and refuses them once revoked', async () => {
    const created = await admin.post<{ token: string; view: { id: string } }>('/api/v1/tokens', {
      name: 'siem',
      roles: ['auditor'],
      expiresInDays: 30,
    });
    expect(created.status).toBe(201);
    const machine = new Client(gw.url);
    machine.bearer = created.body.token;
    expect((await machine.get('/api/v1/journal?limit=1')).status).toBe(200);
    expect((await machine.get('/metrics')).text).toContain('gatehouse_journal_entries');
    expectError(
      await machine.post('/api/v1/operators', {
        username: 'm',
        displayName: 'M',
        roles: ['admin'],
        password: 'machine made pass',
      }),
      403,
      'auth.forbidden',
    );
    const listed = await admin.get<{ items: Record<string, unknown>[] }>('/api/v1/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token.slice(17));
    expect((await admin.post(`/api/v1/tokens/${created.body.view.id}/revoke`)).status).toBe(200);
    expectError(await machine.get('/api/v1/journal?limit=1'), 401, 'auth.invalid-token');
    machine.bearer = 'ghk_forgedforged_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expectError(await machine.get('/api/v1/journal?limit=1'), 401, 'auth.invalid-token');
  });

  it('locks an account after repeated failures and journals it', async () => {
    await operatorClient(admin, gw.url, 'lena', ['guard']);
    const c = new Client(gw.url);
    for (let i = 0; i < 3; i++)
      expectError(
        await c.post('/api/v1/auth/login', { username: 'lena', password: 'not her password' }),
        401,
        'auth.invalid-credentials',
      );
    expectError(
      await c.post('/api/v1/auth/login', { username: 'lena', password: PERMANENT_PASSWORD }),
      423,
      'auth.locked',
    );
    const locked = await admin.get<{ items: unknown[] }>('/api/v1/journal?type=auth.account-locked');
    expect(locked.body.items.length).toBe(1);
    const ops = await admin.get<{ items: { id: string; username: string }[] }>('/api/v1/operators');
    const lena = ops.body.items.find((o) => o.username === 'lena')!;
    expect((await admin.post(`/api/v1/operators/${lena.id}/unlock`)).status).toBe(200);
    expect(
      (await c.post('/api/v1/auth/login', { username: 'lena', password: PERMANENT_PASSWORD })).status,
    ).toBe(200);
  });

  it("changes a signed-in operator's second factor only with the password and a current code", async () => {
    const rex = await operatorClient(admin, gw.url, 'rex', ['reception']);
    // An unlocked console alone cannot add a factor, nor can a wrong password.
    expectError(await rex.post('/api/v1/auth/enrollment', {}), 401, 'auth.reauthentication-required');
    expectError(
      await rex.post('/api/v1/auth/enrollment', { currentPassword: 'not my password' }),
      401,
      'auth.reauthentication-required',
    );
    const first = await rex.post<{ secret: string }>('/api/v1/auth/enrollment', {
      currentPassword: PERMANENT_PASSWORD,
    });
    expect(first.status).toBe(200);
    const code = totpCode(first.body.secret, Date.now());
    expect((await rex.post('/api/v1/auth/enrollment/confirm', { code })).status).toBe(200);
    // Replacing it: the password alone is not enough, a code it already used is refused.
    expectError(
      await rex.post('/api/v1/auth/enrollment', { currentPassword: PERMANENT_PASSWORD }),
      401,
      'auth.invalid-second-factor',
    );
    expectError(
      await rex.post('/api/v1/auth/enrollment', { currentPassword: PERMANENT_PASSWORD, code }),
      401,
      'auth.invalid-second-factor',
    );
    const replaced = await rex.post('/api/v1/auth/enrollment', {
      currentPassword: PERMANENT_PASSWORD,
      code: totpCode(first.body.secret, Date.now() + 30_000),
    });
    expect(replaced.status).toBe(200);
    const started = await admin.get<{ items: { payload: Record<string, unknown> }[] }>(
      '/api/v1/journal?type=auth.second-factor-enrolment-started',
    );
    expect(started.body.items.map((e) => e.payload)).toEqual(
      expect.arrayContaining([{ username: 'rex', replacing: true, proof: 'password+totp' }]),
    );
    // An admin can still remove it, with a reason that is journaled.
    const ops = await admin.get<{ items: { id: string; username: string }[] }>('/api/v1/operators');
    const id = ops.body.items.find((o) => o.username === 'rex')!.id;
    expectError(await admin.post(`/api/v1/operators/${id}/second-factor/reset`, {}), 400, 'request.invalid');
    const reset = await admin.post(`/api/v1/operators/${id}/second-factor/reset`, { reason: 'lost phone' });
    expect(reset.status).toBe(200);
    expect(reset.body.totpEnrolled).toBe(false);
    const resets = await admin.get<{ items: { payload: Record<string, unknown> }[] }>(
      `/api/v1/journal?type=operator.second-factor-reset&operator=${id}`,
    );
    expect(resets.body.items[0]!.payload).toEqual({ username: 'rex', reason: 'lost phone' });
  });

  it('journals every mutation with operator, address and what changed', async () => {
    const ops = await admin.get<{ items: { id: string; username: string }[] }>('/api/v1/operators');
    const gus = ops.body.items.find((o) => o.username === 'gus')!;
    expect((await admin.patch(`/api/v1/operators/${gus.id}`, { roles: ['guard', 'reception'] })).status).toBe(
      200,
    );
    const entries = await admin.get<{
      items: { actor: Record<string, string>; payload: { changes: unknown }; subjects: unknown[] }[];
    }>(`/api/v1/journal?type=operator.updated&operator=${gus.id}`);
    const entry = entries.body.items[0]!;
    expect(entry.actor).toMatchObject({ kind: 'operator', name: 'ada', address: '127.0.0.1' });
    expect(entry.actor.requestId).toBeTruthy();
    expect(entry.payload.changes).toEqual({ roles: { from: ['guard'], to: ['guard', 'reception'] } });
  });

  it('searches with filters and cursor pages, newest first, and streams CSV and JSON Lines exports', async () => {
    for (let i = 0; i < 7; i++)
      await admin.post('/api/v1/journal/notes', {
        text: `rounds ${i}`,
        subjects: [{ kind: 'door', id: 'lobby' }],
      });
    const first = await admin.get<{
      items: { seq: number; payload: { text: string } }[];
      nextCursor: string;
    }>('/api/v1/journal?door=lobby&limit=5');
    expect(first.body.items.map((e) => e.payload.text)).toEqual([
      'rounds 6',
      'rounds 5',
      'rounds 4',
      'rounds 3',
      'rounds 2',
    ]);
    const second = await admin.get<{ items: { payload: { text: string } }[]; nextCursor: null }>(
      `/api/v1/journal?door=lobby&limit=5&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((e) => e.payload.text)).toEqual(['rounds 1', 'rounds 0']);
    expect(second.body.nextCursor).toBeNull();
    const csv = await admin.get('/api/v1/journal/export?format=csv-raw&door=lobby');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain('attachment');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('seq,time,type,source,actor,subjects,sourceTime,sourceZone,timeSource,payload');
    expect(lines).toHaveLength(8);
    const jsonl = await admin.get('/api/v1/journal/export?door=lobby');
    const rows = jsonl.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { payload: { text: string } });
    expect(rows.map((r) => r.payload.text)).toEqual([
      'rounds 0',
      'rounds 1',
      'rounds 2',
      'rounds 3',
      'rounds 4',
      'rounds 5',
      'rounds 6',
    ]);
    // A formula in a note is defused in the CSV.
    await admin.post('/api/v1/journal/notes', {
      text: '=HYPERLINK("http://evil")',
      subjects: [{ kind: 'door', id: 'csv' }],
    });
    const evil = await admin.get('/api/v1/journal/export?format=csv-raw&door=csv');
    expect(evil.text).not.toMatch(/,=HYPERLINK/);
    // The readable CSV: a header a person reads, the note's text as its reason, the formula defused too.
    const readable = await admin.get('/api/v1/journal/export?format=csv&door=csv');
    const [header, row] = readable.text.trim().split('\r\n');
    expect(header).toBe('time,event,person,card,door,result,reason,operator');
    expect(row).toContain(',Note,');
    expect(row).toContain('HYPERLINK');
    expect(readable.text).not.toMatch(/,=HYPERLINK/);
    expect(
      (await admin.get<{ items: unknown[] }>('/api/v1/journal?type=journal.exported')).body.items.length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('verifies the journal over the API', async () => {
    const report = await admin.get<{ ok: boolean; entries: number; firstProblem: unknown }>(
      '/api/v1/journal/verify',
    );
    expect(report.body.firstProblem).toBeNull();
    expect(report.body.ok).toBe(true);
    expect(report.body.entries).toBeGreaterThan(20);
    const key = await new Client(gw.url).get('/api/v1/journal/public-key');
    expect(key.text).toContain('BEGIN PUBLIC KEY');
  });

  it('streams live entries over SSE filtered by role and resumes after Last-Event-ID', async () => {
    const reception = await operatorClient(admin, gw.url, 'rhea', ['reception']);
    const read = async (client: Client, headers: Record<string, string>, want: number) => {
      const controller = new AbortController();
      const res = await fetch(`${gw.url}/api/v1/events`, {
        headers: { cookie: client.cookie!, ...headers },
        signal: controller.signal,
      });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const reader = res.body!.getReader();
      let text = '';
      const events: { id: number; type: string }[] = [];
      const deadline = Date.now() + 10_000;
      while (events.length < want && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString();
        let cut: number;
        while ((cut = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, cut);
          text = text.slice(cut + 2);
          const id = /^id: (\d+)$/m.exec(block);
          const data = /^data: (.*)$/m.exec(block);
          if (id && data)
            events.push({ id: Number(id[1]), type: (JSON.parse(data[1]!) as { type: string }).type });
        }
      }
      controller.abort();
      return events;
    };
    const marker = await admin.post<{ seq: number }>('/api/v1/journal/notes', { text: 'before the gap' });
    // Events while "disconnected": an auth event (hidden from reception) and two notes.
    await operatorClient(admin, gw.url, 'hidden', ['guard']);
    await admin.post('/api/v1/journal/notes', { text: 'missed one' });
    await admin.post('/api/v1/journal/notes', { text: 'missed two' });
    const resumed = await read(reception, { 'last-event-id': String(marker.body.seq) }, 2);
    expect(resumed.map((e) => e.type)).toEqual(['note.added', 'note.added']);
    expect(resumed[0]!.id).toBeGreaterThan(marker.body.seq);
    // Live: the admin sees an entry written after the stream opened.
    const live = read(admin, {}, 1);
    await new Promise((r) => setTimeout(r, 300));
    await admin.post('/api/v1/journal/notes', { text: 'live one' });
    expect((await live).map((e) => e.type)).toContain('note.added');
  });

  it('serves the console and keeps API 404s in the error shape', async () => {
    const page = await fetch(`${gw.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain('<div id="root">');
    const deep = await fetch(`${gw.url}/some/console/route`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
  });
});
