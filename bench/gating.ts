import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { totpCode } from '@gatehouse/auth';
import {
  buildGatingClient,
  gatingClientAt,
  makeGatewayTls,
  makeSecondHost,
  netnsProblem,
  pamLogin,
  type SecondHost,
  setUpWorkstation,
} from '@gatehouse/testing';
import { option, percentile, round, say } from './util';

const ROOT = process.cwd();
const MAIN = join(ROOT, 'dist', 'apps', 'gateway', 'src', 'main.js');

interface Reply {
  status: number;
  body: Record<string, unknown>;
  cookie?: string;
}

/** One HTTPS call with the pinned CA; keep-alive through `agent` when given. */
const call = (
  base: string,
  ca: Buffer,
  method: string,
  path: string,
  o: { body?: unknown; headers?: Record<string, string>; agent?: Agent } = {},
) =>
  new Promise<Reply>((resolve, reject) => {
    const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
    const headers: Record<string, string> = { ...o.headers };
    if (payload) headers['content-type'] = 'application/json';
    const req = request(`${base}${path}`, { method, headers, ca, agent: o.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        try {
          body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          /* not JSON */
        }
        const cookie = res.headers['set-cookie']?.[0]?.split(';')[0];
        resolve({ status: res.statusCode ?? 0, body, ...(cookie ? { cookie } : {}) });
      });
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(payload);
  });

/** Signs in and returns headers carrying the session cookie and CSRF token. */
const signIn = async (base: string, ca: Buffer, username: string, password: string) => {
  const login = await call(base, ca, 'POST', '/api/v1/auth/login', { body: { username, password } });
  if (!login.cookie) throw new Error(`${username} could not sign in: ${JSON.stringify(login.body)}`);
  return { cookie: login.cookie, 'x-csrf-token': String(login.body.csrfToken) };
};

/**
 * The site as an installer makes it: the first admin (bootstrap, TOTP
 * enrolment), a facility manager who adds the zone and Ann (CORP\ann), and
 * a workstation token for `host`.
 */
const setUpSite = async (base: string, ca: Buffer, bootstrap: string, host: string) => {
  const password = 'violet anchor meadow 42';
  const must = (r: Reply, what: string) => {
    if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  must(
    await call(base, ca, 'POST', '/api/v1/auth/bootstrap', {
      body: { token: bootstrap, username: 'ada', displayName: 'Ada', password },
    }),
    'bootstrap',
  );
  let admin = await signIn(base, ca, 'ada', password);
  const setup = await call(base, ca, 'POST', '/api/v1/auth/enrollment', { headers: admin });
  const confirm = must(
    await call(base, ca, 'POST', '/api/v1/auth/enrollment/confirm', {
      headers: admin,
      body: { code: totpCode(String(setup.body.secret), Date.now()) },
    }),
    'enrolment',
  );
  admin = {
    cookie: confirm.cookie ?? admin.cookie,
    'x-csrf-token': String(confirm.body.csrfToken ?? admin['x-csrf-token']),
  };
  const temp = 'temporary entry pass 1';
  const permanent = 'permanent orchard phrase 7';
  must(
    await call(base, ca, 'POST', '/api/v1/operators', {
      headers: admin,
      body: { username: 'fm', displayName: 'Fran', roles: ['facility-manager'], password: temp },
    }),
    'operator',
  );
  const fmTemp = await signIn(base, ca, 'fm', temp);
  must(
    await call(base, ca, 'POST', '/api/v1/auth/password', {
      headers: fmTemp,
      body: { currentPassword: temp, newPassword: permanent },
    }),
    'password',
  );
  const fm = await signIn(base, ca, 'fm', permanent);
  must(
    await call(base, ca, 'POST', '/api/v1/access/zones', {
      headers: fm,
      body: { id: 'floor-2', name: 'Floor 2' },
    }),
    'zone',
  );
  must(
    await call(base, ca, 'POST', '/api/v1/access/cardholders', {
      headers: fm,
      body: { name: 'Ann Archer', directoryAccount: 'CORP\\ann' },
    }),
    'cardholder',
  );
  const token = must(
    await call(base, ca, 'POST', '/api/v1/tokens', {
      headers: admin,
      body: { name: host, roles: ['workstation'], expiresInDays: 1 },
    }),
    'token',
  );
  return String(token.body.token);
};

/**
 * CPU time from /proc (clock ticks, 100 a second on Linux): a process's own
 * (`utime`+`stime`), or that of the children it waited for
 * (`cutime`+`cstime`: a pamtester login and every process under it). On a
 * shared machine this is what a login or a question costs, whatever the
 * neighbours do to the latency.
 */
const cpuMsOf = (pid: number | 'self', children: boolean): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the name, from 3 (state): utime 14, stime 15, cutime 16, cstime 17.
  const at = (n: number) => Number(fields[n - 3]);
  return ((children ? at(16) + at(17) : at(14) + at(15)) * 1000) / 100;
};

