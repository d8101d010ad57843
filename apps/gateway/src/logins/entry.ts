import type { Actor, JournalEntryInput, JsonObject, SubjectRef } from '@gatehouse/contracts';
import type { LoginObserved } from '@gatehouse/logins';
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
  place: WorkstationPlace | null;
}

const bounded = (raw: string): { raw: string; rawTruncated?: true } =>
  raw.length <= MAX_RAW_CHARS ? { raw } : { raw: raw.slice(0, MAX_RAW_CHARS), rawTruncated: true };

/**
 * The journal entry for one accepted login fact (`login.logon`, `login.unlock`,
 * ...). The account name is personal data and sits in the one field
 * `account`, so sealing it under the person's key is done in one place (the
 * raw message names it too: whoever seals `account` seals `raw` with it).
 */
export const loginEntry = (
  event: LoginObserved,
  identity: LoginIdentity,
  arrival: LoginArrival,
): JournalEntryInput => {
  const subjects: SubjectRef[] = [{ kind: 'workstation', id: event.workstation.host }];
  if (identity.personId) subjects.unshift({ kind: 'person', id: identity.personId });
  const payload: JsonObject = {
    action: event.action,
    account: event.account?.name ?? null,
    // What the correlation rules compare and where they expect presence: read back when the
    // rules replay the journal after a restart.
    accountKey: event.account?.key ?? null,
    acceptedZones: identity.place?.acceptedZones ? [...identity.place.acceptedZones] : null,
    personId: identity.personId,
    host: event.workstation.host,
    zone: identity.place?.zone ?? null,
    remote: event.remote || (identity.place?.remote ?? false),
    sessionId: event.sessionId,
    clientAddress: event.clientAddress,
    os: event.os,
    format: event.source.format,
    eventId: event.source.eventId ?? null,
    logonType: event.source.logonType ?? null,
    service: event.source.service ?? null,
    failure: event.source.failure ?? null,
    key: event.key,
    via: arrival.via,
    sourceAddress: arrival.sourceAddress,
    occurredAt: event.occurredAt,
    timeAssumed: event.timeAssumed,
    ...bounded(event.raw),
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
  };
};
