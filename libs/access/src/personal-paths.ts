import type { PersonalPart } from '@gatehouse/contracts';

/**
 * A cardholder's personal fields (issue 12): sealed under the person's key
 * wherever a journal entry holds them. Ids, states, levels, groups and the
 * privileged/watch-list flags stay in clear, as the decision path and the
 * permission matrix need them; card numbers too (the decisions' own record).
 */
export const CARDHOLDER_PERSONAL_FIELDS = [
  'name',
  'employeeNumber',
  'department',
  'directoryAccount',
] as const;

/** The personal part of a cardholder's change entry: `changes.<field>.from` and `.to` of each personal field. */
export const personalChanges = (
  personId: string,
  changes: Record<string, unknown>,
): PersonalPart | undefined => {
  const paths = CARDHOLDER_PERSONAL_FIELDS.filter((f) => f in changes).flatMap((f) => [
    `changes.${f}.from`,
    `changes.${f}.to`,
  ]);
  return paths.length > 0 ? { personId, paths } : undefined;
};

const recordPaths = new Map<string, string[]>();

/**
 * The personal part of an entry that holds a whole cardholder record under `at` (an import's `record`).
 * Every entry of an import names the same paths: one frozen list per `at`, not a list and four
 * strings per entry (10,000 of them alive until the import's commit, copied by every scavenge).
 */
export const personalRecord = (personId: string, at: string): PersonalPart => {
  let paths = recordPaths.get(at);
  if (!paths) {
    paths = Object.freeze(CARDHOLDER_PERSONAL_FIELDS.map((f) => `${at}.${f}`)) as string[];
    recordPaths.set(at, paths);
  }
  return { personId, paths };
};