/** Runs `fn` and adds the CPU of the children it waited for to `into.ms`. */
const childCpu = <T>(into: { ms: number }, fn: () => T): T => {
  const before = cpuMsOf('self', true);
  const result = fn();
  into.ms += cpuMsOf('self', true) - before;
  return result;
};

/** Requests at a fixed rate (open loop: a slow answer does not slow the sender); each latency in ms. */
const atRate = async (perSecond: number, seconds: number, send: (i: number) => Promise<unknown>) => {
  const total = Math.round(perSecond * seconds);
  const latencies: number[] = [];
  let failed = 0;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    pending.push(
      send(i).then(
        () => void latencies.push(performance.now() - t0),
        () => void (failed += 1),
      ),
    );
  }
  await Promise.all(pending);
  // Answered per second: every request over the time until the last answer (below the rate when the gateway falls behind).
  return { latencies, failed, achieved: total / ((performance.now() - start) / 1000) };
};

/**
 * `npm run bench -- gating [--logins 200] [--rate 500] [--seconds 5] [--profile DIR]`: login
 * gating end to end. The whole pamtester login through the real PAM stack
 * (pamtester and the client's processes started, TLS, the gateway's
 * decision and journal entry), run from a second network namespace, with the
 * compiled client (`login_decision_*`) and the shell client over curl
 * (`shell_login_*`); beside them pamtester on a service with pam_permit
 * alone, and curl alone. CPU per login is every process's under pamtester. Then the endpoint at a
 * fixed rate beside a bare HTTPS round trip (GET /health/live) to the same
 * gateway at the same rate, in the same run.
 */
