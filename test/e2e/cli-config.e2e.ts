import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Client } from '../support/client';
import { GATEWAY_MAIN, removeDir, ROOT, runCli, startGateway } from '../support/gateway';

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
