import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { makeTls } from './broker';

/** The suffix, administrator and password of every test directory (a throwaway slapd in a temporary folder). */
export const SUFFIX = 'dc=corp,dc=example';
export const ADMIN_DN = `cn=admin,${SUFFIX}`;
export const ADMIN_PASSWORD = 'test-admin-secret';

export interface Slapd {
  url: string;
  ldapsUrl: string;
  /** The test CA that signed the LDAPS certificate (for 127.0.0.1). */
  caFile: string;
  /** Adds, changes or deletes entries as the administrator (LDIF through ldapmodify). */
  modify(ldif: string): void;
  stop(): Promise<void>;
  /** Starts it again on the same ports and data (after `stop`). */
  start(): Promise<void>;
}

const SLAPD = '/usr/sbin/slapd';

/**
 * A real OpenLDAP server of Debian's `slapd`, with its own minimal slapd.conf
 * (mdb backend, the ppolicy overlay for `pwdAccountLockedTime`, Debian's
 * msuser schema for Active Directory's attributes), on loopback
 * ports, plain and LDAPS with a test CA; foreground so that killing its pid
 * ends it. Missing slapd fails loudly: scripts/test-prerequisites.sh installs it.
 */
export const startSlapd = async (dir: string, port: number, ldapsPort: number): Promise<Slapd> => {
  if (!existsSync(SLAPD)) throw new Error('slapd is missing: apt-get install -y slapd ldap-utils');
  mkdirSync(join(dir, 'db'), { recursive: true });
  const tls = makeTls(dir);
  const conf = join(dir, 'slapd.conf');
  writeFileSync(
    conf,
    [
      // msuser: Debian's Active Directory schema (user, group, sAMAccountName, userAccountControl) for AD-shaped entries.
      ...['core', 'cosine', 'inetorgperson', 'nis', 'msuser'].map(
        (s) => `include /etc/ldap/schema/${s}.schema`,
      ),
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'moduleload ppolicy',
      `pidfile ${join(dir, 'slapd.pid')}`,
      `argsfile ${join(dir, 'slapd.args')}`,
      `TLSCACertificateFile ${tls.ca}`,
      `TLSCertificateFile ${tls.serverCert}`,
      `TLSCertificateKeyFile ${tls.serverKey}`,
      'database mdb',
      `suffix "${SUFFIX}"`,
      `rootdn "${ADMIN_DN}"`,
      `rootpw ${ADMIN_PASSWORD}`,
      `directory ${join(dir, 'db')}`,
      'maxsize 33554432',
      'overlay ppolicy',
      '',
    ].join('\n'),
  );
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = `ldaps://127.0.0.1:${ldapsPort}`;
  let child: ChildProcess | null = null;
  const start = async () => {
    const proc = spawn(SLAPD, ['-f', conf, '-h', `${url}/ ${ldapsUrl}/`, '-d', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child = proc;
    const deadline = Date.now() + 10_000;
    while (!(await listening(port))) {
      if (proc.exitCode !== null) throw new Error(`slapd exited: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`slapd did not listen on ${port}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const ended = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await ended;
    clearTimeout(timer);
  };
  const modify = (ldif: string) => {
    const r = spawnSync('ldapmodify', ['-x', '-H', url, '-D', ADMIN_DN, '-w', ADMIN_PASSWORD, '-c'], {
      input: ldif,
      encoding: 'utf8',
      timeout: 10_000,
    });
    if (r.status !== 0) throw new Error(`ldapmodify failed (${r.status}): ${r.stderr}`);
  };
  await start();
  return { url, ldapsUrl, caFile: tls.ca, modify, stop, start };
};

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/** LDIF adding the suffix, the people and groups organisational units. */
export const baseLdif = (): string =>
  [
    `dn: ${SUFFIX}`,
    'changetype: add',
    'objectClass: dcObject',
    'objectClass: organization',
    'o: Corp',
    'dc: corp',
    '',
    `dn: ou=people,${SUFFIX}`,
    'changetype: add',
    'objectClass: organizationalUnit',
    'ou: people',
    '',
    `dn: ou=groups,${SUFFIX}`,
    'changetype: add',
    'objectClass: organizationalUnit',
    'ou: groups',
    '',
  ].join('\n');

export const personLdif = (uid: string, name: string, department: string, employeeNumber: string) =>
  [
    `dn: uid=${uid},ou=people,${SUFFIX}`,
    'changetype: add',
    'objectClass: inetOrgPerson',
    `uid: ${uid}`,
    `cn: ${name}`,
    `sn: ${name.split(' ').pop()}`,
    `displayName: ${name}`,
    `ou: ${department}`,
    `employeeNumber: ${employeeNumber}`,
    `mail: ${uid}@corp.example`,
    '',
  ].join('\n');

export const groupLdif = (cn: string, memberUids: readonly string[]) =>
  [
    `dn: cn=${cn},ou=groups,${SUFFIX}`,
    'changetype: add',
    'objectClass: groupOfNames',
    `cn: ${cn}`,
    ...memberUids.map((u) => `member: uid=${u},ou=people,${SUFFIX}`),
    '',
  ].join('\n');

/**
 * An Active Directory user as slapd can hold one (msuser schema; sAMAccountName
 * is in no class there, hence extensibleObject): account, principal name,
 * userAccountControl (514 = disabled, 512 = normal), memberOf.
 */
export const adUserLdif = (
  base: string,
  sam: string,
  name: string,
  options: { disabled?: boolean; memberOf?: readonly string[]; department?: string } = {},
) =>
  [
    `dn: cn=${name},${base}`,
    'changetype: add',
    'objectClass: user',
    'objectClass: extensibleObject',
    `cn: ${name}`,
    `sn: ${name.split(' ').pop()}`,
    'instanceType: 4',
    'nTSecurityDescriptor: AA==',
    `objectCategory: CN=Person,CN=Schema,CN=Configuration,${SUFFIX}`,
    `sAMAccountName: ${sam}`,
    `userPrincipalName: ${sam}@corp.example`,
    `userAccountControl: ${options.disabled ? 514 : 512}`,
    `displayName: ${name}`,
    `department: ${options.department ?? 'Staff'}`,
    `employeeID: AD-${sam}`,
    ...(options.memberOf ?? []).map((g) => `memberOf: ${g}`),
    '',
  ].join('\n');
