import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { bootstrapAdmin, Client } from '../support/client';
import {
  CLI_MAIN,
  E2E_MASTER_KEY,
  GATEWAY_MAIN,
  removeDir,
  ROOT,
  runCli,
  startGateway,
} from '../support/gateway';

const startFails = (env: Record<string, string>, args: string[] = []) => {
  const r = spawnSync(process.execPath, [GATEWAY_MAIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', GATEHOUSE_DATA_DIR: mkdtempSync(join(tmpdir(), 'gh-cfg-')), ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stderr: r.stderr };
};

describe('configuration at start (real process)', () => {
  it('refuses an invalid environment value, naming the key, the variable and the reason', () => {
    const r = startFails({ GATEHOUSE_HTTP_PORT: '70000' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('http.port');
    expect(r.stderr).toContain('GATEHOUSE_HTTP_PORT');
    expect(r.stderr).toMatch(/65535/);
  });

  it('refuses unknown keys, bad values and broken YAML in a site file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-site-'));
    const typo = join(dir, 'typo.yaml');
    writeFileSync(typo, 'http:\n  prot: 8081\nsite:\n  timeZone: Mars/Olympus\n');
    const r = startFails({ GATEHOUSE_CONFIG: typo });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('http.prot: unknown key');
    expect(r.stderr).toContain('site.timeZone: unknown IANA time zone');
    expect(r.stderr).toContain(typo);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'http: [unclosed\n');
    expect(startFails({ GATEHOUSE_CONFIG: broken }).stderr).toContain('not valid YAML');
    expect(startFails({ GATEHOUSE_CONFIG: join(dir, 'missing.yaml') }).stderr).toContain('cannot read');
    removeDir(dir);
  });

  it('refuses a missing or short reader key file the same way in `config check` and at start: a clear message, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-keys-'));
    const short = join(dir, 'short.key');
    writeFileSync(short, '0011223344\n');
    const site = join(dir, 'site.yaml');
    writeFileSync(
      site,
      [
        'serial:',
        '  - id: osdp-1',
        `    path: ${join(dir, 'tty')}`,
        '    protocol: osdp',
        '    readers:',
        `      - { id: front-in, address: 1, scbk: { file: ${join(dir, 'missing.key')} } }`,
        `      - { id: back-in, address: 2, scbk: { file: ${short} } }`,
      ].join('\n'),
    );
    const env = { GATEHOUSE_CONFIG: site, GATEHOUSE_DATA_DIR: join(dir, 'data') };
    const check = runCli(['config', 'check'], env);
    const start = startFails(env);
    for (const r of [check, start]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `serial osdp-1, reader front-in, scbk: secret file ${join(dir, 'missing.key')}: cannot read (ENOENT)`,
      );
      expect(r.stderr).toContain(
        `serial osdp-1, reader back-in, scbk: the key in file ${short} is 10 hex digits`,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    removeDir(dir);
  });

  it('takes a site file from GATEHOUSE_CONFIG with environment overrides on top', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-site-'));
    const site = join(dir, 'site.yaml');
    writeFileSync(site, 'site:\n  name: Harbour Office\nhttp:\n  port: 1\n');
    const gw = await startGateway({ env: { GATEHOUSE_CONFIG: site } });
    expect(gw.output()).toContain('Gatehouse (Harbour Office) is ready');
    expect(gw.url).toContain(`:${gw.port}`);
    expect(await gw.stop()).toBe(0);
    removeDir(gw.dataDir);
    removeDir(dir);
  });
});

