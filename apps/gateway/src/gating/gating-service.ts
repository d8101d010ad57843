import { createHmac } from 'node:crypto';
import type { Cardholder } from '@gatehouse/access';
import type { GatehouseConfig } from '@gatehouse/config';
import {
  type Actor,
  type Clock,
  DomainError,
  type JournalEntry,
  type JournalEntryInput,
  type Log,
} from '@gatehouse/contracts';
import {
  decide,
  GatingPolicy,
  type GatingAnswer,
  type GatingReason,
  NonceWindow,
  TokenBuckets,
  type Unreachable,
} from '@gatehouse/gating';
import { normaliseAccount } from '@gatehouse/logins';
import type { AccountDirectory, WorkstationMap } from '../logins/identity';
import { GATING_ENTRY_TYPES, type GatingRecord, gatingEntry, rateLimitedEntry, refusalEntry } from './entry';

/** What a workstation asks: the account logging in on itself, and how the login arrives. */
export interface GatingQuestion {
  account: string;
  /** The workstation's own name for itself; when given it must be the token's workstation. */
  host?: string | undefined;
  /** PAM_SERVICE (login, sshd, gdm-password) or the Windows logon kind. */
  service?: string | undefined;
  /** Where the login comes from (PAM_RHOST): a remote class is judged by it. */
  rhost?: string | undefined;
  /** Chosen by the client per question and echoed: an answer is for one question only. */
  nonce: string;
  /** When the client asked (Unix seconds): outside the replay window of the gateway's clock, refused as stale. */
  time: number;
}

/** The answer a workstation gets: a decision and a code, never where the person is. */
export interface GatingReply extends GatingAnswer {
  onUnreachable: Unreachable;
  nonce: string;
}

export interface GatingDeps {
  journal: { append(input: JournalEntryInput): Promise<JournalEntry> };
  /** Identity as login ingest reads it: the same account directory and workstation map. */
  identity: { accounts: AccountDirectory; workstations: WorkstationMap };
  cardholders: () => ReadonlyMap<string, Cardholder>;
  /** Where the access engine last put a person (its live presence). */
  presenceOf: (personId: string) => { zone: string; at: number } | undefined;
  /** A site key for the keyed digest of accounts that map to nobody (never journaled in clear). */
  accountDigestKey: Buffer;
  clock: Clock;
  log: Log;
}

/** The workstation an API token speaks for: its name (`token:<name>` as the principal shows it). */
export const tokenHost = (principalName: string): string => principalName.replace(/^token:/, '');

/** The journal read back at start: answered questions' nonces within memory. */
export interface GatingHistory {
  /** Entries after `afterSeq` of these types from `from` on, oldest first, at most `limit`. */
  since(afterSeq: number, filter: { from: string; types: string[] }, limit: number): Promise<JournalEntry[]>;
}

type Counted = GatingReason | 'refused' | 'not-journaled' | 'rate-limited';
const PAGE = 1000;

/**
 * Login gating as the gateway runs it: the facts (identity from login ingest,
 * presence from the access engine) gathered for the pure decision of
 * `@gatehouse/gating`, and every question and answer journaled (queued with
 * the answer; a failed write is counted and degrades health).
 */
