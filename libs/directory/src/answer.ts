/** One person as the directory answered: what the sync compares with the cardholders. */
export interface DirectoryPerson {
  /** The entry's DN, lower case with spaces after separators removed (a DN compares case-insensitively). */
  dn: string;
  /** Accounts as a login names them: `CORP\ann`, `ann@corp.example`, or a bare `ann`. */
  accounts: string[];
  name: string | null;
  department: string | null;
  employeeNumber: string | null;
  /** Disabled in the directory (AD userAccountControl bit 2, or the configured disabled filter). */
  disabled: boolean;
  /** Groups the person is a member of, as lower-case cn and DN each. */
  groups: string[];
}

/** A complete answer: every person under the base that matched the filter, read in one sync. */
export interface DirectoryAnswer {
  people: DirectoryPerson[];
  /** Groups read (members counted into `people[].groups`). */
  groupCount: number;
}

export const FAULT_KINDS = [
  'unreachable',
  'tls',
  'bind-refused',
  'timeout',
  'search-failed',
  'partial',
  // The bind password or CA file could not be read (removed or unreadable since the start checked it).
  'secrets',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Why a sync could not read the directory. The message names the server and
 * the LDAP result, never the password (ldapts does not echo it; we add nothing
 * that holds it).
 */
export class DirectoryFault extends Error {
  constructor(
    readonly kind: FaultKind,
    message: string,
  ) {
    super(message);
    this.name = 'DirectoryFault';
  }
}

/** `CN=Ann Archer, OU=People,DC=corp` and `cn=ann archer,ou=people,dc=corp` are one DN. */
export const dnKey = (dn: string): string =>
  dn
    .trim()
    .toLowerCase()
    .replace(/\s*([,=+])\s*/g, '$1');
