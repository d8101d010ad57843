import { connect } from 'node:net';
import { aCardholder, aCredential } from '@gatehouse/testing';
import {
  type Action,
  ACTIONS,
  FIELD_PROPERTIES,
  FIELDS,
  type Field,
  permissionsOf,
} from '../../libs/auth/src/permissions';
// The roles operators hold (login-source is a token-only machine role, covered in logins.e2e.ts).
import { PERSON_ROLES as ROLES, type Role } from '../../libs/auth/src/roles';
import { bootstrapAdmin, Client, operatorClient } from '../support/client';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';
import { createSite } from '../support/site';

interface ErrorShape {
  error: { code: string; message: string; details: Record<string, unknown> };
}
interface RawReply {
  status: number;
  head: string;
  body: ErrorShape;
}

/**
 * One request written to a socket by hand, as a client library would not send
 * it (a bad path, huge headers, a body announced but never sent), and the
 * answer read back. Resolves when the answer's declared length has arrived.
 */
const raw = (port: number, request: string | Buffer): Promise<RawReply> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within 10 s; got: ${got.toString().slice(0, 300)}`));
    }, 10_000);
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      const text = got.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = text.slice(0, end);
      const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
      if (got.length - end - 4 < length) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({
        status: Number(head.split(' ')[1]),
        head,
        body: JSON.parse(got.subarray(end + 4, end + 4 + length).toString('utf8')) as ErrorShape,
      });
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });

const expectShape = (reply: { status: number; body: unknown }, status: number, code: string) => {
  expect(reply.status).toBe(status);
  const { error } = reply.body as ErrorShape;
  expect(error).toEqual({ code, message: expect.any(String), details: expect.any(Object) });
};

/** Headers of a request whose body is announced and never sent: an answer proves it was judged unread. */
const announced = (method: string, path: string, type: string, length: number, extra = '') =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n${extra}\r\n`;

const NINETEEN_MB = 19 * 1024 * 1024;

