import { ROLE_NAMES } from '@gatehouse/config';

export type Role = (typeof ROLE_NAMES)[number];
export const ROLES: readonly Role[] = ROLE_NAMES;
/** Roles of machines, given to API tokens only: a login agent, a workstation asking about its own logins. */
export const MACHINE_ROLES: readonly Role[] = ['login-source', 'workstation'];
/** The roles a person (an operator) may hold. */
export const PERSON_ROLES: readonly Role[] = ROLES.filter((r) => !MACHINE_ROLES.includes(r));
export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/**
 * Which journal categories (an entry type's first segment) each role may read,
 * in the journal search and the live stream alike. Deny by default: a category
 * no role lists is seen only by the roles marked `all`. Later issues add their
 * categories here in the same change that introduces them.
 */
const VISIBILITY: Record<Role, 'all' | readonly string[]> = {
  admin: 'all',
  auditor: 'all',
  responder: 'all',
  guard: [
    'access',
    'door',
    'alarm',
    'reader',
    'sensor',
    'camera',
    'visitor',
    'note',
    'correlation',
    'presence',
    // Logins refused or stepped up at the desks: the guard's to follow up.
    'gating',
  ],
  'facility-manager': [
    'access',
    'door',
    'alarm',
    'reader',
    'sensor',
    'cardholder',
    'credential',
    'level',
    'schedule',
    'zone',
    'note',
    'presence',
    'directory',
    // The workstations they placed in zones.
    'workstation',
  ],
  reception: ['visitor', 'note'],
  // Erasures and the requests behind them; not the movements of the people erased.
  'privacy-officer': ['privacy'],
  // A login agent posts; it reads nothing back.
  'login-source': [],
  // A workstation asks one question about its own logins; it reads nothing back.
  workstation: [],
};

/** Each role's journal categories, for docs/permissions.md. */
export const journalVisibility = (): Readonly<Record<Role, 'all' | readonly string[]>> => VISIBILITY;

/** The union over the operator's roles; `undefined` means every category. */
export const visibleCategories = (roles: readonly Role[]): readonly string[] | undefined => {
  const set = new Set<string>();
  for (const role of roles) {
    const v = VISIBILITY[role];
    if (v === 'all') return undefined;
    v.forEach((c) => set.add(c));
  }
  return [...set].sort();
};

export const canSeeCategory = (roles: readonly Role[], category: string): boolean => {
  const visible = visibleCategories(roles);
  return visible === undefined || visible.includes(category);
};