export const gatingBench = async (args: string[]) => {
  const logins = option(args, 'logins', 200);
  const rate = option(args, 'rate', 500);
  const seconds = option(args, 'seconds', 5);
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-gating-'));
  const problem = netnsProblem();
  let net: SecondHost | null = null;
  const cleanups: (() => void)[] = [];
  let gateway: ReturnType<typeof spawn> | null = null;
  try {
    if (problem) say(`no second host (${problem}): the client runs on loopback`);
    else net = makeSecondHost();
    const address = net?.hostAddress ?? '127.0.0.1';
    const tls = makeGatewayTls(dir, [address]);
    const ca = readFileSync(tls.ca);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    writeFileSync(
      join(dir, 'site.yaml'),
      [
        'http:',
        `  host: ${address}`,
        `  port: ${port}`,
        `  tls: { certFile: ${tls.cert}, keyFile: ${tls.key} }`,
        'log: { level: warn }',
        'logins:',
        '  workstations:',
        '    ws-bench: { zone: floor-2 }',
        'gating:',
        '  enabled: true',
        '  default: { onUnreachable: closed, domain: CORP }',
        // One token asks at the bench's rate: its bucket must not be what is measured.
        '  rateLimit: { perSecond: 10000, burst: 100000 }',
        '',
      ].join('\n'),
    );
    let out = '';
    // --profile DIR: the gateway writes a V8 CPU profile there when it stops (where its time goes).
    const profile = args.indexOf('--profile') >= 0 ? args[args.indexOf('--profile') + 1] : undefined;
    const profiling = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
    gateway = spawn(process.execPath, [...profiling, MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        GATEHOUSE_CONFIG: join(dir, 'site.yaml'),
        GATEHOUSE_DATA_DIR: join(dir, 'data'),
        GATEHOUSE_MASTER_KEY: randomBytes(32).toString('base64'),
        GATEHOUSE_STORAGE_SYNCHRONOUS: 'normal',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    gateway.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    gateway.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!/BOOTSTRAP TOKEN: (\S+)/.test(out)) {
      if (gateway.exitCode !== null || Date.now() > deadline)
        throw new Error(`gateway did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const base = `https://${address}:${port}`;
    const token = await setUpSite(base, ca, /BOOTSTRAP TOKEN: (\S+)/.exec(out)![1]!, 'ws-bench');
    const shell = setUpWorkstation(dir, {
      name: 'ws-bench',
      client: gatingClientAt(ROOT),
      url: base,
      ca: tls.ca,
      token,
    });
    cleanups.push(shell.remove);
    const ws = setUpWorkstation(dir, {
      name: 'ws-bench-c',
      host: 'ws-bench',
      client: buildGatingClient(ROOT, dir),
      url: base,
      ca: tls.ca,
      token,
    });
    cleanups.push(ws.remove);
    const bareService = `gatehouse-gating-bench-${randomBytes(4).toString('hex')}`;
    writeFileSync(
      join('/etc/pam.d', bareService),
      'auth required pam_permit.so\naccount required pam_permit.so\n',
    );
    cleanups.push(() => rmSync(join('/etc/pam.d', bareService), { force: true }));
    const prefix = net?.exec ?? [];

    // Warm both paths (the gateway's first TLS handshakes, the page cache) before measuring.
    for (let i = 0; i < 10; i += 1) {
      pamLogin(prefix, ws.service, 'ann');
      pamLogin(prefix, shell.service, 'ann');
    }
    const withClient: number[] = [];
    const withShell: number[] = [];
    const bare: number[] = [];
    const curlOnly: number[] = [];
    // curl alone from the same host: its start, the TLS handshake with the pinned CA, one round trip.
    const curlArgv = [
      ...prefix,
      'curl',
      '-sS',
      '-o',
      '/dev/null',
      '--max-time',
      '5',
      '--cacert',
      tls.ca,
      `${base}/health/live`,
    ];
    let wrong = 0;
    const cpu = { client: { ms: 0 }, shell: { ms: 0 }, bare: { ms: 0 }, curl: { ms: 0 } };
    for (let i = 0; i < logins; i += 1) {
      // Interleaved, so drift on a shared machine falls on both alike. Ann is known and not
      // badged in: the longest path (directory, presence, the account sealed into the journal).
      const r = childCpu(cpu.client, () => pamLogin(prefix, ws.service, 'ann'));
      if (r.ok || !r.output.includes('(not-present)')) wrong += 1;
      withClient.push(r.ms);
      const sh = childCpu(cpu.shell, () => pamLogin(prefix, shell.service, 'ann'));
      if (sh.ok || !sh.output.includes('(not-present)')) wrong += 1;
      withShell.push(sh.ms);
      bare.push(childCpu(cpu.bare, () => pamLogin(prefix, bareService, 'root')).ms);
      const t0 = process.hrtime.bigint();
      childCpu(cpu.curl, () => spawnSync(curlArgv[0]!, curlArgv.slice(1), { timeout: 10_000 }));
      curlOnly.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const perLogin = (c: { ms: number }) => round(c.ms / logins, 2);
    say(
      `${logins} pamtester logins (Ann, known and not badged in: refused) from ${net ? `netns ${net.name}` : 'loopback'}`,
    );
    say(
      `  with the compiled client: p50 ${round(percentile(withClient, 50))} ms, p99 ${round(percentile(withClient, 99))} ms`,
    );
    say(
      `  with the shell client:    p50 ${round(percentile(withShell, 50))} ms, p99 ${round(percentile(withShell, 99))} ms`,
    );
    say(
      `  pam_permit alone:       p50 ${round(percentile(bare, 50))} ms, p99 ${round(percentile(bare, 99))} ms`,
    );
    say(
      `  curl alone (TLS, GET /health/live): p50 ${round(percentile(curlOnly, 50))} ms, p99 ${round(percentile(curlOnly, 99))} ms`,
    );
    say(
      `  CPU per login (all processes): compiled client ${perLogin(cpu.client)} ms, shell client ${perLogin(cpu.shell)} ms, pam_permit alone ${perLogin(cpu.bare)} ms, curl alone ${perLogin(cpu.curl)} ms`,
    );
    if (wrong > 0) say(`  ${wrong} logins were not refused as not-present (expected all ${2 * logins})`);

    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const auth = { authorization: `Bearer ${token}` };
    const gatewayCpu = () => cpuMsOf(gateway!.pid!, false);
    let cpuBefore = gatewayCpu();
    const decided = await atRate(rate, seconds, (i) =>
      call(base, ca, 'POST', '/api/v1/gating/decide', {
        agent,
        headers: auth,
        body: {
          account: 'ann',
          nonce: `bench-${i}-${randomBytes(4).toString('hex')}`,
          time: Math.floor(Date.now() / 1000),
          service: 'login',
        },
      }).then((r) => {
        if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
      }),
    );
    // Per question asked (the journal's group commits that follow an answer are on the same thread).
    await new Promise((r) => setTimeout(r, 200));
    const decideCpuMs = (gatewayCpu() - cpuBefore) / (rate * seconds);
    cpuBefore = gatewayCpu();
    const live = await atRate(rate, seconds, () =>
      call(base, ca, 'GET', '/health/live', { agent }).then((r) => {
        if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
      }),
    );
    const liveCpuMs = (gatewayCpu() - cpuBefore) / (rate * seconds);
    agent.destroy();
    say(
      `endpoint at ${rate}/s for ${seconds} s (keep-alive HTTPS, each question journaled with the account sealed):`,
    );
    say(
      `  POST /api/v1/gating/decide: p50 ${round(percentile(decided.latencies, 50), 2)} ms, p99 ${round(percentile(decided.latencies, 99), 2)} ms, ${decided.failed} failed, ${round(decided.achieved)}/s answered`,
    );
    say(
      `  gateway CPU per request: decide ${round(decideCpuMs, 3)} ms, bare GET ${round(liveCpuMs, 3)} ms (all its threads)`,
    );
    say(
      `  GET /health/live (bare):    p50 ${round(percentile(live.latencies, 50), 2)} ms, p99 ${round(percentile(live.latencies, 99), 2)} ms, ${live.failed} failed, ${round(live.achieved)}/s answered`,
    );
    return {
      logins,
      second_host: net ? 1 : 0,
      login_decision_p99_ms: round(percentile(withClient, 99), 1),
      login_decision_p50_ms: round(percentile(withClient, 50), 1),
      pam_permit_only_p99_ms: round(percentile(bare, 99), 1),
      curl_only_p99_ms: round(percentile(curlOnly, 99), 1),
      login_adds_p99_ms: round(percentile(withClient, 99) - percentile(bare, 99), 1),
      login_adds_p50_ms: round(percentile(withClient, 50) - percentile(bare, 50), 1),
      login_cpu_ms: perLogin(cpu.client),
      shell_login_decision_p99_ms: round(percentile(withShell, 99), 1),
      shell_login_decision_p50_ms: round(percentile(withShell, 50), 1),
      shell_login_adds_p99_ms: round(percentile(withShell, 99) - percentile(bare, 99), 1),
      shell_login_cpu_ms: perLogin(cpu.shell),
      pam_permit_only_cpu_ms: perLogin(cpu.bare),
      curl_only_cpu_ms: perLogin(cpu.curl),
      rate_per_s: rate,
      endpoint_p99_ms: round(percentile(decided.latencies, 99), 2),
      endpoint_p50_ms: round(percentile(decided.latencies, 50), 2),
      endpoint_failed: decided.failed,
      endpoint_throughput_per_s: round(decided.achieved),
      endpoint_cpu_ms_per_question: round(decideCpuMs, 3),
      bare_http_cpu_ms_per_request: round(liveCpuMs, 3),
      bare_http_throughput_per_s: round(live.achieved),
      bare_http_p99_ms: round(percentile(live.latencies, 99), 2),
      bare_http_p50_ms: round(percentile(live.latencies, 50), 2),
    };
  } finally {
    for (const c of cleanups) c();
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((r) => gateway!.once('exit', r));
      gateway.kill('SIGTERM');
      await exited;
    }
    net?.remove();
    rmSync(dir, { recursive: true, force: true });
  }
};
