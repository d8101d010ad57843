import { Client, type Entry, ResultCodeError } from 'ldapts';
import type { GatehouseConfig } from '@gatehouse/config';
import { type DirectoryAnswer, DirectoryFault, type DirectoryPerson, dnKey } from './answer';

export type DirectorySettings = GatehouseConfig['directory'];

/** What the reader needs besides the settings, read by the caller at each sync (a rotated password applies at once). */
export interface DirectorySecrets {
  password: string | null;
  /** PEM of the CA the server certificate must chain to; null trusts the system CAs. */
  ca: string | null;
}

/** AD's userAccountControl ACCOUNTDISABLE flag. */
const ACCOUNT_DISABLE = 0x2;

const DEFAULT_USER_FILTER = {
  'active-directory': '(&(objectCategory=person)(objectClass=user))',
  openldap: '(objectClass=inetOrgPerson)',
} as const;
const DEFAULT_GROUP_FILTER = {
  'active-directory': '(objectClass=group)',
  openldap: '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))',
} as const;

export const userFilterOf = (s: DirectorySettings): string => s.userFilter ?? DEFAULT_USER_FILTER[s.kind];
export const groupFilterOf = (s: DirectorySettings): string => s.groupFilter ?? DEFAULT_GROUP_FILTER[s.kind];

/**
 * A filter given bare (`pwdAccountLockedTime=*`) is wrapped, as ldapsearch
 * accepts it too. Parentheses must balance (a literal one is escaped `\28` in
 * a filter): ldapts reads `(&(uid=*)` as `(uid=*)`, which would widen a search
 * silently, so an unbalanced filter fails the run instead.
 */
const wrap = (filter: string): string => {
  const f = filter.trim().startsWith('(') ? filter.trim() : `(${filter.trim()})`;
  let depth = 0;
  for (const ch of f) {
    depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    if (depth < 0) break;
  }
  if (depth !== 0) throw new DirectoryFault('search-failed', `the filter ${f} has unbalanced parentheses`);
  return f;
};

const first = (entry: Entry, attribute: string): string | null => {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  if (!key) return null;
  const v = entry[key];
  const one = Array.isArray(v) ? v[0] : v;
  if (one === undefined) return null;
  const text = (Buffer.isBuffer(one) ? one.toString('utf8') : one).trim();
  return text === '' ? null : text;
};

const all = (entry: Entry, attribute: string): string[] => {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  if (!key) return [];
  const v = entry[key]!;
  return (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : x));
};

/** The first RDN's value of a DN: `cn=Door Staff,ou=groups` → `door staff`. */
const cnOf = (dn: string): string | null => /^[^=]+=((?:\\,|[^,])*)/.exec(dn)?.[1]?.toLowerCase() ?? null;

/** Accounts as logins name them; the domain as configured (NetBIOS) or none. */
const accountsOf = (entry: Entry, s: DirectorySettings): string[] => {
  const accounts: string[] = [];
  const user = first(entry, s.kind === 'active-directory' ? 'sAMAccountName' : 'uid');
  if (user) accounts.push(s.domain ? `${s.domain}\\${user}` : user);
  const principal = first(entry, s.kind === 'active-directory' ? 'userPrincipalName' : 'mail');
  if (principal && principal.includes('@')) accounts.push(principal);
  return accounts;
};

/** Turns what ldapts and the socket throw into the fault kinds a sync reports and alarms on. */
export const faultOf = (error: unknown, url: string, step: 'connect' | 'bind' | 'search'): DirectoryFault => {
  if (error instanceof DirectoryFault) return error;
  const e = error as NodeJS.ErrnoException & { code?: unknown };
  const message = e instanceof Error ? e.message : String(error);
  const code = typeof e.code === 'string' ? e.code : '';
  if (/timed? ?out/i.test(message) || code === 'ETIMEDOUT')
    return new DirectoryFault('timeout', `${url}: no answer in time (${step})`);
  if (
    code.startsWith('ERR_TLS') ||
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_SSL/.test(code) ||
    /certificate/i.test(message)
  )
    return new DirectoryFault('tls', `${url}: TLS refused (${code || message})`);
  if (step === 'bind' && error instanceof ResultCodeError)
    return new DirectoryFault(
      'bind-refused',
      `${url}: the bind was refused (LDAP result ${error.code}: ${error.message})`,
    );
  if (error instanceof ResultCodeError)
    return new DirectoryFault(
      'search-failed',
      `${url}: the search failed (LDAP result ${error.code}: ${error.message})`,
    );
  if (code || step === 'connect' || /socket|connect|closed/i.test(message))
    return new DirectoryFault('unreachable', `${url}: unreachable (${code || message})`);
  return new DirectoryFault('search-failed', `${url}: ${message}`);
};

