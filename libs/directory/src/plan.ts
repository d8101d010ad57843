import type { DirectoryAnswer, DirectoryPerson } from './answer';

/**
 * A cardholder as the sync compares it (the fields of access's Cardholder it
 * reads): the gateway hands them over, this lib imports no context.
 */
export interface SyncCardholder {
  id: string;
  name: string;
  department: string | null;
  directoryAccount: string | null;
  state: 'active' | 'suspended' | 'left';
  levelIds: readonly string[];
}

/** A cardholder's changes the directory asks for: only the fields it differs in. */
export interface PersonUpdate {
  cardholderId: string;
  patch: { name?: string; department?: string | null; levelIds?: string[] };
}

export interface Leaver {
  cardholderId: string;
  /** Disabled in the directory, or gone from it (linked before, missing from a complete answer). */
  reason: 'disabled' | 'removed';
  /** The account the directory knew (personal: journaled sealed); null when removed. */
  account: string | null;
}

/** A directory account that maps to no cardholder: listed for an operator to map. */
export interface Unmapped {
  account: string;
  name: string | null;
  disabled: boolean;
}

export interface Refusal {
  reason: 'empty-answer' | 'too-many-leavers';
  leavers: number;
  linked: number;
  allowed: number;
}

export interface SyncPlan {
  updates: PersonUpdate[];
  leavers: Leaver[];
  unmapped: Unmapped[];
  /** Cardholders found (enabled) in this answer: the new links. */
  linked: string[];
  /** People back in the directory (enabled) whom an earlier sync or an operator marked as left: listed, not reinstated. */
  returned: string[];
  /** Entries with no account a login could name (no sAMAccountName / uid): counted, not matched. */
  withoutAccount: number;
  /** Set when the answer must not be applied: nothing in the plan is then. */
  refused: Refusal | null;
}

export interface PlanInput {
  answer: DirectoryAnswer;
  cardholders: Iterable<SyncCardholder>;
  /** An account's matching key (the one logins use: `corp\\ann`), or null for no account. */
  accountKey: (account: string | null) => string | null;
  /** Cardholders a previous good sync found in the directory. */
  linkedBefore: ReadonlySet<string>;
  groupLevels: Readonly<Record<string, readonly string[]>>;
  levelExists: (id: string) => boolean;
  safety: { maxLeaverFraction: number; alwaysAllow: number };
}

const keysOf = (p: DirectoryPerson, key: PlanInput['accountKey']): string[] =>
  p.accounts.flatMap((a) => key(a) ?? []);

/**
 * What one directory answer changes, worked out before anything is written:
 * people matched by account (the cardholder's `directoryAccount`, the keys
 * logins use), their name, department and the levels their groups map to;
 * leavers (disabled, or linked before and now missing); accounts that map to
 * nobody. A plan that would make leavers of more than the configured share of
 * the linked people, or that rests on an empty answer, is refused whole: an
 * outage or a wrong base DN looks exactly like everyone leaving.
 */
export const planSync = (input: PlanInput): SyncPlan => {
  const { answer } = input;
  const byKey = new Map<string, SyncCardholder>();
  for (const c of input.cardholders) {
    const key = input.accountKey(c.directoryAccount);
    if (!key) continue;
    // Two cardholders naming one account: the first by id, as the login identity map does.
    const held = byKey.get(key);
    if (!held || c.id < held.id) byKey.set(key, c);
  }
  const groupLevels = new Map(
    Object.entries(input.groupLevels).map(([g, levels]) => [
      g.toLowerCase(),
      levels.filter(input.levelExists),
    ]),
  );
  const managed = new Set([...groupLevels.values()].flat());
  const updates: PersonUpdate[] = [];
  const leavers: Leaver[] = [];
  const unmapped: Unmapped[] = [];
  const linked = new Set<string>();
  const returned: string[] = [];
  const seen = new Set<string>();
  let withoutAccount = 0;
  for (const person of answer.people) {
    if (keysOf(person, input.accountKey).length === 0) {
      withoutAccount += 1;
      continue;
    }
    const c = keysOf(person, input.accountKey)
      .map((k) => byKey.get(k))
      .find((x) => x !== undefined);
    if (!c) {
      unmapped.push({ account: person.accounts[0]!, name: person.name, disabled: person.disabled });
      continue;
    }
    if (seen.has(c.id)) continue; // two entries for one person: the first wins
    seen.add(c.id);
    if (person.disabled) {
      if (c.state !== 'left')
        leavers.push({ cardholderId: c.id, reason: 'disabled', account: person.accounts[0]! });
      continue;
    }
    linked.add(c.id);
    if (c.state === 'left') {
      returned.push(c.id);
      continue;
    }
    const patch: PersonUpdate['patch'] = {};
    if (person.name && person.name !== c.name) patch.name = person.name;
    if (person.department !== c.department && person.department !== null)
      patch.department = person.department;
    if (managed.size > 0) {
      const granted = new Set(person.groups.flatMap((g) => groupLevels.get(g) ?? []));
      const levelIds = [...c.levelIds.filter((l) => !managed.has(l)), ...[...granted].sort()];
      const same =
        levelIds.length === c.levelIds.length &&
        [...levelIds].sort().join() === [...c.levelIds].sort().join();
      if (!same) patch.levelIds = levelIds;
    }
    if (Object.keys(patch).length > 0) updates.push({ cardholderId: c.id, patch });
  }
  const active = new Map([...byKey.values()].map((c) => [c.id, c]));
  for (const id of [...input.linkedBefore].sort()) {
    const c = active.get(id);
    if (c && c.state !== 'left' && !seen.has(id))
      leavers.push({ cardholderId: id, reason: 'removed', account: null });
  }
  const linkedCount = Math.max(input.linkedBefore.size, linked.size + leavers.length);
  const allowed = Math.max(
    input.safety.alwaysAllow,
    Math.floor(input.safety.maxLeaverFraction * linkedCount),
  );
  let refused: Refusal | null = null;
  if (answer.people.length === 0 && input.linkedBefore.size > 0)
    refused = { reason: 'empty-answer', leavers: leavers.length, linked: linkedCount, allowed };
  else if (leavers.length > allowed)
    refused = { reason: 'too-many-leavers', leavers: leavers.length, linked: linkedCount, allowed };
  return { updates, leavers, unmapped, linked: [...linked].sort(), returned, withoutAccount, refused };
};
