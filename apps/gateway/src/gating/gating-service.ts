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
  type Unreachable,
} from '@gatehouse/gating';
import { normaliseAccount } from '@gatehouse/logins';
import type { AccountDirectory, WorkstationMap } from '../logins/identity';
import { type GatingRecord, gatingEntry, refusalEntry } from './entry';

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
  nonce?: string | undefined;
}

/** The answer a workstation gets: a decision and a code, never where the person is. */
export interface GatingReply extends GatingAnswer {
  onUnreachable: Unreachable;
  nonce: string | null;
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

type Counted = GatingReason | 'refused' | 'not-journaled';

/**
 * Login gating as the gateway runs it: the facts (identity from login ingest,
 * presence from the access engine) gathered for the pure decision of
 * `@gatehouse/gating`, and every question and answer journaled (queued with
 * the answer; a failed write is counted and degrades health).
 */
export class GatingService {
  readonly policy: GatingPolicy;
  private readonly nonces: NonceWindow;
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
    const answer = decide(
      {
        accountKey: account?.key ?? null,
        person,
        presence: personId ? (this.deps.presenceOf(personId) ?? null) : null,
        acceptedZones: place.acceptedZones ?? [place.zone],
        remoteClass,
        replayed: question.nonce !== undefined && this.nonces.replayed(host, question.nonce, now),
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
      nonce: question.nonce ?? null,
    };
    // Queued for the next group commit, not awaited: like a door's decision, a login's answer
    // never waits on the disk (measured: waiting for the commit, ~170 ms median under load,
    // held the endpoint near 60/s). A write that fails is counted, logged and shown in health.
    this.deps.journal.append(gatingEntry(record, who.actor)).catch((error: unknown) => {
      this.count('not-journaled');
      this.deps.log('error', 'a gating answer could not be journaled', { host, error: String(error) });
    });
    this.count(answer.reason);
    return { ...answer, onUnreachable: group.onUnreachable, nonce: question.nonce ?? null };
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
