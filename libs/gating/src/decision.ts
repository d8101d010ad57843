/**
 * Login gating: whether a person may log in at a workstation now, from facts
 * the gateway already holds (who the account is, where the person last
 * badged, how the login arrives). Pure: no clock, no store, no network; the
 * gateway gathers the facts and journals the answer.
 */

export const GATING_DECISIONS = ['allow', 'deny', 'step-up'] as const;
export type GatingDecision = (typeof GATING_DECISIONS)[number];

/**
 * Why. A code a workstation may show its user: none of them says where the
 * person is (an absent person and one badged into another zone both read
 * `not-present`), so a workstation learns only what it needs to let a login
 * through or not.
 */
export const GATING_REASONS = [
  'present',
  'break-glass',
  'remote-class',
  'unmapped-allowed',
  'not-present',
  'unknown-account',
  'not-active',
  'bad-account',
  'replayed',
  'stale',
] as const;
export type GatingReason = (typeof GATING_REASONS)[number];

export type Unreachable = 'open' | 'closed';

/** One workstation group's policy, compiled from `gating` (see `compilePolicy`). */
export interface GroupPolicy {
  name: string;
  /** What the workstation does when it cannot reach the gateway: told in every answer. */
  onUnreachable: Unreachable;
  /** Normalised account keys (`corp\root`, `root`) let in whatever presence says. */
  breakGlass: ReadonlySet<string>;
  /** Remote classes (jump host, VPN, ...) whose logins need no presence here. */
  remoteWithoutPresence: ReadonlySet<string>;
  whenAbsent: 'deny' | 'step-up';
  whenUnmapped: 'deny' | 'step-up' | 'allow';
  /** The domain an account without one is read in (PAM gives `ann`, the directory says `CORP\ann`). */
  domain: string | null;
  /** A badge-in older than this no longer counts as presence (nobody badges out of a fire door). */
  presenceMaxAgeMs: number;
}

/** What the gateway knows about one login question. */
export interface GatingFacts {
  /** The account's normalised key; null when the name could not be read as an account. */
  accountKey: string | null;
  /** The cardholder the account maps to, if any. */
  person: { state: 'active' | 'suspended' | 'left' } | null;
  /** Where the access engine last put the person, and when (epoch ms). */
  presence: { zone: string; at: number } | null;
  /** Zones that count as being at this workstation (its own zone unless configured). */
  acceptedZones: readonly string[];
  /** The remote class the login arrives through, if any (`remote-host`, `vpn`, ...). */
  remoteClass: string | null;
  /** The question's time is further from the gateway's clock than the replay window allows. */
  stale: boolean;
  /** The same question (its nonce) was asked before: an answer is never given twice. */
  replayed: boolean;
  now: number;
}

export interface GatingAnswer {
  decision: GatingDecision;
  reason: GatingReason;
}

const answer = (decision: GatingDecision, reason: GatingReason): GatingAnswer => ({ decision, reason });

/**
 * The decision. Order is the contract: a question out of its time, a replay and an unreadable account are
 * refused first; break-glass accounts are let in before anything that could
 * fail in an emergency (the directory, the badge system); then the person
 * must exist and be active; a remote class allowed without presence passes;
 * then fresh presence in an accepted zone; otherwise the group's answer for
 * an absent person.
 */
export const decide = (facts: GatingFacts, policy: GroupPolicy): GatingAnswer => {
  if (facts.stale) return answer('deny', 'stale');
  if (facts.replayed) return answer('deny', 'replayed');
  if (facts.accountKey === null) return answer('deny', 'bad-account');
  if (policy.breakGlass.has(facts.accountKey)) return answer('allow', 'break-glass');
  if (facts.person === null)
    return policy.whenUnmapped === 'allow'
      ? answer('allow', 'unmapped-allowed')
      : answer(policy.whenUnmapped, 'unknown-account');
  // A suspended person or a leaver is not stepped up: no second factor makes them staff again.
  if (facts.person.state !== 'active') return answer('deny', 'not-active');
  if (facts.remoteClass !== null && policy.remoteWithoutPresence.has(facts.remoteClass))
    return answer('allow', 'remote-class');
  const p = facts.presence;
  if (p && facts.acceptedZones.includes(p.zone) && facts.now - p.at <= policy.presenceMaxAgeMs)
    return answer('allow', 'present');
  return answer(policy.whenAbsent, 'not-present');
};
