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

/** The personal part of an entry that holds a whole cardholder record under `at` (an import's `record`). */
export const personalRecord = (personId: string, at: string): PersonalPart => ({
  personId,
  paths: CARDHOLDER_PERSONAL_FIELDS.map((f) => `${at}.${f}`),
});
