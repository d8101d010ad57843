import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { configJsonSchema, defaultsYaml } from './document';
import { envNameFor } from './env';
import { ConfigError, loadConfig, readSecret } from './loader';
import { secretProblems } from './secrets';

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

  const osdpSite = (name: string, reader: string) =>
    file(
      name,
      [
        'serial:',
        '  - id: osdp',
        '    path: /dev/ttyUSB0',
        '    protocol: osdp',
        '    readers:',
        `      - ${reader}`,
      ].join('\n'),
    );

  it('says what to do with a key written inline: a file or an environment variable', () => {
    const site = osdpSite('inline.yaml', "{ id: a, address: 1, scbk: '00112233445566778899aabbccddeeff' }");
    const problems = problemsOf(() => loadConfig({ siteFile: site, env: {} }));
    expect(problems).toEqual([
      expect.stringMatching(
        /^serial\.0\.readers\.0\.scbk: a secret is never written in the configuration itself: .*\{ file: .*\{ env: NAME \}/,
      ),
    ]);
  });

  it('does not say a reader in installMode and plainText has a key', () => {
    const site = osdpSite('install-plain.yaml', '{ id: a, address: 1, installMode: true, plainText: true }');
    const problems = problemsOf(() => loadConfig({ siteFile: site, env: {} })).join('\n');
    expect(problems).toMatch(
      /installMode installs a key on the reader and plainText runs it without one: choose one/,
    );
    expect(problems).not.toMatch(/with a key/);
  });

  it('reads every reader key as the start will: missing, short and non-hex files are named, the key never shown', () => {
    const good = file('good.key', '00112233445566778899aabbccddeeff\n');
    const short = file('short.key', '0011223344');
    const words = file('words.key', 'not-a-key-at-all-not-a-key-at-al');
    const site = file(
      'keys.yaml',
      [
        'serial:',
        '  - id: osdp',
        '    path: /dev/ttyUSB0',
        '    protocol: osdp',
        '    readers:',
        `      - { id: a, address: 1, scbk: { file: ${good} } }`,
        `      - { id: b, address: 2, scbk: { file: ${join(dir, 'missing.key')} } }`,
        `      - { id: c, address: 3, scbk: { file: ${short} } }`,
        `      - { id: d, address: 4, scbk: { file: ${words} } }`,
        '      - { id: e, address: 5, scbk: { env: KEY_E } }',
      ].join('\n'),
    );
    const problems = secretProblems(loadConfig({ siteFile: site, env: {} }), {});
    expect(problems).toEqual([
      `serial osdp, reader b, scbk: secret file ${join(dir, 'missing.key')}: cannot read (ENOENT)`,
      `serial osdp, reader c, scbk: the key in file ${short} is 10 hex digits; an OSDP key is 32 hex digits (16 bytes), made for example with \`openssl rand -hex 16\``,
      `serial osdp, reader d, scbk: the key in file ${words} is not hex digits; an OSDP key is 32 hex digits (16 bytes), made for example with \`openssl rand -hex 16\``,
      'serial osdp, reader e, scbk: secret variable KEY_E is not set',
    ]);
    expect(secretProblems(loadConfig({ siteFile: site, env: {} }), { KEY_E: '00'.repeat(16) })).toHaveLength(
      3,
    );
  });
});

