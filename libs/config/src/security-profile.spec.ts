import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './loader';

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

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
    const dir = mkdtempSync(join(tmpdir(), 'gh-pci-'));
    const site = join(dir, 'site.yaml');
    writeFileSync(
      site,
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
    const dir = mkdtempSync(join(tmpdir(), 'gh-pci-'));
    const site = join(dir, 'site.yaml');
    writeFileSync(site, 'security:\n  profile: pci\nauth:\n  sessionIdleMinutes: 20\n');
    const defaults = join(dir, 'empty.yaml');
    writeFileSync(defaults, '{}\n');
    expect(problemsOf(() => loadConfig({ siteFile: site, defaultsFile: defaults, env: {} }))).toEqual([
      expect.stringContaining('auth.sessionIdleMinutes: 20'),
    ]);
  });
});
