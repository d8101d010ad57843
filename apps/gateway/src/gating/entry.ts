import type { Actor, JournalEntryInput, JsonObject, SubjectRef } from '@gatehouse/contracts';
import type { GatingAnswer, Unreachable } from '@gatehouse/gating';

/** The entries of answered questions (each holds its nonce, read back at start). */
export const GATING_ENTRY_TYPES = ['gating.allow', 'gating.deny', 'gating.step-up'] as const;

/** One answered question, as the journal keeps it. */
export interface GatingRecord {
  host: string;
  group: string;
  answer: GatingAnswer;
  onUnreachable: Unreachable;
  /** The account name, for a mapped person only: sealed under their key (`personal`). */
  account: string | null;
  personId: string | null;
  /** For an account that maps to nobody: its keyed digest, never the name. */
  accountDigest: string | null;
  service: string | null;
  rhost: string | null;
  remoteClass: string | null;
  nonce: string | null;
}

/**
 * `gating.allow`, `gating.deny` or `gating.step-up`: the question and its
 * answer in one entry. The account name is personal data: it is in the one
 * field `account`, sealed by the journal under the person's key; an account
 * that maps to nobody has no key to seal under, so only its digest is kept.
 */
export const gatingEntry = (r: GatingRecord, actor: Actor): JournalEntryInput => {
  const subjects: SubjectRef[] = [{ kind: 'workstation', id: r.host }];
  if (r.personId) subjects.unshift({ kind: 'person', id: r.personId });
  const payload: JsonObject = {
    decision: r.answer.decision,
    reason: r.answer.reason,
    host: r.host,
    group: r.group,
    onUnreachable: r.onUnreachable,
    account: r.account,
    accountDigest: r.accountDigest,
    personId: r.personId,
    service: r.service,
    rhost: r.rhost,
    remoteClass: r.remoteClass,
    nonce: r.nonce,
  };
  return {
    type: `gating.${r.answer.decision}`,
    source: `gating:${r.host}`,
    subjects,
    payload,
    actor,
    ...(r.personId && r.account !== null ? { personal: { personId: r.personId, paths: ['account'] } } : {}),
  };
};

/** A question refused before any decision (a token asking about another host, or an unplaced one). */
export const refusalEntry = (
  r: {
    host: string;
    reason: 'unplaced-workstation' | 'other-host';
    accountDigest: string | null;
    askedHost: string | null;
  },
  actor: Actor,
): JournalEntryInput => ({
  type: 'gating.refused',
  source: `gating:${r.host}`,
  subjects: [{ kind: 'workstation', id: r.host }],
  payload: { reason: r.reason, host: r.host, askedHost: r.askedHost, accountDigest: r.accountDigest },
  actor,
});

/**
 * `gating.rate-limited`: a workstation token went past its bucket. One entry
 * at the first refusal of a burst; the refusals after it are counted
 * (`gatehouse_gating_answers{outcome="rate-limited"}`), not journaled.
 */
export const rateLimitedEntry = (
  r: { host: string; perSecond: number; burst: number },
  actor: Actor,
): JournalEntryInput => ({
  type: 'gating.rate-limited',
  source: `gating:${r.host}`,
  subjects: [{ kind: 'workstation', id: r.host }],
  payload: { host: r.host, perSecond: r.perSecond, burst: r.burst },
  actor,
});