describe('security profiles', () => {
  it('standard keeps every default as it was', () => {
    const c = loadConfig({ env: {} });
    expect(c.security.profile).toBe('standard');
    expect(c.auth).toMatchObject({
      sessionIdleMinutes: 30,
      lockoutThreshold: 5,
      lockoutMinutes: 15,
      passwordMinLength: 12,
      totpRequiredRoles: ['admin', 'responder'],
    });
    // Weak but valid values stay the site's choice.
    const weak = loadConfig({
      env: { GATEHOUSE_AUTH_SESSION_IDLE_MINUTES: '120', GATEHOUSE_AUTH_PASSWORD_MIN_LENGTH: '8' },
    });
    expect(weak.auth.sessionIdleMinutes).toBe(120);
  });

  it('pci raises the defaults the site did not set to the PCI DSS minimums', () => {
    const c = loadConfig({ env: { GATEHOUSE_SECURITY_PROFILE: 'pci' } });
    expect(c.auth).toMatchObject({
      sessionIdleMinutes: 15,
      lockoutThreshold: 5,
      lockoutMinutes: 30,
      passwordMinLength: 12,
    });
    expect([...c.auth.totpRequiredRoles].sort()).toEqual(['admin', 'facility-manager', 'responder']);
  });

  it('pci keeps stricter values the site set', () => {
    const c = loadConfig({
      env: {
        GATEHOUSE_SECURITY_PROFILE: 'pci',
        GATEHOUSE_AUTH_SESSION_IDLE_MINUTES: '10',
        GATEHOUSE_AUTH_LOCKOUT_MINUTES: '60',
        GATEHOUSE_AUTH_PASSWORD_MIN_LENGTH: '16',
      },
    });
    expect(c.auth).toMatchObject({ sessionIdleMinutes: 10, lockoutMinutes: 60, passwordMinLength: 16 });
  });

  it('pci refuses every weaker value the site set, naming key, value, requirement and where it came from', () => {
    const site = file(
      'pci-weak.yaml',
      [
        'security:',
        '  profile: pci',
        'auth:',
        '  sessionIdleMinutes: 30',
        '  lockoutThreshold: 11',
        '  lockoutMinutes: 29',
        '  totpRequiredRoles: [admin]',
      ].join('\n'),
    );
    const problems = problemsOf(() =>
      loadConfig({ siteFile: site, env: { GATEHOUSE_AUTH_PASSWORD_MIN_LENGTH: '10' } }),
    );
    expect(problems).toEqual([
      `auth.sessionIdleMinutes: 30 is weaker than security.profile pci allows: PCI DSS 8.2.8 asks for at most 15 minutes of idle session (from ${site})`,
      `auth.lockoutThreshold: 11 is weaker than security.profile pci allows: PCI DSS 8.3.4 asks for a lockout after at most 10 failed attempts (from ${site})`,
      `auth.lockoutMinutes: 29 is weaker than security.profile pci allows: PCI DSS 8.3.4 asks for a lockout of at least 30 minutes (from ${site})`,
      'auth.passwordMinLength: 10 is weaker than security.profile pci allows: PCI DSS 8.3.6 asks for passwords of at least 12 characters (from GATEHOUSE_AUTH_PASSWORD_MIN_LENGTH)',
      `auth.totpRequiredRoles: ["admin"] is weaker than security.profile pci allows: PCI DSS 8.4 asks for a second factor for every role with administrative access (admin, facility-manager) (from ${site})`,
    ]);
  });

  it('pci takes a whole auth section written without a defaults file as set by the site', () => {
    const site = file('pci-section.yaml', 'security:\n  profile: pci\nauth:\n  sessionIdleMinutes: 20\n');
    const defaults = file('empty-defaults.yaml', '{}\n');
    expect(problemsOf(() => loadConfig({ siteFile: site, defaultsFile: defaults, env: {} }))).toEqual([
      expect.stringContaining('auth.sessionIdleMinutes: 20'),
    ]);
  });
});

describe('correlation lock webhook', () => {
  const site = (text: string) => file('lock.yaml', `correlation:\n  lockWebhook:\n${text}`);
  it('is off by default, and on only for session-after-badge-out', () => {
    const c = loadConfig({ env: {} });
    expect(c.correlation.lockWebhook).toMatchObject({ enabled: false, rules: ['session-after-badge-out'] });
  });

  it('refuses an enabled one without a secret or url, or with plain http off loopback, naming the key', () => {
    const noSecret = problemsOf(() =>
      loadConfig({ siteFile: site('    enabled: true\n    url: https://agents.example/lock\n'), env: {} }),
    );
    expect(noSecret.join('\n')).toMatch(/correlation\.lockWebhook\.secret: .*needs a secret/);
    const noUrl = problemsOf(() =>
      loadConfig({ siteFile: site('    enabled: true\n    secret: { env: LOCK_KEY }\n'), env: {} }),
    );
    expect(noUrl.join('\n')).toMatch(/correlation\.lockWebhook\.url: .*valid url/);
    const plain = problemsOf(() =>
      loadConfig({
        siteFile: site('    enabled: true\n    url: http://10.0.0.5/lock\n    secret: { env: LOCK_KEY }\n'),
        env: {},
      }),
    );
    expect(plain.join('\n')).toMatch(/correlation\.lockWebhook\.url: .*must be https/);
    const rule = problemsOf(() => loadConfig({ siteFile: site('    rules: [denial-burst]\n'), env: {} }));
    expect(rule.join('\n')).toMatch(/correlation\.lockWebhook\.rules/);
    const loopback = loadConfig({
      siteFile: site('    enabled: true\n    url: http://127.0.0.1:9/lock\n    secret: { env: LOCK_KEY }\n'),
      env: {},
    });
    expect(loopback.correlation.lockWebhook.enabled).toBe(true);
  });

  it('refuses at start a secret that is missing or short, never showing it', () => {
    const c = loadConfig({
      siteFile: site(
        '    enabled: true\n    url: https://agents.example/lock\n    secret: { env: LOCK_KEY }\n',
      ),
      env: {},
    });
    expect(secretProblems(c, {})).toEqual(['secret variable LOCK_KEY is not set']);
    const short = secretProblems(c, { LOCK_KEY: 'hunter2' });
    expect(short).toEqual([expect.stringMatching(/lockWebhook\.secret: shorter than 16/)]);
    expect(short.join('')).not.toContain('hunter2');
    expect(secretProblems(c, { LOCK_KEY: 'a'.repeat(32) })).toEqual([]);
  });
});
