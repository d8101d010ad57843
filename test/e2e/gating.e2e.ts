import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  aCardholder,
  aZone,
  fetchWithCa,
  gatingClientAt,
  makeGatewayTls,
  makeSecondHost,
  netnsProblem,
  pamLogin,
  type SecondHost,
  setUpWorkstation,
  type Workstation,
} from '@gatehouse/testing';
import { bootstrapAdmin, type Client, operatorClient, tokenClient } from '../support/client';
import { removeDir, ROOT, type RunningGateway, startGatewayWithSite } from '../support/gateway';
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
 * client's deadline) and down, in a fail-closed and a fail-open group.
 */
const client = gatingClientAt(ROOT);

describe('login gating from a second host through PAM', () => {
  let dir: string;
  let net: SecondHost;
  let gw: RunningGateway;
  let admin: Client;
  let annId: string;
  let url: string;
  const stations: Workstation[] = [];
  let closed: Workstation;
  let open: Workstation;
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
    gw = await startGatewayWithSite(dir, [
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
    ]);
    url = gw.url;
    ({ client: admin } = await bootstrapAdmin(url, gw.bootstrapToken!));
    const fm = await operatorClient(admin, url, 'fm', ['facility-manager']);
    const people = await createSite(fm, {
      zones: [aZone({ id: 'floor-2', name: 'Floor 2' })],
      people: [
        { cardholder: aCardholder({ name: 'Ann Archer', directoryAccount: 'CORP\\ann' }) },
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
    const station = async (name: string, host = name, stepUp?: 'deny' | 'pass') => {
      const ws = setUpWorkstation(dir, {
        name,
        host,
        client,
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
  }, 60_000);

  afterAll(async () => {
    for (const ws of stations) ws.remove();
    if (gw) {
      gw.process.kill('SIGCONT');
      await gw.stop();
      removeDir(gw.dataDir);
    }
    net?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const journal = (query: string) =>
    admin.get<{ items: Entry[] }>(`/api/v1/journal?${query}`).then((r) => r.body.items);

  it('refuses a person not badged in, tells the user why in one line, and journals the account sealed', async () => {
    const r = login(closed, 'ann');
    expect(r.ok).toBe(false);
    expect(r.output).toContain('Login refused: badge in to this area first (not-present)');
    expect(r.output).not.toMatch(/floor-2|Floor 2/);
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
    expect(login(closed, 'root').ok).toBe(true);
    const unknown = login(closed, 'mallory');
    expect(unknown.output).toContain('(unknown-account)');
    expect(unknown.ok).toBe(false);
    expect(login(closed, 'sam').output).toContain('(not-active)');
    // Names that need escaping on their way through the shell, curl's config and JSON.
    expect(login(closed, 'CORP\\ann').output).toContain('(not-present)');
    expect(login(closed, 'o"brien\\x').output).toContain('(unknown-account)');
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
    expect(login(closed, 'ann', '10.8.4.2').ok).toBe(true);
    expect(login(closed, 'ann', '192.0.2.50').ok).toBe(false);
    expect(login(jump, 'ann').ok).toBe(true);
    await waitFor('a remote-class entry', async () =>
      (await journal('type=gating.allow')).find((e) => e.payload.reason === 'remote-class'),
    );
  });

  it('steps up an absent person in the open group: refused without a second factor, passed on to one with', () => {
    const denied = login(open, 'ann');
    expect(denied.ok).toBe(false);
    expect(denied.output).toContain('a second factor is needed and this login offers none (not-present)');
    const passed = login(openPass, 'ann');
    expect(passed.ok).toBe(true);
    expect(passed.output).toContain('A second factor is needed for this login (not-present)');
  });

  it('binds each token to its workstation and its one question', async () => {
    const ws = new (admin.constructor as typeof Client)(url);
    ws.bearer = readFileSync(closed.tokenFile, 'utf8').trim();
    const other = await ws.post<{ error: { code: string } }>('/api/v1/gating/decide', {
      account: 'ann',
      host: 'ws-open',
    });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('gating.other-host');
    expect((await ws.get('/api/v1/journal')).status).toBe(403);
    expect((await ws.post('/api/v1/logins', {})).status).toBe(403);
    // The same name in another form is the same workstation.
    const fqdn = await ws.post('/api/v1/gating/decide', {
      account: 'ann',
      host: 'WS-CLOSED.corp.example.com',
    });
    expect(fqdn.body).toMatchObject({ decision: 'deny', reason: 'not-present', onUnreachable: 'closed' });
    expect(Object.keys(fqdn.body).sort()).toEqual(['decision', 'nonce', 'onUnreachable', 'reason']);
    const refused = (await journal('type=gating.refused'))[0]!;
    expect(refused.payload).toMatchObject({ reason: 'other-host', host: 'ws-closed', askedHost: 'ws-open' });
    // A token naming a workstation the site has not placed asks nothing.
    const stray = await tokenClient(admin, url, ['workstation'], 'ws-nowhere');
    expect(
      (await stray.post<{ error: { code: string } }>('/api/v1/gating/decide', { account: 'ann' })).body.error
        .code,
    ).toBe('gating.unplaced-workstation');
    const mixed = await admin.post<{ error: { code: string } }>('/api/v1/tokens', {
      name: 'ws-closed',
      roles: ['workstation', 'admin'],
      expiresInDays: 1,
    });
    expect(mixed.body.error.code).toBe('token.workstation-alone');
  });

  it('refuses bad questions with clear errors, and a replayed nonce', async () => {
    const ws = new (admin.constructor as typeof Client)(url);
    ws.bearer = readFileSync(closed.tokenFile, 'utf8').trim();
    for (const body of [
      {},
      { account: 'ann\u0007' },
      { account: 'ann', nonce: 'short' },
      { account: 'a', extra: 1 },
    ])
      expect((await ws.post('/api/v1/gating/decide', body)).status).toBe(400);
    const first = await ws.post('/api/v1/gating/decide', { account: 'root', nonce: 'replay-test-1' });
    expect(first.body).toMatchObject({ decision: 'allow', reason: 'break-glass', nonce: 'replay-test-1' });
    const again = await ws.post('/api/v1/gating/decide', { account: 'root', nonce: 'replay-test-1' });
    expect(again.body).toMatchObject({ decision: 'deny', reason: 'replayed' });
  });

  it('refuses to run with a token file others can read, without asking the gateway', () => {
    const loose = setUpWorkstation(dir, {
      name: 'ws-loose',
      client,
      url,
      ca: join(dir, 'ca.pem'),
      token: 'ghk_x',
    });
    stations.push(loose);
    chmodSync(loose.tokenFile, 0o644);
    const r = login(loose, 'root');
    expect(r.ok).toBe(false);
    expect(r.output).toContain('login gating misconfigured on this workstation (config)');
  });

  it('with the gateway frozen (slow past the deadline): closed refuses, open lets in, break-glass gets in, all within the bound', () => {
    gw.process.kill('SIGSTOP');
    try {
      const c = login(closed, 'ann');
      expect(c.output).toContain('Login refused: site access control unreachable (gateway-unreachable)');
      expect(c.ok).toBe(false);
      // Bounded by the client's own 2 s (plus PAM and process start), not by the gateway.
      expect(c.ms).toBeLessThan(6000);
      const o = login(open, 'ann');
      expect(o.ok).toBe(true);
      expect(o.output).toContain('login allowed by site policy (gateway-unreachable)');
      expect(login(closed, 'root').ok).toBe(true);
    } finally {
      gw.process.kill('SIGCONT');
    }
  }, 60_000);

  it('with the gateway down: closed refuses, open (as the gateway last told it) lets in', async () => {
    await gw.stop();
    const c = login(closed, 'ann');
    expect(c.ok).toBe(false);
    expect(c.output).toContain('(gateway-unreachable)');
    const o = login(open, 'ann');
    expect(o.ok).toBe(true);
    // ws-open's own file says closed: open is what the gateway said in its last answer.
    expect(readFileSync(open.config, 'utf8')).toContain('on_unreachable=closed');
    expect(readFileSync(join(open.stateDir, 'on_unreachable'), 'utf8').trim()).toBe('open');
  }, 60_000);
});