describe('API hardening (real process)', () => {
  let gw: RunningGateway;
  let admin: Client;
  const as = {} as Record<Role, Client>;
  let cardholderId: string;
  let credentialId: string;

  beforeAll(async () => {
    gw = await startGateway({ env: { GATEHOUSE_AUTH_TOTP_REQUIRED_ROLES: 'admin' } });
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    as.admin = admin;
    for (const role of ROLES.filter((r) => r !== 'admin'))
      as[role] = await operatorClient(admin, gw.url, `op-${role}`, [role]);
    const fm = as['facility-manager'];
    const [wanda] = await createSite(fm, {
      people: [
        {
          cardholder: aCardholder({
            name: 'Wanda Watched',
            employeeNumber: 'E-7731',
            department: 'Collections',
            directoryAccount: 'CORP\\wwatched',
            watchListed: true,
            privileged: true,
          }),
          credentials: [aCredential({ number: '7:7731', pin: '8642' })],
        },
      ],
    });
    cardholderId = wanda!.id;
    credentialId = wanda!.credentialIds[0]!;
  }, 120_000);
  afterAll(async () => {
    expect(await gw.stop()).toBe(0);
    removeDir(gw.dataDir);
  });

  describe('what each role reads (docs/permissions.md)', () => {
    it('shows each role exactly the cardholder fields the matrix gives it, in the search and the detail', async () => {
      for (const role of ROLES) {
        const found = await as[role].get<{ items: Record<string, unknown>[] }>(
          '/api/v1/access/cardholders?q=wanda',
        );
        const detail = await as[role].get<
          Record<string, unknown> & { credentials?: Record<string, unknown>[] }
        >(`/api/v1/access/cardholders/${cardholderId}`);
        expect(found.body.items).toHaveLength(1);
        for (const view of [found.body.items[0]!, detail.body]) {
          expect(view).toMatchObject({ id: cardholderId, name: 'Wanda Watched', state: 'active' });
          for (const field of Object.keys(FIELDS) as Field[]) {
            const sees = (FIELDS[field].roles as readonly Role[]).includes(role);
            for (const property of FIELD_PROPERTIES[field].filter(
              (p) => p !== 'credentials' && !/Pin$/.test(p),
            ))
              expect([role, property, property in view]).toEqual([role, property, sees]);
          }
        }
        const seesCards = (FIELDS.credentials.roles as readonly Role[]).includes(role);
        expect([role, 'credentials' in detail.body]).toEqual([role, seesCards]);
        if (seesCards) {
          const card = detail.body.credentials![0]!;
          expect(card.number).toBe('7:7731');
          expect([role, 'hasPin' in card]).toEqual([role, role === 'facility-manager']);
        }
      }
      // The product decision itself, independent of how the table is written.
      expect(
        Object.keys((await as.reception.get(`/api/v1/access/cardholders/${cardholderId}`)).body).sort(),
      ).toEqual(['department', 'hasPhoto', 'id', 'kind', 'name', 'state']);
    });

    it('matches a search only on fields the caller may see', async () => {
      for (const q of ['wwatched', 'E-7731']) {
        expect(
          (await as.reception.get<{ total: number }>(`/api/v1/access/cardholders?q=${q}`)).body.total,
        ).toBe(0);
        expect(
          (await as['facility-manager'].get<{ total: number }>(`/api/v1/access/cardholders?q=${q}`)).body
            .total,
        ).toBe(1);
      }
      expect((await as.guard.get<{ total: number }>('/api/v1/access/cardholders?q=E-7731')).body.total).toBe(
        0,
      );
      expect(
        (await as.auditor.get<{ total: number }>('/api/v1/access/cardholders?q=E-7731')).body.total,
      ).toBe(1);
    });

    it('keeps hidden cardholder fields out of the journal: search, export, free text and live stream', async () => {
      const hiddenFrom = (role: Role) =>
        (Object.keys(FIELDS) as Field[])
          .filter((f) => !(FIELDS[f].roles as readonly Role[]).includes(role))
          .flatMap((f) => FIELD_PROPERTIES[f]);
      const values: Partial<Record<string, string>> = {
        employeeNumber: 'E-7731',
        department: 'Collections',
        directoryAccount: 'wwatched',
        credentials: '7:7731',
      };
      const about = `person=${cardholderId}`;
      for (const role of ['admin', 'auditor', 'responder'] as const) {
        const hidden = hiddenFrom(role);
        expect([role, hidden.length > 0]).toEqual([role, true]);
        const search = await as[role].get<{ items: { payload: object }[] }>(
          `/api/v1/journal?${about}&limit=500`,
        );
        const jsonl = await as[role].get(`/api/v1/journal/export?${about}`);
        const csv = await as[role].get(`/api/v1/journal/export?${about}&format=csv-raw`);
        // The readable CSV names people, cards and doors: it must hide what the raw one hides.
        const readableCsv = await as[role].get(`/api/v1/journal/export?${about}&format=csv`);
        const exported = jsonl.text
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { payload: object });
        // What the entries say (their `redacted` lists name what was left out, not its value).
        const payloads = [search.body.items, exported].map((items) =>
          JSON.stringify(items.map((e) => e.payload)),
        );
        expect(search.body.items.length).toBeGreaterThan(1);
        expect(exported).toHaveLength(search.body.items.length);
        for (const p of hidden) {
          for (const text of payloads) expect([role, p, text.includes(`"${p}"`)]).toEqual([role, p, false]);
          if (values[p])
            for (const text of [...payloads, csv.text, readableCsv.text])
              expect([role, p, text.includes(values[p]!)]).toEqual([role, p, false]);
        }
        if (role === 'admin') expect(jsonl.text).toContain('"redacted":[');
      }
      // The facility manager sees every field, so the entries leave as written (personal values as the
      // signed commitments), and asking for disclosure adds each value with its salt.
      const full = await as['facility-manager'].get(`/api/v1/journal/export?${about}`);
      for (const text of ['"watchListed"', '7:7731', '"hasPin"']) expect(full.text).toContain(text);
      expect(full.text).not.toContain('E-7731');
      expect(full.text).not.toContain('"redacted"');
      const disclosed = await as['facility-manager'].get(`/api/v1/journal/export?${about}&disclose=true`);
      expect(disclosed.text).toContain('E-7731');
      // What a free-text search finds must not reveal a hidden value.
      const byNumber = (role: Role) => as[role].get<{ items: unknown[] }>('/api/v1/journal?q=E-7731');
      expect((await byNumber('admin')).body.items).toEqual([]);
      // Sealed in the journal, an employee number is free text for nobody (README, "Personal values in
      // the journal"): entries about a person are found by the person, through the records' index.
      expect((await byNumber('facility-manager')).body.items).toEqual([]);
      // The live stream (here its resumption after Last-Event-ID) redacts the same way.
      const marker = await admin.post<{ seq: number }>('/api/v1/journal/notes', {
        text: 'before the change',
      });
      const changed = await as['facility-manager'].patch(`/api/v1/access/cardholders/${cardholderId}`, {
        department: 'Recoveries',
      });
      expect(changed.status).toBe(200);
      const controller = new AbortController();
      const res = await fetch(`${gw.url}/api/v1/events`, {
        headers: { cookie: admin.cookie!, 'last-event-id': String(marker.body.seq) },
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('cardholder.updated')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString();
      }
      controller.abort();
      const line = text.split('\n').find((l) => l.startsWith('data: ') && l.includes('cardholder.updated'))!;
      const entry = JSON.parse(line.slice('data: '.length)) as { payload: object; redacted: string[] };
      expect(JSON.stringify(entry.payload)).not.toContain('Recoveries');
      expect(entry.redacted).toContain('department');
    });

    it('allows and refuses each read as the matrix says, for every role', async () => {
      const reads: Partial<Record<Action, string>> = {
        'cardholders.export': '/api/v1/access/export',
        'cardholders.doors': `/api/v1/access/cardholders/${cardholderId}/doors`,
        'cardholders.photo': `/api/v1/access/cardholders/${cardholderId}/photo`,
        'credentials.read': `/api/v1/access/credentials/${credentialId}`,
        'presence.read': '/api/v1/access/presence',
        'sessions.read': '/api/v1/sessions',
        'directory.unmapped': '/api/v1/mapping',
        'site.read': '/api/v1/access/zones',
        'doors.board': '/api/v1/doors/board',
        'alarms.read': '/api/v1/alarms',
        'readers.status': '/api/v1/readers',
        'operators.read': '/api/v1/operators',
        'journal.export': '/api/v1/journal/export?type=none',
        'journal.search': '/api/v1/journal?limit=1',
        'account.self': '/api/v1/auth/permissions',
      };
      const seen: string[] = [];
      for (const role of ROLES)
        for (const [action, path] of Object.entries(reads) as [Action, string][]) {
          const allowed = (ACTIONS[action].roles as readonly Role[]).includes(role);
          const status = (await as[role].get(path)).status;
          seen.push(
            `${role} ${action} ${allowed ? 'allowed' : 'refused'}: ${status === 403 ? 403 : 'not 403'}`,
          );
          expect([role, action, status === 403]).toEqual([role, action, !allowed]);
        }
      // Where today's behaviour changed: the admin reads no cards and no presence, the auditor exports no cardholders.
      expect((await as.admin.get('/api/v1/access/export')).status).toBe(403);
      expect((await as.auditor.get('/api/v1/access/export')).status).toBe(403);
      expect((await as.admin.get('/api/v1/access/presence')).status).toBe(403);
      expect((await as['facility-manager'].get('/api/v1/access/export')).status).toBe(200);
      expect(seen.length).toBe(ROLES.length * Object.keys(reads).length);
    });

    it("answers GET /auth/permissions with the caller's own row", async () => {
      for (const role of ROLES)
        expect((await as[role].get('/api/v1/auth/permissions')).body).toEqual(permissionsOf([role]));
      expectShape(await new Client(gw.url).get('/api/v1/auth/permissions'), 401, 'auth.required');
    });

    it('shows anonymous callers and other roles the health status only; details need a role', async () => {
      type Ready = { status: string; components: Record<string, Record<string, unknown>> };
      for (const caller of [new Client(gw.url), as.reception, as.guard]) {
        const ready = await caller.get<Ready>('/health/ready');
        expect(ready.status).toBe(200);
        expect(ready.body.status).toBe('ready');
        for (const component of Object.values(ready.body.components))
          expect(Object.keys(component)).toEqual(['status']);
        expect(ready.text).not.toContain(gw.dataDir);
      }
      for (const caller of [as.admin, as.auditor]) {
        const ready = await caller.get<Ready>('/health/ready');
        expect(ready.body.components.storage!.detail).toContain(gw.dataDir);
        expect(ready.body.components.journal!.treeSize).toEqual(expect.any(Number));
      }
      expectShape(await as.guard.get('/metrics'), 403, 'auth.forbidden');
    });
  });

  describe('requests that must not hurt', () => {
    it('judges a body from its headers before reading it: type, size, sign-in and role', async () => {
      const cookie = (c: Client) => `Cookie: ${c.cookie}\r\nX-CSRF-Token: ${c.csrf}\r\n`;
      // Announced but never sent: each answer arrives without a byte of the body.
      expectShape(
        await raw(gw.port, announced('POST', '/api/v1/auth/login', 'text/csv', NINETEEN_MB)),
        415,
        'request.unsupported-media-type',
      );
      expectShape(
        await raw(gw.port, announced('POST', '/api/v1/auth/login', 'image/png', NINETEEN_MB)),
        415,
        'request.unsupported-media-type',
      );
      expectShape(
        await raw(gw.port, announced('POST', '/api/v1/auth/login', 'application/json', NINETEEN_MB)),
        413,
        'request.too-large',
      );
      // Sign-in bodies are small: what anyone may send unsigned is bounded far below the JSON limit.
      expectShape(
        await raw(gw.port, announced('POST', '/api/v1/auth/login', 'application/json', 64 * 1024)),
        413,
        'request.too-large',
      );
      expectShape(
        await raw(gw.port, announced('POST', '/api/v1/access/import', 'text/csv', 1_000_000)),
        401,
        'auth.required',
      );
      expectShape(
        await raw(
          gw.port,
          announced('POST', '/api/v1/access/import', 'text/csv', 1_000_000, cookie(as.reception)),
        ),
        403,
        'auth.forbidden',
      );
      expectShape(
        await raw(
          gw.port,
          announced(
            'POST',
            '/api/v1/access/import',
            'text/csv',
            21 * 1024 * 1024,
            cookie(as['facility-manager']),
          ),
        ),
        413,
        'request.too-large',
      );
      expectShape(
        await raw(
          gw.port,
          announced('PUT', `/api/v1/access/cardholders/${cardholderId}/photo`, 'text/csv', 10),
        ),
        415,
        'request.unsupported-media-type',
      );
    });

    it('answers a 19 MB body sent in full with its refusal, not a reset, and keeps serving', async () => {
      const big = Buffer.alloc(NINETEEN_MB, 0x41);
      const send = (path: string, type: string, client?: Client) =>
        fetch(`${gw.url}${path}`, {
          method: 'POST',
          headers: {
            'content-type': type,
            ...(client ? { cookie: client.cookie!, 'x-csrf-token': client.csrf! } : {}),
          },
          body: big,
        });
      const anonymous = await send('/api/v1/journal/notes', 'text/csv');
      expect(anonymous.status).toBe(415);
      expect(((await anonymous.json()) as ErrorShape).error.code).toBe('request.unsupported-media-type');
      const signedIn = await send('/api/v1/journal/notes', 'text/csv', as.guard);
      expect(signedIn.status).toBe(415);
      const json = await send('/api/v1/journal/notes', 'application/json', as.guard);
      expect(json.status).toBe(413);
      expect(((await json.json()) as ErrorShape).error.code).toBe('request.too-large');
      expect((await as.guard.post('/api/v1/journal/notes', { text: 'still here' })).status).toBe(201);
    });

    it('refuses JSON nested deeper or holding more items than the bounds before parsing it, and keeps serving', async () => {
      const depth = 500_000;
      const deep = await as.guard.request('POST', '/api/v1/journal/notes', undefined, {
        raw: `${'['.repeat(depth)}${']'.repeat(depth)}`,
      });
      expectShape(deep, 400, 'request.too-deep');
      const inObject = await as.guard.request('POST', '/api/v1/journal/notes', undefined, {
        raw: `{"text":"x","subjects":${'['.repeat(100)}${']'.repeat(100)}}`,
      });
      expectShape(inObject, 400, 'request.too-deep');
      const members = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`f${i}`, i]));
      expectShape(await as.guard.post('/api/v1/journal/notes', members), 400, 'request.too-many-items');
      expect((await as.guard.post('/api/v1/journal/notes', { text: 'still here' })).status).toBe(201);
    });

    it('lists at most 20 validation problems and counts the rest', async () => {
      const fields = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, i]));
      const unknown = await as.guard.post('/api/v1/journal/notes', { text: 'x', ...fields });
      expectShape(unknown, 400, 'request.invalid');
      const { error } = unknown.body as unknown as ErrorShape;
      expect(error.message.length).toBeLessThan(2000);
      expect(error.message).toContain('and 4980 more');
      const many = await as['facility-manager'].post('/api/v1/access/levels', {
        id: 'many',
        name: 'Many',
        scheduleId: 'none',
        doorIds: Array.from({ length: 500 }, (_, i) => i),
      });
      expectShape(many, 400, 'request.invalid');
      const details = (many.body as unknown as ErrorShape).error.details as {
        issues: unknown[];
        moreIssues: number;
      };
      expect(details.issues).toHaveLength(20);
      expect(details.moreIssues).toBe(480);
    });

    it('says whether a problem is in the query or the body', async () => {
      const query = await as.guard.get('/api/v1/journal?limit=abc');
      expectShape(query, 400, 'request.invalid');
      const { error } = query.body as unknown as ErrorShape;
      expect(error.message).toMatch(/^query does not match: limit:/);
      expect(error.details).toMatchObject({ in: 'query', issues: [{ in: 'query', path: 'limit' }] });
      const body = await as.guard.post('/api/v1/journal/notes', { text: 42 });
      expect((body.body as unknown as ErrorShape).error.details).toMatchObject({
        in: 'body',
        issues: [{ in: 'body', path: 'text' }],
      });
    });

    it('answers every malformed request in the one error shape', async () => {
      const get = (path: string, headers = '') =>
        raw(gw.port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`);
      expectShape(await get(`/api/v1/operators/${'a'.repeat(300)}`), 414, 'request.uri-too-long');
      expectShape(await get('/api/v1/operators/%E0%A4%A'), 400, 'request.bad-url');
      expectShape(
        await get('/health/live', `X-Big: ${'a'.repeat(20_000)}\r\n`),
        431,
        'request.headers-too-large',
      );
      expectShape(await raw(gw.port, 'NOT-HTTP\r\n\r\n'), 400, 'request.malformed');
      expectShape(await get('/api/v1/nowhere'), 404, 'http.not-found');
      const login = '{"username":"\xff\xfe","password":"x"}';
      const invalidUtf8 = Buffer.concat([
        Buffer.from(
          announced('POST', '/api/v1/auth/login', 'application/json', Buffer.byteLength(login, 'latin1')),
        ),
        Buffer.from(login, 'latin1'),
      ]);
      expectShape(await raw(gw.port, invalidUtf8), 400, 'request.invalid-utf8');
      // A bad percent-encoding in the query is data, not a crash.
      const q = await raw(
        gw.port,
        `GET /api/v1/journal?q=%ZZ HTTP/1.1\r\nHost: x\r\nCookie: ${as.guard.cookie}\r\n\r\n`,
      );
      expect(q.status).toBe(200);
    });
  });
});
