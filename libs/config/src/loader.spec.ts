import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { configJsonSchema, defaultsYaml } from './document';
import { envNameFor } from './env';
import { ConfigError, loadConfig, readSecret } from './loader';

const dir = mkdtempSync(join(tmpdir(), 'gh-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration loader', () => {
  it('gives every key its default, with GATEHOUSE_HTTP_PORT and GATEHOUSE_DATA_DIR', () => {
    const c = loadConfig({ env: {}, cwd: '/srv/gh' });
    expect(c.http.port).toBe(8080);
    expect(c.dataDir).toBe('data');
    expect(c.resolved.sqlitePath).toBe('/srv/gh/data/gatehouse.db');
    expect(envNameFor(['http', 'port'])).toBe('GATEHOUSE_HTTP_PORT');
    expect(envNameFor(['dataDir'])).toBe('GATEHOUSE_DATA_DIR');
  });

  it('layers defaults, the site file and environment variables, in that order', () => {
    const site = file('site.yaml', 'site:\n  name: Docks\nhttp:\n  port: 9000\n  host: 0.0.0.0\n');
    const c = loadConfig({
      siteFile: site,
      env: { GATEHOUSE_HTTP_PORT: '9100', GATEHOUSE_AUTH_TOTP_REQUIRED_ROLES: 'admin,guard' },
    });
    expect(c.site.name).toBe('Docks');
    expect(c.http.host).toBe('0.0.0.0');
    expect(c.http.port).toBe(9100);
    expect(c.auth.totpRequiredRoles).toEqual(['admin', 'guard']);
    expect(c.resolved.sources).toContain(site);
  });

  it('names the key, the reason and where the bad value came from', () => {
    const site = file(
      'bad.yaml',
      'http:\n  port: "eighty"\n  colour: red\nstorage:\n  synchronous: sometimes\n',
    );
    const problems = problemsOf(() =>
      loadConfig({ siteFile: site, env: { GATEHOUSE_AUTH_LOCKOUT_THRESHOLD: '0' } }),
    );
    expect(problems.join('\n')).toMatch(/http\.port: .*expected number.*\(from .*bad\.yaml\)/);
    expect(problems).toContainEqual(
      expect.stringMatching(/^http\.colour: unknown key \(from .*bad\.yaml\)$/),
    );
    expect(problems.join('\n')).toMatch(/storage\.synchronous: .*\(from .*bad\.yaml\)/);
    expect(problems.join('\n')).toMatch(
      /auth\.lockoutThreshold: .*\(from GATEHOUSE_AUTH_LOCKOUT_THRESHOLD\)/,
    );
  });

  it('refuses a top level that is not a mapping, and TLS with only one half', () => {
    expect(problemsOf(() => loadConfig({ siteFile: file('list.yaml', '- a\n- b\n'), env: {} }))[0]).toContain(
      'must be a mapping',
    );
    expect(problemsOf(() => loadConfig({ env: { GATEHOUSE_HTTP_TLS_CERT_FILE: '/x.pem' } }))[0]).toContain(
      'go together',
    );
  });

  it('reads secrets from files or the environment, never inline', () => {
    const secret = file('secret.txt', 's3cret\n');
    expect(readSecret({ file: secret })).toBe('s3cret');
    expect(readSecret({ env: 'MQTT_PASSWORD' }, { MQTT_PASSWORD: 'from-env' })).toBe('from-env');
    expect(() => readSecret({ env: 'MISSING' }, {})).toThrow(ConfigError);
    expect(() => readSecret({ file: join(dir, 'nope') })).toThrow(/cannot read/);
  });

  it('keeps config/default.yaml and config/schema.json generated from the schema', () => {
    const root = resolve(__dirname, '..', '..', '..');
    expect(readFileSync(join(root, 'config', 'default.yaml'), 'utf8')).toBe(defaultsYaml());
    expect(JSON.parse(readFileSync(join(root, 'config', 'schema.json'), 'utf8'))).toEqual(configJsonSchema());
  });

  it('accepts the shipped demo site', () => {
    const root = resolve(__dirname, '..', '..', '..');
    expect(loadConfig({ siteFile: join(root, 'config', 'demo-site.yaml'), env: {} }).site.name).toBe(
      'Demo site',
    );
  });

  it('refuses serial readers that would be unsafe or ambiguous, naming each', () => {
    const site = file(
      'serial.yaml',
      [
        'serial:',
        '  - id: osdp',
        '    path: /dev/ttyUSB0',
        '    protocol: osdp',
        '    readers:',
        '      - { id: a, address: 1 }',
        '      - { id: b, address: 1, scbk: { env: KEY_B }, plainText: true }',
        '    relays: [{ relay: 0, address: 9, door: d }]',
        '  - id: bridge',
        '    path: /dev/ttyUSB1',
        '    protocol: bridge',
        '    readers: [{ id: a, address: 2 }]',
        '    inputs: [{ input: 4, sensor: s, door: d, role: contact }]',
      ].join('\n'),
    );
    const problems = problemsOf(() => loadConfig({ siteFile: site, env: {} })).join('\n');
    expect(problems).toMatch(
      /OSDP reader a has no key: give it scbk, set installMode: true for a key the gateway makes and installs, or plainText: true/,
    );
    expect(problems).toMatch(/address 1 is used twice/);
    expect(problems).toMatch(/a reader with a key does not run in plain text/);
    expect(problems).toMatch(/no reader at address 9 on this port/);
    expect(problems).toMatch(/the bridge has readers 0 and 1/);
    expect(problems).toMatch(/the bridge has inputs 0 to 3/);
    expect(problems).toMatch(/reader a is configured twice/);
  });
});
