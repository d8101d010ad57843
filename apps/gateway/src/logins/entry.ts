import type { Actor, JournalEntryInput, JsonObject, SubjectRef } from '@gatehouse/contracts';
import type { LoginObserved, TrackedSession } from '@gatehouse/logins';
import { UNATTRIBUTED_HOLDER, unmappedHolder } from './account-digest';
import type { WorkstationPlace } from './identity';

/** The raw message kept in the journal is cut here: evidence, not a log store. */
export const MAX_RAW_CHARS = 4096;

/** Where a login fact came in: a listener (by name) or the HTTP route. */
export interface LoginArrival {
  /** `syslog-tcp:<listener>`, `beats:<listener>`, `http`. */
  via: string;
  /** The sender's address as the socket saw it; null when unknown. */
  sourceAddress: string | null;
  /** The API token that posted it (HTTP only): on record with the fact. */
  actor?: Actor;
}

export interface LoginIdentity {
  personId: string | null;
  /** The account's keyed digest (`accountDigester`), null when the event names no account. */
  accountDigest: string | null;
  place: WorkstationPlace | null;
}

/** The payload fields that hold the account's name: sealed, never stored in clear. */
export const PERSONAL_LOGIN_PATHS = ['account', 'raw'];

const bounded = (raw: string): { raw: string; rawTruncated?: true } =>
  raw.length <= MAX_RAW_CHARS ? { raw } : { raw: raw.slice(0, MAX_RAW_CHARS), rawTruncated: true };

/**
 * The journal entry for one accepted login fact (`login.logon`, `login.unlock`,
 * ...). The account name is personal data: it sits in `account` and in the raw
 * message, and both are sealed (README, "Account names"): under the person's
 * key for a mapped account, under the account's own pseudo-person key for one
 * that maps to nobody. What stays clear is the account's keyed digest
 * (`accountKey`), which the rules and the sessions match on.
 */
export const loginEntry = (
  event: LoginObserved,
  identity: LoginIdentity,
  arrival: LoginArrival,
): JournalEntryInput => {
  const subjects: SubjectRef[] = [{ kind: 'workstation', id: event.workstation.host }];
  if (identity.personId) subjects.unshift({ kind: 'person', id: identity.personId });
  // Keys in canonical order, so the journal writes the entry natively (libs/journal, canonical-json.ts).
  const payload: JsonObject = {
    // What the correlation rules compare and where they expect presence: read back when the
    // rules replay the journal after a restart.
    acceptedZones: identity.place?.acceptedZones ? [...identity.place.acceptedZones] : null,
    account: event.account?.name ?? null,
    accountKey: identity.accountDigest,
    action: event.action,
    clientAddress: event.clientAddress,
    eventId: event.source.eventId ?? null,
    failure: event.source.failure ?? null,
    format: event.source.format,
    host: event.workstation.host,
    key: event.key,
    logonType: event.source.logonType ?? null,
    occurredAt: event.occurredAt,
    os: event.os,
    personId: identity.personId,
    ...bounded(event.raw),
    remote: event.remote || (identity.place?.remote ?? false),
    service: event.source.service ?? null,
    sessionId: event.sessionId,
    sourceAddress: arrival.sourceAddress,
    timeAssumed: event.timeAssumed,
    via: arrival.via,
    zone: identity.place?.zone ?? null,
  };
  return {
    type: `login.${event.action}`,
    source: `login:${arrival.via}`,
    subjects,
    payload,
    ...(arrival.actor ? { actor: arrival.actor } : {}),
    sourceTime: event.occurredAt,
    ...(event.timeAssumed?.zone ? { sourceZone: event.timeAssumed.zone } : {}),
    timeSource: event.timeAssumed ? 'device-assumed-zone' : 'device',
    personal: {
      // No account named (logind's "Removed session"): the raw message is sealed all the same,
      // under one holder for such messages, since a format may name a user where none is parsed.
      personId:
        identity.personId ??
        (identity.accountDigest ? unmappedHolder(identity.accountDigest) : UNATTRIBUTED_HOLDER),
      paths: PERSONAL_LOGIN_PATHS,
    },
  };
};

/** The entry type of a session that became a person's when its account was mapped. */
export const SESSION_ATTRIBUTED = 'login.session-attributed';

/**
 * A session opened by an account that mapped to nobody, the person's now that
 * the account is mapped (console, directory sync, CSV import): on record, and
 * read back at a restart so the rebuilt sessions agree. It holds the account's
 * digest and the person's id, no name, so nothing in it is sealed.
 */
export const sessionAttributedEntry = (session: TrackedSession): JournalEntryInput => ({
  type: SESSION_ATTRIBUTED,
  source: 'login:identity',
  subjects: [
    { kind: 'person', id: session.personId! },
    { kind: 'workstation', id: session.host },
  ],
  payload: {
    accountKey: session.accountDigest,
    personId: session.personId,
    host: session.host,
    zone: session.zone,
    remote: session.remote,
    state: session.state,
    since: new Date(session.since).toISOString(),
  },
});
