import { configSchema } from './schema';

const directory = (section: unknown) => configSchema.safeParse({ directory: section });
const problems = (section: unknown) => {
  const r = directory(section);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('the directory section', () => {
  it('is off by default, every five minutes, refusing more than a tenth as leavers at once', () => {
    const r = configSchema.parse({});
    expect(r.directory).toMatchObject({
      enabled: false,
      intervalSeconds: 300,
      safety: { maxLeaverFraction: 0.1, alwaysAllow: 3 },
      groupLevels: {},
    });
  });

  it('names what an enabled sync lacks, and refuses a password written inline', () => {
    expect(problems({ enabled: true, bindDn: 'cn=gatehouse,dc=corp' })).toEqual([
      'directory.baseDn: a directory sync needs baseDn',
      'directory.bindPassword: bindDn needs bindPassword ({ file } or { env })',
    ]);
    expect(
      problems({ enabled: true, baseDn: 'dc=corp', bindDn: 'cn=x', bindPassword: 'hunter2' })[0],
    ).toMatch(/^directory\.bindPassword: a secret is never written in the configuration itself/);
    expect(problems({ url: 'http://dc1' })[0]).toMatch(
      /^directory\.url: ldap:\/\/host:port or ldaps:\/\/host:port/,
    );
    expect(problems({ intervalSeconds: 5 })[0]).toMatch(/^directory\.intervalSeconds/);
    expect(problems({ safety: { maxLeaverFraction: 2 } })[0]).toMatch(
      /^directory\.safety\.maxLeaverFraction/,
    );
  });

  it('takes a site’s directory', () => {
    const r = directory({
      enabled: true,
      kind: 'openldap',
      url: 'ldaps://ldap.corp.example:636',
      bindDn: 'cn=gatehouse,ou=services,dc=corp,dc=example',
      bindPassword: { file: '/etc/gatehouse/ldap-password' },
      caFile: '/etc/gatehouse/ldap-ca.pem',
      baseDn: 'ou=people,dc=corp,dc=example',
      disabledFilter: '(pwdAccountLockedTime=*)',
      groupLevels: { 'door-staff': ['staff'] },
    });
    expect(r.success).toBe(true);
  });
});
