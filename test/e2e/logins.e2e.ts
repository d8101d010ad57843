import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aCardholder, aZone } from '@gatehouse/testing';
import { LumberjackTestClient } from '../../libs/ingest/test/lumberjack-client';
import { makeTls } from '../support/broker';
import { bootstrapAdmin, Client, operatorClient, tokenClient } from '../support/client';
import { freePort, removeDir, type RunningGateway, startGatewayWithSite } from '../support/gateway';
import { createSite } from '../support/site';
import { waitFor } from '../support/wait';
import { fixtureText } from '../../libs/logins/src/fixtures';

interface Entry {
  seq: number;
  type: string;
  source: string;
  subjects: { kind: string; id: string }[];
  payload: Record<string, unknown>;
  actor?: { kind: string; name?: string };
}
interface Answer {
  results: { outcome: string; reason?: string; key?: string; mapped?: boolean }[];
  counts: Record<string, number>;
}
interface Status {
  counters: {
    accepted: number;
    duplicates: number;
    unmappedAccounts: number;
    unknown: Record<string, number>;
  };
  listeners: { listener: string; accepted: number }[];
  unmappedAccounts: { account: string; count: number }[];
  unknown: { reason: string; raw: string; via: string }[];
}

/** An NXLog `to_syslog_ietf()` Windows record, sent by util-linux logger over TCP with octet counting. */
const sendWindowsLogon = (port: number, user: string, record: number, logonType = 2) => {
  const params = {
    EventID: '4624',
    Hostname: 'WS-7.corp.example.com',
    Channel: 'Security',
    RecordNumber: String(record),
    TargetUserName: user,
    TargetDomainName: 'CORP',
    TargetLogonId: `0x${record.toString(16)}`,
    LogonType: String(logonType),
    IpAddress: '-',
  };
  const args = ['--server', '127.0.0.1', '--port', String(port), '--tcp', '--octet-count', '--rfc5424'];
  args.push('--tag', 'Microsoft-Windows-Security-Auditing', '--sd-id', 'NXLOG@14506');
  for (const [k, v] of Object.entries(params)) args.push('--sd-param', `${k}="${v}"`);
  args.push('An account was successfully logged on.');
  const result = spawnSync('logger', args, { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) throw new Error(`logger failed: ${result.stderr}`);
};

describe('workstation logins into the gateway', () => {
  let dir: string;
  let gw: RunningGateway;
  let admin: Client;
  let agent: Client;
  let syslogPort: number;
  let udpPort: number;
  let beatsPort: number;
  let ca: Buffer;
  let annId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-logins-'));
    syslogPort = await freePort();
    udpPort = await freePort();
    beatsPort = await freePort();
    const tls = makeTls(dir);
    ca = readFileSync(tls.ca);
    gw = await startGatewayWithSite(dir, [
      'logins:',
      '  listeners:',
      '    - name: ws-tcp',
      '      protocol: syslog-tcp',
      `      port: ${syslogPort}`,
      '      allow: [127.0.0.1/32]',
      '    - name: ws-udp',
      '      protocol: syslog-udp',
      `      port: ${udpPort}`,
      '      allow: [10.9.9.9/32]',
      '    - name: ws-beats',
      '      protocol: beats',
      `      port: ${beatsPort}`,
      '      allow: [127.0.0.0/8]',
      '      tls:',
      `        certFile: ${tls.serverCert}`,
      `        keyFile: ${tls.serverKey}`,
      '  workstations:',
      '    ws-7: { zone: floor-2 }',
      '  http:',
      '    maxBatch: 5',
      'correlation:',
      '  rules:',
      '    login-without-badge-in: { graceSeconds: 1 }',
    ]);
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    const fm = await operatorClient(admin, gw.url, 'fm', ['facility-manager']);
    const people = await createSite(fm, {
      zones: [aZone({ id: 'floor-2', name: 'Floor 2' })],
      people: [{ cardholder: aCardholder({ name: 'Ann Archer', directoryAccount: 'CORP\\ann' }) }],
    });
    annId = people[0]!.id;
    agent = await tokenClient(admin, gw.url, ['login-source'], 'nxlog-agent');
  });

  afterAll(async () => {
    await gw?.stop();
    removeDir(gw?.dataDir ?? '');
    removeDir(dir);
  });

  const journal = (query: string) =>
    admin.get<{ items: Entry[] }>(`/api/v1/journal?${query}`).then((r) => r.body.items);
  const status = () => admin.get<Status>('/api/v1/logins/status').then((r) => r.body);

  it('journals a syslog logon for the person whose directory account it names, and raises login-without-badge-in', async () => {
    const record = randomInt(1_000_000, 9_000_000);
    // The account as Windows writes it, in another case than the cardholder's.
    sendWindowsLogon(syslogPort, 'ANN', record);
    const entry = await waitFor('the login entry', async () => {
      const items = await journal(`type=login.*&person=${annId}`);
      return items.find((e) => e.payload.key === `rec:ws-7.corp.example.com:security:${record}`);
    });
    expect(entry.type).toBe('login.logon');
    expect(entry.subjects).toEqual(
      expect.arrayContaining([
        { kind: 'person', id: annId },
        { kind: 'workstation', id: 'ws-7.corp.example.com' },
      ]),
    );
    expect(entry.payload).toMatchObject({
      action: 'logon',
      account: 'CORP\\ANN',
      personId: annId,
      zone: 'floor-2',
      remote: false,
      sessionId: `0x${record.toString(16)}`,
      format: 'windows-syslog',
      eventId: 4624,
      logonType: 2,
      sourceAddress: expect.stringMatching(/127\.0\.0\.1$/),
      timeAssumed: null,
    });
    expect(entry.payload.raw).toEqual(expect.stringContaining(`RecordNumber="${record}"`));

    // Who is logged in where: a guard sees Ann at ws-7, not badged in, without her account name
    // (guards do not see directory accounts); an admin may not see whereabouts at all.
    const guard = await operatorClient(admin, gw.url, 'gd', ['guard']);
    const sessions = await guard.get<{ sessions: Record<string, unknown>[] }>('/api/v1/sessions');
    expect(sessions.status).toBe(200);
    const ann = sessions.body.sessions.find((s) => s.personId === annId);
    expect(ann).toMatchObject({
      name: 'Ann Archer',
      host: 'ws-7.corp.example.com',
      zone: 'floor-2',
      presence: null,
      badgedInHere: false,
    });
    expect(ann).not.toHaveProperty('account');
    expect((await admin.get('/api/v1/sessions')).status).toBe(403);

    // No badge-in today: after the grace (1 s, judged on the rules' tick) the alarm is in the queue.
    const alarm = await waitFor(
      'the login-without-badge-in alarm',
      async () => {
        const r = await admin.get<{ items: { type: string; cardholderId: string | null }[] }>(
          '/api/v1/alarms',
        );
        return r.body.items.find((a) => a.type === 'login-without-badge-in' && a.cardholderId === annId);
      },
      40_000,
      500,
    );
    expect(alarm.cardholderId).toBe(annId);
    const s = await status();
    expect(s.listeners).toEqual(
      expect.arrayContaining([expect.objectContaining({ listener: 'ws-tcp', accepted: 1 })]),
    );
  });

  it('counts and lists an account that maps to nobody, and journals its login without a person', async () => {
    const before = (await status()).counters.unmappedAccounts;
    const record = randomInt(1_000_000, 9_000_000);
    sendWindowsLogon(syslogPort, 'mallory', record);
    const s = await waitFor('the unmapped account', async () => {
      const now = await status();
      return now.counters.unmappedAccounts > before ? now : undefined;
    });
    expect(s.counters.unmappedAccounts).toBe(before + 1);
    expect(s.unmappedAccounts).toEqual(
      expect.arrayContaining([{ account: 'corp\\mallory', count: 1, lastSeen: expect.any(String) }]),
    );
    const entry = await waitFor('the unmapped login entry', async () =>
      (await journal('type=login.logon')).find(
        (e) => e.payload.key === `rec:ws-7.corp.example.com:security:${record}`,
      ),
    );
    expect(entry.payload.personId).toBeNull();
    expect(entry.subjects.some((x) => x.kind === 'person')).toBe(false);
  });

  it('takes one event over HTTP from a login-source token, and the same record again as a duplicate', async () => {
    const winlogbeat = JSON.parse(fixtureText('winlogbeat/4624-interactive.json')) as unknown;
    const first = await agent.post<Answer>('/api/v1/logins', winlogbeat);
    expect(first.status).toBe(200);
    expect(first.body.results).toEqual([
      {
        outcome: 'accepted',
        key: 'rec:ws-042.corp.example.com:security:1240517',
        action: 'logon',
        mapped: false,
      },
    ]);
    // The same Windows record shipped by NXLog instead: one fact, not two.
    const nxlog = JSON.parse(fixtureText('nxlog/4624-interactive.json')) as unknown;
    const again = await agent.post<Answer>('/api/v1/logins', nxlog);
    expect(again.body.results).toEqual([
      { outcome: 'duplicate', key: 'rec:ws-042.corp.example.com:security:1240517' },
    ]);
    const entries = (await journal('type=login.*&q=1240517')).filter(
      (e) => e.payload.key === 'rec:ws-042.corp.example.com:security:1240517',
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]!.actor).toMatchObject({ kind: 'token', name: 'token:nxlog-agent' });
    expect(entries[0]!.payload).toMatchObject({
      format: 'winlogbeat',
      via: 'http:token:nxlog-agent',
      account: expect.any(String),
    });
  });

  it('answers for each item of a batch: accepted, duplicate, ignored, unknown with the reason', async () => {
    const batch = [
      JSON.parse(fixtureText('winlogbeat/4634-logoff.json')),
      JSON.parse(fixtureText('winlogbeat/4624-interactive.json')),
      JSON.parse(fixtureText('winlogbeat/4624-network.json')),
      { hello: 'not an event' },
      42,
    ] as unknown[];
    const r = await agent.post<Answer>('/api/v1/logins', batch);
    expect(r.status).toBe(200);
    expect(r.body.results.map((x) => [x.outcome, x.reason ?? null])).toEqual([
      ['accepted', null],
      ['duplicate', null],
      ['ignored', 'not-interactive'],
      ['unknown', 'unknown-format'],
      ['unknown', 'not-json-object'],
    ]);
    expect(r.body.counts).toEqual({ accepted: 1, duplicate: 1, ignored: 1, unknown: 2 });
    // The unreadable ones are kept for an admin, with the route they came through.
    const kept = (await status()).unknown;
    expect(kept).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          reason: 'unknown-format',
          via: 'http:token:nxlog-agent',
          raw: '{"hello":"not an event"}',
        }),
        expect.objectContaining({ reason: 'not-json-object', raw: '42' }),
      ]),
    );
  });

  it('refuses an empty batch, a batch over the limit and a body that is not JSON, naming why', async () => {
    const empty = await agent.post<{ error: { code: string } }>('/api/v1/logins', []);
    expect([empty.status, empty.body.error.code]).toEqual([400, 'request.invalid']);
    const tooMany = await agent.post<{ error: { message: string } }>('/api/v1/logins', [1, 2, 3, 4, 5, 6]);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain('at most 5 events in one batch');
    const scalar = await agent.post('/api/v1/logins', 'just text');
    expect(scalar.status).toBe(400);
    const broken = await agent.request('POST', '/api/v1/logins', undefined, { raw: '{"a":' });
    expect(broken.status).toBe(400);
    // Larger than http.bodyLimitBytes (1 MiB by default): refused from its length, before parsing.
    const huge = await agent.request('POST', '/api/v1/logins', undefined, {
      raw: JSON.stringify({ Message: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(huge.status).toBe(413);
  });

  it('refuses callers who are not a login agent: nobody, a person signed in, a token of another role', async () => {
    const event = JSON.parse(fixtureText('winlogbeat/4800-locked.json')) as unknown;
    expect((await new Client(gw.url).post('/api/v1/logins', event)).status).toBe(401);
    expect((await admin.post('/api/v1/logins', event)).status).toBe(403);
    const guardToken = await tokenClient(admin, gw.url, ['guard'], 'not-an-agent');
    expect((await guardToken.post('/api/v1/logins', event)).status).toBe(403);
    // The agent's token reads nothing back: not the journal, not the status, not the people.
    expect((await agent.get('/api/v1/journal')).status).toBe(403);
    expect((await agent.get('/api/v1/logins/status')).status).toBe(403);
    expect((await agent.get('/api/v1/access/cardholders')).status).toBe(403);
    // A person cannot be given the agent's role.
    const person = await admin.post('/api/v1/operators', {
      username: 'agent-person',
      displayName: 'Agent Person',
      roles: ['login-source'],
      password: 'temporary entry pass 1',
    });
    expect(person.status).toBe(400);
    // None of the refused posts was taken.
    expect((await status()).counters.accepted).toBe(4);
  });

  it('shows the counters in health details and metrics', async () => {
    const health = await admin.get<{ components: Record<string, Record<string, unknown>> }>('/health/ready');
    expect(health.body.components.logins).toMatchObject({ status: 'up', accepted: 4, duplicates: 2 });
    const metrics = await admin.get('/metrics');
    expect(metrics.text).toContain('gatehouse_logins_accepted 4');
    expect(metrics.text).toContain('gatehouse_logins_listener_accepted{listener="ws-tcp"} 2');
  });

  it('takes a Winlogbeat batch over Beats with TLS, acknowledged, each event journaled', async () => {
    const beat = await LumberjackTestClient.connect(beatsPort, { ca });
    try {
      const locked = JSON.parse(fixtureText('winlogbeat/4800-locked.json')) as object;
      const unlocked = JSON.parse(fixtureText('winlogbeat/4801-unlocked.json')) as object;
      expect(await beat.sendBatch([locked, unlocked], true)).toBe(2);
    } finally {
      beat.socket.destroy();
    }
    const entries = await waitFor('the lock and unlock entries', async () => {
      const items = (await journal('type=login.lock,login.unlock')).filter((e) =>
        String(e.payload.via).startsWith('beats-tls:ws-beats'),
      );
      return items.length === 2 ? items : undefined;
    });
    expect(entries.map((e) => e.type).sort()).toEqual(['login.lock', 'login.unlock']);
    expect(entries.every((e) => e.payload.format === 'winlogbeat')).toBe(true);
    const s = await status();
    expect(s.listeners).toEqual(
      expect.arrayContaining([expect.objectContaining({ listener: 'ws-beats', accepted: 2 })]),
    );
  });

  it('counts a syslog sender outside the allow-list as refused and takes nothing from it', async () => {
    const before = (await status()).counters.accepted;
    const result = spawnSync(
      'logger',
      [
        '--server',
        '127.0.0.1',
        '--port',
        String(udpPort),
        '--udp',
        '-t',
        'sshd[77]',
        'Accepted password for ann from 10.1.1.1 port 2 ssh2',
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    expect(result.status).toBe(0);
    const udp = await waitFor('the refusal', async () => {
      const l = (await status()).listeners.find((x) => x.listener === 'ws-udp') as
        { accepted: number; rejected: Record<string, number> } | undefined;
      return l && (l.rejected['source-not-allowed'] ?? 0) > 0 ? l : undefined;
    });
    expect(udp).toMatchObject({ accepted: 0, rejected: { 'source-not-allowed': 1 } });
    expect((await status()).counters.accepted).toBe(before);
  });
});
