import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  aCardholder,
  aCredential,
  aDoor,
  aLevel,
  aSchedule,
  aZone,
  buildGatingClient,
  fetchWithCa,
  gatingClientAt,
  makeGatewayTls,
  makeSecondHost,
  netnsProblem,
  pamLogin,
  type SecondHost,
  setUpWorkstation,
  SimulatedOsdpBus,
  type Workstation,
} from '@gatehouse/testing';
import { encode } from '../../libs/bridge-protocol/src';
import { bootstrapAdmin, type Client, operatorClient, tokenClient } from '../support/client';
import { removeDir, ROOT, type RunningGateway, startGateway, startGatewayWithSite } from '../support/gateway';
import { createSite } from '../support/site';
import { waitFor } from '../support/wait';

interface Entry {
  type: string;
  subjects: { kind: string; id: string }[];
  payload: Record<string, unknown>;
  personal?: { personId: string; paths: string[]; sealed?: string };
}

/**
 * Login gating with real parts: the gateway over TLS on one end of a veth
 * pair, workstations in their own network namespace on the other, logins
 * driven by pamtester through the real PAM stack (pam_exec running the shell
 * client, then pam_permit), with the gateway up, frozen (slow past the
 * client's deadline), down and restarted, in a fail-closed and a fail-open
 * group. Presence is real: a card at a simulated OSDP reader (secure channel)
 * on the door into the workstations' zone. Both clients, the shell script and
 * the compiled one (built here by its Makefile), on workstations of their own.
 */
const client = gatingClientAt(ROOT);
const READER_KEY = '2a3b4c5d6e7f80910a1b2c3d4e5f6071';
const ANN_CARD = { facility: 7, number: 4242 };

/** A question as a client asks it: a new nonce and the time now, unless given. */
const question = (body: Record<string, unknown>) => ({
  nonce: randomUUID(),
  time: Math.floor(Date.now() / 1000),
  ...body,
});

