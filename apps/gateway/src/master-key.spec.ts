import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@gatehouse/config';
import { MASTER_KEY_ENV, MasterKeyError, parseMasterKey } from '@gatehouse/privacy';
import { demoMasterKeyFile, loadSiteMasterKey } from './master-key';

const configIn = (dataDir: string, env: Record<string, string> = {}) =>
  loadConfig({ env: { GATEHOUSE_DATA_DIR: dataDir, ...env } });

describe('the site master key at start', () => {
  it('reads the variable and removes it from the environment', () => {
    const value = randomBytes(32).toString('base64');
    const env: NodeJS.ProcessEnv = { [MASTER_KEY_ENV]: value };
    const key = loadSiteMasterKey(configIn(mkdtempSync(join(tmpdir(), 'gh-mk-'))), () => undefined, env);
    expect(key.checkValue).toEqual(parseMasterKey(value, 'x').checkValue);
    expect(env[MASTER_KEY_ENV]).toBeUndefined();
  });

  it('removes the variable even when it is refused', () => {
    const env: NodeJS.ProcessEnv = { [MASTER_KEY_ENV]: 'not a key' };
    expect(() =>
      loadSiteMasterKey(configIn(mkdtempSync(join(tmpdir(), 'gh-mk-'))), () => undefined, env),
    ).toThrow(MasterKeyError);
    expect(env[MASTER_KEY_ENV]).toBeUndefined();
  });

  it('refuses a start without a key outside the demo, making no file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-mk-'));
    const config = configIn(dir);
    expect(() => loadSiteMasterKey(config, () => undefined, {})).toThrow(/GATEHOUSE_MASTER_KEY/);
    expect(existsSync(join(dir, 'keys'))).toBe(false);
  });

  it('reads the configured file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-mk-'));
    const file = join(dir, 'master.key');
    const value = randomBytes(32).toString('hex');
    writeFileSync(file, value, { mode: 0o600 });
    const key = loadSiteMasterKey(
      configIn(dir, { GATEHOUSE_PRIVACY_MASTER_KEY_FILE: file }),
      () => undefined,
      {},
    );
    expect(key.checkValue).toEqual(parseMasterKey(value, 'x').checkValue);
  });

  it('makes the demo key once, owner-only, and says at every start that it is a demo key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-mk-'));
    const config = configIn(dir, { GATEHOUSE_DEMO_MAKE_MASTER_KEY: 'true' });
    const warnings: string[] = [];
    const first = loadSiteMasterKey(config, (m) => warnings.push(m), {});
    const file = demoMasterKeyFile(config);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = readFileSync(file, 'utf8');
    const second = loadSiteMasterKey(config, (m) => warnings.push(m), {});
    expect(readFileSync(file, 'utf8')).toBe(written);
    expect(second.checkValue).toEqual(first.checkValue);
    expect(warnings.filter((w) => w.startsWith('DEMO MASTER KEY'))).toHaveLength(2);
    expect(warnings.join('\n')).not.toContain(written.trim());
  });

  it('prefers a key given in the demo too, making no demo file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-mk-'));
    const config = configIn(dir, { GATEHOUSE_DEMO_MAKE_MASTER_KEY: 'true' });
    loadSiteMasterKey(config, () => undefined, { [MASTER_KEY_ENV]: randomBytes(32).toString('base64') });
    expect(existsSync(demoMasterKeyFile(config))).toBe(false);
  });
});