describe('security.profile: pci (PCI DSS v4 minimums)', () => {
  it('refuses to start on a weaker value, naming the key, the value and the requirement', () => {
    const r = startFails({ GATEHOUSE_SECURITY_PROFILE: 'pci', GATEHOUSE_AUTH_SESSION_IDLE_MINUTES: '30' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('auth.sessionIdleMinutes: 30 is weaker than security.profile pci allows');
    expect(r.stderr).toContain('PCI DSS 8.2.8');
    expect(r.stderr).toContain('GATEHOUSE_AUTH_SESSION_IDLE_MINUTES');
  });

  it('config check refuses the same site file, and shows the raised defaults of an acceptable one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-pci-'));
    const weak = join(dir, 'weak.yaml');
    writeFileSync(weak, 'security:\n  profile: pci\nauth:\n  lockoutMinutes: 15\n  lockoutThreshold: 20\n');
    const refused = runCli(['config', 'check', '--config', weak], { GATEHOUSE_DATA_DIR: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('auth.lockoutMinutes: 15');
    expect(refused.stderr).toContain('auth.lockoutThreshold: 20');
    expect(refused.stderr).toContain('PCI DSS 8.3.4');
    expect(refused.stderr).toContain(weak);
    const ok = join(dir, 'ok.yaml');
    writeFileSync(ok, 'security:\n  profile: pci\n');
    const checked = runCli(['config', 'check', '--config', ok], { GATEHOUSE_DATA_DIR: dir });
    expect(checked.code).toBe(0);
    const effective = JSON.parse(checked.stdout) as { auth: Record<string, unknown> };
    expect(effective.auth).toMatchObject({
      sessionIdleMinutes: 15,
      lockoutMinutes: 30,
      passwordMinLength: 12,
    });
    expect(effective.auth.totpRequiredRoles).toEqual(expect.arrayContaining(['admin', 'facility-manager']));
    removeDir(dir);
  });

  it('runs with letters-and-digits passwords and a second factor for the facility manager', async () => {
    const gw = await startGateway({ env: { GATEHOUSE_SECURITY_PROFILE: 'pci' } });
    const c = new Client(gw.url);
    const words = await c.post('/api/v1/auth/bootstrap', {
      token: gw.bootstrapToken,
      username: 'pat',
      displayName: 'Pat Admin',
      password: 'violet anchor meadow lantern',
    });
    expect(words.status).toBe(400);
    expect(JSON.stringify(words.body)).toContain('letters and digits');
    const { client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!, 'pat');
    expect(
      (
        await admin.post('/api/v1/operators', {
          username: 'fran',
          displayName: 'Fran Facilities',
          roles: ['facility-manager'],
          password: 'temporary entry pass 1',
        })
      ).status,
    ).toBe(201);
    const fran = await new Client(gw.url).post('/api/v1/auth/login', {
      username: 'fran',
      password: 'temporary entry pass 1',
    });
    expect(fran.body.stage).toBe('enroll');
    expect(await gw.stop()).toBe(0);
    removeDir(gw.dataDir);
  });
});

describe("npm start's demo site", () => {
  it('runs config/demo-site.yaml by default, unless GATEHOUSE_CONFIG names another site', async () => {
    const demo = await startGateway({ args: ['--default-config', 'config/demo-site.yaml'] });
    expect(demo.output()).toContain('Gatehouse (Demo site) is ready');
    expect(demo.bootstrapToken).toMatch(/^gbt_/);
    expect(await demo.stop()).toBe(0);
    removeDir(demo.dataDir);
    const dir = mkdtempSync(join(tmpdir(), 'gh-site-'));
    const site = join(dir, 'site.yaml');
    writeFileSync(site, 'site:\n  name: Real Site\n');
    const real = await startGateway({
      args: ['--default-config', 'config/demo-site.yaml'],
      env: { GATEHOUSE_CONFIG: site },
    });
    expect(real.output()).toContain('Gatehouse (Real Site) is ready');
    expect(await real.stop()).toBe(0);
    removeDir(real.dataDir);
    removeDir(dir);
  });
});

describe('gatehouse CLI', () => {
  it('creates an administrator headless, without a bootstrap token, and journals it', async () => {
    const gw = await startGateway();
    const env = { GATEHOUSE_DATA_DIR: gw.dataDir };
    const weak = runCli(
      ['admin', 'create', '--username', 'ops', '--display-name', 'Ops Admin', '--password-stdin'],
      env,
      'password123\n',
    );
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password');
    const noPassword = runCli(['admin', 'create', '--username', 'ops', '--display-name', 'Ops Admin'], env);
    expect(noPassword.stderr).toContain('--password-file');
    const made = runCli(
      ['admin', 'create', '--username', 'ops', '--display-name', 'Ops Admin', '--password-stdin'],
      env,
      'quiet river lantern 9\n',
    );
    expect(made.stdout).toContain('created operator ops (admin)');
    expect(made.code).toBe(0);
    // The running gateway sees the new operator and the CLI's journal entry continues its tree.
    const c = new Client(gw.url);
    const login = await c.post('/api/v1/auth/login', { username: 'ops', password: 'quiet river lantern 9' });
    expect(login.body.stage).toBe('enroll');
    expect(await gw.stop()).toBe(0);
    const verify = runCli(['journal', 'verify', '--json'], env);
    const report = JSON.parse(verify.stdout) as { ok: boolean };
    expect(report.ok).toBe(true);
    const key = runCli(['journal', 'public-key'], env);
    expect(key.stdout).toContain('BEGIN PUBLIC KEY');
    expect(runCli(['nonsense'], env).code).toBe(2);
    removeDir(gw.dataDir);
  });
});

describe('the CLI on its own composition', () => {
  it('creates an operator without loading anything that opens a serial port, a broker or HTTP', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-cli-'));
    // Lists, as the process exits, the packages it loaded.
    const preload = join(dir, 'loaded.js');
    writeFileSync(
      preload,
      `process.on('exit', () => require('fs').writeSync(2, 'LOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));`,
    );
    const r = spawnSync(
      process.execPath,
      [
        '-r',
        preload,
        CLI_MAIN,
        ...'admin create --username ops --display-name Ops --password-stdin'.split(' '),
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          GATEHOUSE_DATA_DIR: join(dir, 'data'),
          GATEHOUSE_MASTER_KEY: E2E_MASTER_KEY,
        },
        input: 'quiet river lantern 9\n',
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(r.stdout).toContain('created operator ops (admin)');
    expect(r.status).toBe(0);
    const loaded = JSON.parse(/LOADED (.*)/.exec(r.stderr)![1]!) as string[];
    expect(loaded.some((p) => p.includes('better-sqlite3'))).toBe(true);
    const packages = /node_modules\/((?:@[^/]+\/)?[^/]+)\//;
    const opening = loaded
      .map((p) => packages.exec(p)?.[1])
      .filter(
        (name) =>
          name && /^(serialport|@serialport\/.*|mqtt|aedes|fastify|@fastify\/.*|@nestjs\/.*)$/.test(name),
      );
    expect([...new Set(opening)]).toEqual([]);
    removeDir(dir);
  });
});

describe('TLS from configured certificate and key', () => {
  it('serves HTTPS only, with a Secure __Host- session cookie and HSTS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { encoding: 'utf8' },
    );
    expect(made.status).toBe(0);
    const gw = await startGateway({
      env: { GATEHOUSE_HTTP_TLS_CERT_FILE: cert, GATEHOUSE_HTTP_TLS_KEY_FILE: key },
    });
    expect(gw.url).toMatch(/^https:/);
    const ca = readFileSync(cert);
    const call = (method: string, path: string, body?: unknown) =>
      new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
        (done, fail) => {
          const req = httpsRequest(
            `${gw.url}${path}`,
            { method, ca, headers: body ? { 'content-type': 'application/json' } : {} },
            (res) => {
              let text = '';
              res.on('data', (d: Buffer) => (text += d.toString()));
              res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
            },
          );
          req.on('error', fail);
          req.end(body ? JSON.stringify(body) : undefined);
        },
      );
    const ready = await call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.headers['strict-transport-security']).toContain('max-age=');
    const boot = await call('POST', '/api/v1/auth/bootstrap', {
      token: gw.bootstrapToken,
      username: 'tls',
      displayName: 'TLS Admin',
      password: 'violet anchor meadow 42',
    });
    expect(boot.status).toBe(201);
    const login = await call('POST', '/api/v1/auth/login', {
      username: 'tls',
      password: 'violet anchor meadow 42',
    });
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/^__Host-gh_session=/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    // Plain HTTP on the same port is not served.
    await expect(fetch(`http://127.0.0.1:${gw.port}/health/live`)).rejects.toThrow();
    expect(await gw.stop()).toBe(0);
    removeDir(gw.dataDir);
    removeDir(dir);
  });
});
