import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '@gatehouse/config';
import { freePort } from '../../../test/support/gateway';
import {
  adUserLdif,
  ADMIN_DN,
  ADMIN_PASSWORD,
  baseLdif,
  groupLdif,
  personLdif,
  type Slapd,
  startSlapd,
  SUFFIX,
} from '../../../test/support/slapd';
import { DirectoryFault, type DirectorySettings, readDirectory } from '../src';

/** The reader against a real OpenLDAP slapd: plain, LDAPS with a test CA, and each way it can fail. */
describe('reading an OpenLDAP directory', () => {
  let dir: string;
  let slapd: Slapd;
  let ca: string;

  const settings = (over: Record<string, unknown> = {}): DirectorySettings =>
    configSchema.parse({
      directory: {
        enabled: true,
        kind: 'openldap',
        url: slapd.url,
        bindDn: ADMIN_DN,
        bindPassword: { env: 'UNUSED' },
        baseDn: `ou=people,${SUFFIX}`,
        groupBaseDn: `ou=groups,${SUFFIX}`,
        domain: 'CORP',
        disabledFilter: '(pwdAccountLockedTime=*)',
        attributes: { employeeNumber: 'employeeNumber', department: 'ou' },
        timeoutSeconds: 3,
        pageSize: 10,
        ...over,
      },
    }).directory;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-slapd-'));
    slapd = await startSlapd(dir, await freePort(), await freePort());
    ca = readFileSync(slapd.caFile, 'utf8');
    const people = Array.from({ length: 25 }, (_, i) => personLdif(`p${i}`, `Person ${i}`, 'Staff', `E${i}`));
    slapd.modify(
      [
        baseLdif(),
        personLdif('ann', 'Ann Archer', 'Security', 'E100'),
        personLdif('bob', 'Bob Baker', 'Facilities', 'E101'),
        ...people,
        groupLdif('door-staff', ['ann', 'bob']),
        groupLdif('server-room', ['ann']),
        `dn: ou=ad,${SUFFIX}\nchangetype: add\nobjectClass: organizationalUnit\nou: ad\n`,
        adUserLdif(`ou=ad,${SUFFIX}`, 'carl', 'Carl Cole', {
          memberOf: [`CN=Door Staff,OU=Groups,${SUFFIX}`],
        }),
        adUserLdif(`ou=ad,${SUFFIX}`, 'dina', 'Dina Dale', { disabled: true }),
        `dn: uid=bob,ou=people,${SUFFIX}\nchangetype: modify\nreplace: pwdAccountLockedTime\npwdAccountLockedTime: 000001010000Z\n`,
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await slapd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads people with their accounts, groups and state, over more than one page', async () => {
    const answer = await readDirectory(settings(), { password: ADMIN_PASSWORD, ca: null });
    expect(answer.people).toHaveLength(27);
    expect(answer.groupCount).toBe(2);
    const ann = answer.people.find((p) => p.accounts[0] === 'CORP\\ann')!;
    expect(ann).toEqual({
      dn: `uid=ann,ou=people,${SUFFIX}`,
      accounts: ['CORP\\ann', 'ann@corp.example'],
      name: 'Ann Archer',
      department: 'Security',
      employeeNumber: 'E100',
      disabled: false,
      groups: expect.arrayContaining(['door-staff', 'server-room', `cn=door-staff,ou=groups,${SUFFIX}`]),
    });
    expect(answer.people.find((p) => p.accounts[0] === 'CORP\\bob')!.disabled).toBe(true);
  });

  it('reads Active Directory users: sAMAccountName, userPrincipalName, memberOf, userAccountControl bit 2', async () => {
    const ad = settings({
      kind: 'active-directory',
      baseDn: `ou=ad,${SUFFIX}`,
      // slapd holds objectCategory as a DN, not AD's `person` shorthand: the site's filter says so.
      userFilter: '(objectClass=user)',
      disabledFilter: '',
      attributes: {},
    });
    const answer = await readDirectory(ad, { password: ADMIN_PASSWORD, ca: null });
    expect(
      answer.people.map((p) => [p.accounts, p.name, p.department, p.employeeNumber, p.disabled]),
    ).toEqual([
      [['CORP\\carl', 'carl@corp.example'], 'Carl Cole', 'Staff', 'AD-carl', false],
      [['CORP\\dina', 'dina@corp.example'], 'Dina Dale', 'Staff', 'AD-dina', true],
    ]);
    expect(answer.people[0]!.groups).toEqual([`cn=door staff,ou=groups,${SUFFIX}`, 'door staff']);
  });

  it('reads over LDAPS with the configured CA, and refuses a server its CA did not sign', async () => {
    const tls = settings({ url: slapd.ldapsUrl, caFile: slapd.caFile });
    const answer = await readDirectory(tls, { password: ADMIN_PASSWORD, ca });
    expect(answer.people).toHaveLength(27);
    const refused = await readDirectory(tls, { password: ADMIN_PASSWORD, ca: null }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DirectoryFault);
    expect((refused as DirectoryFault).kind).toBe('tls');
  });

  it('a wrong password is a refused bind, and the message does not hold the password', async () => {
    const wrong = 'not-the-password-42';
    const fault = (await readDirectory(settings(), { password: wrong, ca: null }).catch(
      (e: unknown) => e,
    )) as DirectoryFault;
    expect(fault).toBeInstanceOf(DirectoryFault);
    expect(fault.kind).toBe('bind-refused');
    expect(fault.message).toContain('49');
    expect(fault.message).not.toContain(wrong);
  });

  it('a server that is not there is unreachable', async () => {
    const port = await freePort();
    const fault = (await readDirectory(settings({ url: `ldap://127.0.0.1:${port}` }), {
      password: ADMIN_PASSWORD,
      ca: null,
    }).catch((e: unknown) => e)) as DirectoryFault;
    expect(fault).toBeInstanceOf(DirectoryFault);
    expect(fault.kind).toBe('unreachable');
  });

  it('a base that does not exist, a broken filter, or more entries than allowed fail the read', async () => {
    const secrets = { password: ADMIN_PASSWORD, ca: null };
    const missing = (await readDirectory(settings({ baseDn: `ou=nobody,${SUFFIX}` }), secrets).catch(
      (e: unknown) => e,
    )) as DirectoryFault;
    expect(missing.kind).toBe('search-failed');
    const broken = (await readDirectory(settings({ userFilter: '(&(uid=*)' }), secrets).catch(
      (e: unknown) => e,
    )) as DirectoryFault;
    expect(broken).toBeInstanceOf(DirectoryFault);
    expect(broken.kind).toBe('search-failed');
    const many = (await readDirectory(settings({ maxEntries: 20 }), secrets).catch(
      (e: unknown) => e,
    )) as DirectoryFault;
    expect(many.kind).toBe('partial');
  });

  /** A loopback server that accepts and then does `behave` with each connection. */
  const fakeServer = async (behave: (socket: Socket) => void): Promise<{ url: string; server: Server }> => {
    const server = createServer(behave);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return { url: `ldap://127.0.0.1:${address.port}`, server };
  };

  it('a server that accepts and never answers times out; one that answers garbage fails the read, without a crash', async () => {
    const sockets: Socket[] = [];
    const silent = await fakeServer((s) => sockets.push(s));
    const garbage = await fakeServer((s) => {
      s.on('data', () => s.end(Buffer.from('30ff0201ffdeadbeef0000', 'hex')));
      s.on('error', () => undefined);
    });
    try {
      const secrets = { password: ADMIN_PASSWORD, ca: null };
      const hung = (await readDirectory(settings({ url: silent.url, timeoutSeconds: 1 }), secrets).catch(
        (e: unknown) => e,
      )) as DirectoryFault;
      expect(hung).toBeInstanceOf(DirectoryFault);
      expect(hung.kind).toBe('timeout');
      const bad = (await readDirectory(settings({ url: garbage.url, timeoutSeconds: 1 }), secrets).catch(
        (e: unknown) => e,
      )) as DirectoryFault;
      expect(bad).toBeInstanceOf(DirectoryFault);
      // ldapts drops what it cannot parse; the server then closing is what it reports.
      expect(bad.kind).toBe('unreachable');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.server.close(r));
      await new Promise((r) => garbage.server.close(r));
    }
  });
});