export class GatingService {
  readonly policy: GatingPolicy;
  private readonly nonces: NonceWindow;
  private readonly buckets: TokenBuckets;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly config: GatehouseConfig,
    private readonly deps: GatingDeps,
  ) {
    this.policy = new GatingPolicy(
      config.gating,
      (name, domain) => normaliseAccount(name, domain)?.key ?? null,
    );
    this.nonces = new NonceWindow(config.gating.replayWindowSeconds * 1000);
    this.buckets = new TokenBuckets(config.gating.rateLimit.perSecond, config.gating.rateLimit.burst);
  }

  /**
   * Takes back the nonces answered within memory before this start, from
   * their journal entries: a question captured before a restart is still
   * `replayed` after it. Runs before the gateway listens.
   */
  async start(history: GatingHistory): Promise<void> {
    if (!this.enabled) return;
    const now = this.deps.clock.now().getTime();
    const from = new Date(now - this.nonces.memoryMs).toISOString();
    let after = 0;
    let taken = 0;
    for (;;) {
      const page = await history.since(after, { from, types: [...GATING_ENTRY_TYPES] }, PAGE);
      for (const e of page) {
        const { host, nonce } = e.payload as { host?: unknown; nonce?: unknown };
        if (typeof host !== 'string' || typeof nonce !== 'string') continue;
        this.nonces.remember(host, nonce, Date.parse(e.time), now);
        taken += 1;
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    this.deps.log('info', 'gating took back the nonces answered before this start', { nonces: taken });
  }

  /**
   * The token's bucket, before the question is read: past it, 429 with the
   * wait. The first refusal of a burst is journaled and logged; the rest are
   * counted (an entry per refused request would let a flood fill the journal).
   */
  async admit(who: { tokenId: string; tokenName: string; actor: Actor }): Promise<void> {
    if (!this.enabled) throw new DomainError('unavailable', 'gating.off', 'login gating is not enabled here');
    const a = this.buckets.take(who.tokenId, this.deps.clock.now().getTime());
    if (a.admitted) return;
    this.count('rate-limited');
    const host = tokenHost(who.tokenName);
    if (a.burstStarted) {
      const { rateLimit } = this.config.gating;
      this.deps.log('warn', 'a workstation token is asking faster than its rate limit', { host });
      await this.deps.journal
        .append(rateLimitedEntry({ host, ...rateLimit }, who.actor))
        .catch((error: unknown) =>
          this.deps.log('error', 'a gating rate limit could not be journaled', {
            host,
            error: String(error),
          }),
        );
    }
    const retryAfterSeconds = Math.max(1, Math.ceil(a.retryAfterMs / 1000));
    throw new DomainError(
      'rate-limited',
      'gating.rate-limited',
      'this workstation asks faster than its rate limit; ask again later',
      { retryAfterSeconds },
    );
  }

  get enabled(): boolean {
    return this.config.gating.enabled;
  }

  async decide(question: GatingQuestion, who: { tokenName: string; actor: Actor }): Promise<GatingReply> {
    if (!this.enabled) throw new DomainError('unavailable', 'gating.off', 'login gating is not enabled here');
    const host = tokenHost(who.tokenName);
    const now = this.deps.clock.now().getTime();
    const { workstations, accounts } = this.deps.identity;
    const place = workstations.placeOf(host, null);
    const group = this.policy.groupOf(host);
    const account = normaliseAccount(question.account, group.domain);
    const digest = account ? this.digest(account.key) : null;
    if (!place) {
      await this.refuse(host, 'unplaced-workstation', digest, question, who.actor);
      throw new DomainError(
        'forbidden',
        'gating.unplaced-workstation',
        'this token names a workstation the site has not placed (logins.workstations)',
      );
    }
    // Only for logins on itself: another name must lead to the same configured workstation.
    if (question.host !== undefined && workstations.placeOf(question.host, null) !== place) {
      await this.refuse(host, 'other-host', digest, question, who.actor);
      throw new DomainError(
        'forbidden',
        'gating.other-host',
        'a workstation asks about logins on itself only',
      );
    }
    const personId = account ? accounts.personOf(account.key) : null;
    const person = personId ? (this.deps.cardholders().get(personId) ?? null) : null;
    const remoteClass = this.policy.remoteClassOf(place.remote, question.rhost ?? null);
    const stale = this.nonces.stale(question.time * 1000, now);
    const answer = decide(
      {
        accountKey: account?.key ?? null,
        person,
        presence: personId ? (this.deps.presenceOf(personId) ?? null) : null,
        // A remote host placed in no zone is at no zone: presence anywhere on site does not place anyone there.
        acceptedZones: place.acceptedZones ?? (place.zone ? [place.zone] : []),
        remoteClass,
        stale,
        // A stale question's nonce is not kept: it would be refused anyway, and memory is for the window.
        replayed: !stale && this.nonces.replayed(host, question.nonce, now),
        now,
      },
      group,
    );
    const record: GatingRecord = {
      host,
      group: group.name,
      answer,
      onUnreachable: group.onUnreachable,
      // The name as the workstation gave it, sealed under the person's key; a mapped person's only.
      account: person ? question.account : null,
      personId: person ? personId : null,
      accountDigest: person ? null : digest,
      service: question.service ?? null,
      rhost: question.rhost ?? null,
      remoteClass,
      nonce: question.nonce,
    };
    // Queued for the next group commit, not awaited: like a door's decision, a login's answer
    // never waits on the disk (measured: waiting for the commit, ~170 ms median under load,
    // held the endpoint near 60/s). A write that fails is counted, logged and shown in health.
    this.deps.journal.append(gatingEntry(record, who.actor)).catch((error: unknown) => {
      this.count('not-journaled');
      this.deps.log('error', 'a gating answer could not be journaled', { host, error: String(error) });
    });
    this.count(answer.reason);
    return { ...answer, onUnreachable: group.onUnreachable, nonce: question.nonce };
  }

  /** Questions answered by reason, refusals, and answers the journal failed to record. */
  counters(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  private count(what: Counted): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
  }

  /** A keyed digest: the same account links its questions, and nobody without the site key reads it. */
  private digest(accountKey: string): string {
    return createHmac('sha256', this.deps.accountDigestKey).update(accountKey).digest('hex').slice(0, 32);
  }

  private async refuse(
    host: string,
    reason: 'unplaced-workstation' | 'other-host',
    accountDigest: string | null,
    question: GatingQuestion,
    actor: Actor,
  ): Promise<void> {
    this.count('refused');
    this.deps.log('warn', 'a gating question was refused', { host, reason });
    await this.deps.journal
      .append(refusalEntry({ host, reason, accountDigest, askedHost: question.host ?? null }, actor))
      .catch((error: unknown) =>
        this.deps.log('error', 'a gating refusal could not be journaled', { host, error: String(error) }),
      );
  }
}
