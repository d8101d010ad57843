import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, GATEWAY_MAIN, removeDir, ROOT, startGateway } from '../support/gateway';

/** A start expected to be refused: the real process, its exit code and what it said. */
const startRefused = async (dataDir: string, env: Record<string, string>) => {
  const port = await freePort();
  const r = spawnSync(process.execPath, [GATEWAY_MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_HTTP_PORT: String(port),
      ...env,
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
};

/** Every file of the data folder with its digest: a refused start must change none. */
const snapshot = (dir: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((name) => join(dir, name))
      .filter((path) => statSync(path).isFile())
      .map((path) => [path, createHash('sha256').update(readFileSync(path)).digest('hex')]),
  );

describe('the master key at start (real process)', () => {
  it('refuses a start without one, saying why, and creates nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-mk-none-'));
    const r = await startRefused(dir, {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to start: master key missing: .*GATEHOUSE_MASTER_KEY/);
    expect(readdirSync(dir)).toEqual([]);
    removeDir(dir);
  });

  it('refuses a malformed key, never echoing it, and creates nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-mk-bad-'));
    const r = await startRefused(dir, { GATEHOUSE_MASTER_KEY: 'short-secret-value' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('master key wrong-length');
    expect(r.stderr + r.stdout).not.toContain('short-secret-value');
    expect(readdirSync(dir)).toEqual([]);
    removeDir(dir);
  });

  it('refuses a wrong key for an existing database, leaving every file as it was', async () => {
    const right = randomBytes(32).toString('base64');
    const gw = await startGateway({ env: { GATEHOUSE_MASTER_KEY: right } });
    expect(await gw.stop()).toBe(0);
    expect(gw.output()).not.toContain(right);
    const before = snapshot(gw.dataDir);
    expect(Object.keys(before).some((p) => p.endsWith('gatehouse.db'))).toBe(true);

    const wrong = randomBytes(32).toString('hex');
    const r = await startRefused(gw.dataDir, { GATEHOUSE_MASTER_KEY: wrong });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('master key wrong-key');
    expect(r.stderr + r.stdout).not.toContain(wrong);
    expect(snapshot(gw.dataDir)).toEqual(before);

    const again = await startGateway({ dataDir: gw.dataDir, env: { GATEHOUSE_MASTER_KEY: right } });
    expect(await again.stop()).toBe(0);
    removeDir(gw.dataDir);
  });

  it('runs the demo on a fresh machine with a demo key it makes once and warns about', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-mk-demo-'));
    const env = {
      GATEHOUSE_MASTER_KEY: '',
      GATEHOUSE_DEMO_SIMULATOR: 'false',
      GATEHOUSE_DEMO_READERS: 'false',
      GATEHOUSE_MQTT_EMBEDDED_BROKER_ENABLED: 'false',
    };
    const args = ['--default-config', 'config/demo-site.yaml'];
    const first = await startGateway({ dataDir: dir, env, args });
    expect(await first.stop()).toBe(0);
    const file = join(dir, 'keys', 'demo-master.key');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, 'utf8').trim();
    expect(first.output()).toContain('DEMO MASTER KEY in use');
    expect(first.output()).not.toContain(key);
    // The second start opens the keys the first one made: the same demo key, not a new one.
    const second = await startGateway({ dataDir: dir, env, args });
    expect(await second.stop()).toBe(0);
    expect(readFileSync(file, 'utf8').trim()).toBe(key);
    removeDir(dir);
  });
});