/**
 * Reads the people and groups of one directory: bind, a paged search of
 * people, one of the disabled (when a filter is configured), one of groups.
 * Any failure (down, TLS, bind refused, a search cut short, more than
 * `maxEntries`) throws a DirectoryFault: the sync uses a complete answer or
 * none, since a partial one would look like people removed.
 */
export const readDirectory = async (
  s: DirectorySettings,
  secrets: DirectorySecrets,
): Promise<DirectoryAnswer> => {
  const client = new Client({
    url: s.url,
    timeout: s.timeoutSeconds * 1000,
    connectTimeout: s.timeoutSeconds * 1000,
    strictDN: false,
    ...(s.url.startsWith('ldaps:')
      ? { tlsOptions: { minVersion: 'TLSv1.2' as const, ...(secrets.ca ? { ca: secrets.ca } : {}) } }
      : {}),
  });
  let step: 'connect' | 'bind' | 'search' = 'bind';
  try {
    if (s.bindDn) await client.bind(s.bindDn, secrets.password ?? '');
    step = 'search';
    return await searchAll(client, s);
  } catch (error) {
    // ldapts connects on the first operation: a refused socket during the bind is a connect failure.
    const connectFailure = step === 'bind' && !(error instanceof ResultCodeError);
    throw faultOf(error, s.url, connectFailure ? 'connect' : step);
  } finally {
    await client.unbind().catch(() => undefined);
  }
};

const searchAll = async (client: Client, s: DirectorySettings): Promise<DirectoryAnswer> => {
  const a = s.attributes;
  const isAd = s.kind === 'active-directory';
  const attributes = [
    'cn',
    a.name,
    a.department,
    a.employeeNumber,
    ...(isAd ? ['sAMAccountName', 'userPrincipalName', 'userAccountControl', 'memberOf'] : ['uid', 'mail']),
  ];
  const userFilter = wrap(userFilterOf(s));
  const entries = await paged(client, s.baseDn, userFilter, attributes, s);
  const disabled = new Set<string>();
  if (s.disabledFilter) {
    const locked = await paged(client, s.baseDn, `(&${userFilter}${wrap(s.disabledFilter)})`, ['1.1'], s);
    for (const e of locked) disabled.add(dnKey(e.dn));
  }
  const groups = await paged(
    client,
    s.groupBaseDn || s.baseDn,
    wrap(groupFilterOf(s)),
    ['cn', 'member', 'uniqueMember'],
    s,
  );
  const groupsOf = new Map<string, string[]>();
  const join = (member: string, ...names: string[]) => {
    const key = dnKey(member);
    groupsOf.set(key, [...(groupsOf.get(key) ?? []), ...names]);
  };
  for (const g of groups) {
    const dn = dnKey(g.dn);
    const cn = first(g, 'cn')?.toLowerCase() ?? cnOf(dn);
    for (const m of [...all(g, 'member'), ...all(g, 'uniqueMember')]) join(m, dn, ...(cn ? [cn] : []));
  }
  const people: DirectoryPerson[] = entries.map((e) => {
    const dn = dnKey(e.dn);
    const control = Number(first(e, 'userAccountControl') ?? '0');
    const memberOf = all(e, 'memberOf').flatMap((g) => [dnKey(g), cnOf(dnKey(g)) ?? '']);
    return {
      dn,
      accounts: accountsOf(e, s),
      name: first(e, a.name) ?? first(e, 'cn'),
      department: first(e, a.department),
      employeeNumber: first(e, a.employeeNumber),
      disabled: disabled.has(dn) || (isAd && Number.isFinite(control) && (control & ACCOUNT_DISABLE) !== 0),
      groups: [...new Set([...(groupsOf.get(dn) ?? []), ...memberOf].filter(Boolean))],
    };
  });
  return { people, groupCount: groups.length };
};

/** One paged subtree search, bounded by `maxEntries` (more is refused as a partial answer). */
const paged = async (
  client: Client,
  base: string,
  filter: string,
  attributes: string[],
  s: DirectorySettings,
): Promise<Entry[]> => {
  const out: Entry[] = [];
  for await (const page of client.searchPaginated(base, {
    scope: 'sub',
    filter,
    attributes,
    paged: { pageSize: s.pageSize },
  })) {
    out.push(...page.searchEntries);
    if (out.length > s.maxEntries)
      throw new DirectoryFault(
        'partial',
        `${s.url}: more than ${s.maxEntries} entries under ${base}; raise directory.maxEntries`,
      );
  }
  return out;
};