describe('login gating from a second host through PAM', () => {
  let dir: string;
  let osdp: SimulatedOsdpBus;
  let net: SecondHost;
  let gw: RunningGateway;
  let admin: Client;
  let annId: string;
  let url: string;
  const stations: Workstation[] = [];
  let closed: Workstation;
  let open: Workstation;
  /** The same workstations through the compiled client. */
  let closedC: Workstation;
  let openC: Workstation;
  let compiled: string;
  let openPass: Workstation;
  let jump: Workstation;
  const login = (ws: Workstation, user: string, rhost?: string) =>
    pamLogin(net.exec, ws.service, user, rhost);

  beforeAll(async () => {
    // No silent loopback fallback: this suite is about a second host, and CI runs it as root.
    const problem = netnsProblem();
    if (problem) throw new Error(`the gating suite needs network namespaces: ${problem}`);
    dir = mkdtempSync(join(tmpdir(), 'gh-gating-'));
    net = makeSecondHost();
    const tls = makeGatewayTls(dir, [net.hostAddress]);
    globalThis.fetch = fetchWithCa(readFileSync(tls.ca)) as typeof fetch;
    osdp = await new SimulatedOsdpBus(join(dir, 'ttyCP'), join(dir, 'ttyPD'), [
      { address: 1, scbk: Uint8Array.from(Buffer.from(READER_KEY, 'hex')), serial: 4201 },
    ]).start();
    writeFileSync(join(dir, 'reader.key'), READER_KEY);
    gw = await startGatewayWithSite(dir, [
      'serial:',
      '  - id: osdp-floor-2',
      `    path: ${join(dir, 'ttyCP')}`,
      '    protocol: osdp',
      '    pollIntervalMs: 50',
      '    readers:',
      `      - { id: floor-2-in, address: 1, scbk: { file: ${join(dir, 'reader.key')} } }`,
      'http:',
      `  host: ${net.hostAddress}`,
      `  tls: { certFile: ${tls.cert}, keyFile: ${tls.key} }`,
      'logins:',
      '  workstations:',
      '    ws-closed: { zone: floor-2 }',
      '    ws-open: { zone: floor-2 }',
      '    jump-1: { zone: floor-2, remote: true }',
      'gating:',
      '  enabled: true',
      '  default:',
      '    onUnreachable: closed',
      '    breakGlass: [root]',
      '    domain: CORP',
      '    remoteWithoutPresence: [vpn, remote-host]',
      '  groups:',
      '    open-desks: { hosts: [ws-open], onUnreachable: open, whenAbsent: step-up, domain: CORP }',
      '  remoteClasses:',
      '    vpn: [10.8.0.0/16]',
      // Above what the suite's workstations ask; the flood test goes past it with a token of its own.
      '  rateLimit: { perSecond: 0.2, burst: 40 }',
    ]);
    url = gw.url;
    ({ client: admin } = await bootstrapAdmin(url, gw.bootstrapToken!));
    const fm = await operatorClient(admin, url, 'fm', ['facility-manager']);
    const people = await createSite(fm, {
      zones: [aZone({ id: 'floor-2', name: 'Floor 2' })],
      schedules: [aSchedule({ id: 'always', name: 'Always' })],
      doors: [aDoor({ id: 'floor-2', name: 'Floor 2 door', zoneIn: 'floor-2' })],
      levels: [aLevel({ id: 'staff', scheduleId: 'always', doorIds: ['floor-2'] })],
      people: [
        {
          cardholder: aCardholder({ name: 'Ann Archer', directoryAccount: 'CORP\\ann', levelIds: ['staff'] }),
          credentials: [aCredential({ number: `${ANN_CARD.facility}:${ANN_CARD.number}` })],
        },
        {
          cardholder: aCardholder({ name: 'Bob Brown', directoryAccount: 'CORP\\bob', levelIds: ['staff'] }),
        },
        {
          cardholder: aCardholder({
            name: 'Sam Suspended',
            directoryAccount: 'CORP\\sam',
            state: 'suspended',
          }),
        },
      ],
    });
    annId = people[0]!.id;
    const token = async (name: string) => (await tokenClient(admin, url, ['workstation'], name)).bearer!;
    compiled = buildGatingClient(ROOT, dir);
    const station = async (name: string, host = name, stepUp?: 'deny' | 'pass', program = client) => {
      const ws = setUpWorkstation(dir, {
        name,
        host,
        client: program,
        url,
        ca: tls.ca,
        token: await token(host),
        stepUp,
      });
      stations.push(ws);
      return ws;
    };
    closed = await station('ws-closed');
    open = await station('ws-open', 'ws-open', 'deny');
    openPass = await station('ws-open-pass', 'ws-open', 'pass');
    jump = await station('jump-1');
    closedC = await station('ws-closed-c', 'ws-closed', undefined, compiled);
    openC = await station('ws-open-c', 'ws-open', 'deny', compiled);
  }, 120_000);

  afterAll(async () => {
    for (const ws of stations) ws.remove();
    if (gw) {
      gw.process.kill('SIGCONT');
      await gw.stop();
      removeDir(gw.dataDir);
    }
    net?.remove();
    await osdp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const journal = (query: string) =>
    admin.get<{ items: Entry[] }>(`/api/v1/journal?${query}`).then((r) => r.body.items);

  it('refuses a person not badged in, tells the user why in one line, and journals the account sealed', async () => {
    for (const ws of [closed, closedC]) {
      const r = login(ws, 'ann');
      expect(r.ok).toBe(false);
      expect(r.output).toContain('Login refused: badge in to this area first (not-present)');
      expect(r.output).not.toMatch(/floor-2|Floor 2/);
    }
    // The entry rides the next group commit (the answer does not wait for it).
    const entry = await waitFor(
      'the gating entry',
      async () => (await journal(`type=gating.deny&person=${annId}`))[0],
    );
    expect(entry.payload).toMatchObject({
      decision: 'deny',
      reason: 'not-present',
      host: 'ws-closed',
      group: 'default',
      account: 'ann',
      service: expect.stringMatching(/^gatehouse-gating-test-/),
    });
    // The signed form holds a commitment where the account was, and the account sealed.
    const signed = await admin.get(`/api/v1/journal/export?format=jsonl&type=gating.*&person=${annId}`);
    expect(signed.status).toBe(200);
    expect(signed.text).not.toMatch(/corp\\\\ann|"ann"/i);
    const line = JSON.parse(signed.text.trim().split('\n')[0]!) as Entry;
    expect(line.payload.account).toEqual({ commitment: expect.any(String) });
    expect(line.personal).toMatchObject({ personId: annId, paths: ['account'], sealed: expect.any(String) });
  });

  it('lets break-glass in, refuses unknown and suspended accounts, and keeps an unmapped name out of the journal', async () => {
    for (const ws of [closed, closedC]) {
      expect(login(ws, 'root').ok).toBe(true);
      const unknown = login(ws, 'mallory');
      expect(unknown.output).toContain('(unknown-account)');
      expect(unknown.ok).toBe(false);
      expect(login(ws, 'sam').output).toContain('(not-active)');
      // Names that need escaping on their way through the shell, curl's config and JSON.
      expect(login(ws, 'CORP\\ann').output).toContain('(not-present)');
      expect(login(ws, 'o"brien\\x').output).toContain('(unknown-account)');
    }
    const entries = await waitFor('the gating entries', async () => {
      const items = await journal('type=gating.*');
      return items.some((e) => e.payload.reason === 'break-glass') &&
        items.some((e) => e.payload.reason === 'unknown-account')
        ? items
        : undefined;
    });
    const unmapped = entries.find((e) => e.payload.reason === 'unknown-account')!;
    expect(unmapped.payload.account).toBeNull();
    expect(unmapped.payload.accountDigest).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(entries)).not.toMatch(/mallory/i);
    expect(entries.find((e) => e.payload.reason === 'break-glass')?.type).toBe('gating.allow');
  });

  it('lets remote classes in without presence: a VPN address, and any login on a jump host', async () => {
    for (const ws of [closed, closedC]) {
      expect(login(ws, 'ann', '10.8.4.2').ok).toBe(true);
      expect(login(ws, 'ann', '192.0.2.50').ok).toBe(false);
    }
    expect(login(jump, 'ann').ok).toBe(true);
    await waitFor('a remote-class entry', async () =>
      (await journal('type=gating.allow')).find((e) => e.payload.reason === 'remote-class'),
    );
  });

  it('steps up an absent person in the open group: refused without a second factor, passed on to one with', () => {
    for (const ws of [open, openC]) {
      const denied = login(ws, 'ann');
      expect(denied.ok).toBe(false);
      expect(denied.output).toContain('a second factor is needed and this login offers none (not-present)');
    }
    const passed = login(openPass, 'ann');
    expect(passed.ok).toBe(true);
    expect(passed.output).toContain('A second factor is needed for this login (not-present)');
  });

  it('binds each token to its workstation and its one question', async () => {
    const ws = new (admin.constructor as typeof Client)(url);
    ws.bearer = readFileSync(closed.tokenFile, 'utf8').trim();
    const other = await ws.post<{ error: { code: string } }>(
      '/api/v1/gating/decide',
      question({ account: 'ann', host: 'ws-open' }),
    );
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('gating.other-host');
    expect((await ws.get('/api/v1/journal')).status).toBe(403);
    expect((await ws.post('/api/v1/logins', {})).status).toBe(403);
    // The same name in another form is the same workstation.
    const fqdn = await ws.post(
      '/api/v1/gating/decide',
      question({ account: 'ann', host: 'WS-CLOSED.corp.example.com' }),
    );
    expect(fqdn.body).toMatchObject({ decision: 'deny', reason: 'not-present', onUnreachable: 'closed' });
    expect(Object.keys(fqdn.body).sort()).toEqual(['decision', 'nonce', 'onUnreachable', 'reason']);
    const refused = (await journal('type=gating.refused'))[0]!;
    expect(refused.payload).toMatchObject({ reason: 'other-host', host: 'ws-closed', askedHost: 'ws-open' });
    // A token naming a workstation the site has not placed asks nothing.
    const stray = await tokenClient(admin, url, ['workstation'], 'ws-nowhere');
    expect(
      (await stray.post<{ error: { code: string } }>('/api/v1/gating/decide', question({ account: 'ann' })))
        .body.error.code,
    ).toBe('gating.unplaced-workstation');
    const mixed = await admin.post<{ error: { code: string } }>('/api/v1/tokens', {
      name: 'ws-closed',
      roles: ['workstation', 'admin'],
      expiresInDays: 1,
    });
    expect(mixed.body.error.code).toBe('token.workstation-alone');
  });

  /** A question answered before the restart at the end, replayed after it. */
  let captured: Record<string, unknown>;

  it('refuses bad questions with clear errors, a replayed nonce and a question out of its time', async () => {
    const ws = new (admin.constructor as typeof Client)(url);
    ws.bearer = readFileSync(closed.tokenFile, 'utf8').trim();
    for (const body of [
      {},
      question({ account: 'ann\u0007' }),
      question({ account: 'ann', nonce: 'short' }),
      question({ account: 'a', extra: 1 }),
      { account: 'ann', time: Math.floor(Date.now() / 1000) },
      { account: 'ann', nonce: randomUUID() },
      question({ account: 'ann', time: 'now' }),
    ])
      expect((await ws.post('/api/v1/gating/decide', body)).status).toBe(400);
    captured = question({ account: 'root', nonce: 'replay-test-1' });
    const first = await ws.post('/api/v1/gating/decide', captured);
    expect(first.body).toMatchObject({ decision: 'allow', reason: 'break-glass', nonce: 'replay-test-1' });
    const again = await ws.post('/api/v1/gating/decide', captured);
    expect(again.body).toMatchObject({ decision: 'deny', reason: 'replayed' });
    // Kept past the window (600 s here) is refused whatever its nonce, and so is a clock far ahead.
    for (const skew of [-601, 601]) {
      const off = question({ account: 'root', time: Math.floor(Date.now() / 1000) + skew });
      expect((await ws.post('/api/v1/gating/decide', off)).body).toMatchObject({
        decision: 'deny',
        reason: 'stale',
      });
    }
  });

  it('holds a flooding token to its rate with 429 and Retry-After, journaled once, while another workstation asks', async () => {
    const flood = await tokenClient(admin, url, ['workstation'], 'ws-closed');
    const ws = new (admin.constructor as typeof Client)(url);
    ws.bearer = readFileSync(open.tokenFile, 'utf8').trim();
    const [flooded, others] = await Promise.all([
      Promise.all(
        Array.from({ length: 80 }, () => flood.post('/api/v1/gating/decide', question({ account: 'root' }))),
      ),
      Promise.all(
        Array.from({ length: 10 }, () => ws.post('/api/v1/gating/decide', question({ account: 'root' }))),
      ),
    ]);
    const limited = flooded.filter((r) => r.status === 429);
    // 40 at once and one more every 5 s: the 40 past the burst, less the few refilled while they ran.
    expect(limited.length).toBeGreaterThanOrEqual(30);
    expect(flooded.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(40);
    expect(limited[0]!.body).toMatchObject({ error: { code: 'gating.rate-limited' } });
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(others.map((r) => r.status)).toEqual(Array(10).fill(200));
    const entries = await waitFor('the rate-limited entry', async () => {
      const items = await journal('type=gating.rate-limited');
      return items.length > 0 ? items : undefined;
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.payload).toMatchObject({ host: 'ws-closed', perSecond: 0.2, burst: 40 });
  });

  it('lets in a person badged into the zone through the real client, and still refuses one who is not', async () => {
    osdp.pd(1).presentCard(encode('H10301', ANN_CARD.facility, ANN_CARD.number));
    await waitFor(
      'the grant at floor-2-in',
      async () => (await journal(`type=access.granted&person=${annId}`))[0],
      20_000,
      100,
    );
    for (const ws of [closed, closedC]) {
      const ann = login(ws, 'ann');
      expect(ann.output).not.toContain('Login refused');
      expect(ann.ok).toBe(true);
      const bob = login(ws, 'bob');
      expect(bob.ok).toBe(false);
      expect(bob.output).toContain('Login refused: badge in to this area first (not-present)');
    }
    const allowed = await waitFor('the present entry', async () =>
      (await journal(`type=gating.allow&person=${annId}`)).find((e) => e.payload.reason === 'present'),
    );
    expect(allowed.payload).toMatchObject({ host: 'ws-closed', decision: 'allow', account: 'ann' });
    // The answer and the entry name no zone.
    expect(JSON.stringify(allowed.payload)).not.toMatch(/floor-2/);
  });

  it('refuses to run with a token file others can read, without asking the gateway', () => {
    for (const [name, program] of [
      ['ws-loose', client],
      ['ws-loose-c', compiled],
    ] as const) {
      const loose = setUpWorkstation(dir, {
        name,
        client: program,
        url,
        ca: join(dir, 'ca.pem'),
        token: 'ghk_x',
      });
      stations.push(loose);
      chmodSync(loose.tokenFile, 0o644);
      const r = login(loose, 'root');
      expect(r.ok).toBe(false);
      expect(r.output).toContain('login gating misconfigured on this workstation (config)');
    }
  });

  it('with the gateway frozen (slow past the deadline): closed refuses, open lets in, break-glass gets in, all within the bound', () => {
    gw.process.kill('SIGSTOP');
    try {
      for (const [c1, o1] of [
        [closed, open],
        [closedC, openC],
      ] as const) {
        const c = login(c1, 'ann');
        expect(c.output).toContain('Login refused: site access control unreachable (gateway-unreachable)');
        expect(c.ok).toBe(false);
        // Bounded by the client's own 2 s (plus PAM and process start), not by the gateway.
        expect(c.ms).toBeLessThan(6000);
        const o = login(o1, 'ann');
        expect(o.ok).toBe(true);
        expect(o.output).toContain('login allowed by site policy (gateway-unreachable)');
        expect(login(c1, 'root').ok).toBe(true);
      }
    } finally {
      gw.process.kill('SIGCONT');
    }
  }, 60_000);

  it('with the gateway down: closed refuses, open (as the gateway last told it) lets in', async () => {
    await gw.stop();
    for (const [c1, o1] of [
      [closed, open],
      [closedC, openC],
    ] as const) {
      const c = login(c1, 'ann');
      expect(c.ok).toBe(false);
      expect(c.output).toContain('(gateway-unreachable)');
      const o = login(o1, 'ann');
      expect(o.ok).toBe(true);
      // ws-open's own file says closed: open is what the gateway said in its last answer.
      expect(readFileSync(o1.config, 'utf8')).toContain('on_unreachable=closed');
      expect(readFileSync(join(o1.stateDir, 'on_unreachable'), 'utf8').trim()).toBe('open');
    }
  }, 60_000);

  it('after a restart on the same database, still refuses a question answered before it', async () => {
    // The previous test stopped the gateway: a new one on the same data, as after an upgrade or a crash.
    gw = await startGateway({ dataDir: gw.dataDir, env: { GATEHOUSE_CONFIG: join(dir, 'site.yaml') } });
    const ws = new (admin.constructor as typeof Client)(gw.url);
    ws.bearer = readFileSync(closed.tokenFile, 'utf8').trim();
    expect((await ws.post('/api/v1/gating/decide', captured)).body).toMatchObject({
      decision: 'deny',
      reason: 'replayed',
    });
    // The gateway answers: a new question from the same workstation is let in.
    expect((await ws.post('/api/v1/gating/decide', question({ account: 'root' }))).body).toMatchObject({
      decision: 'allow',
      reason: 'break-glass',
    });
  }, 60_000);
});
