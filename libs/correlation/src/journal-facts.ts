import type { JournalEntry } from '@gatehouse/contracts';
import type { CorrelationEvent } from './events';

/** A door's two sides, as the access site plan has them. */
export interface DoorSides {
  zoneIn: string;
  zoneOut: string;
}

/** The access model's name for beyond every zone; the rules call it null. */
const OUTSIDE_ZONE = 'outside';
const zoneOrNull = (z: string | null | undefined) => (!z || z === OUTSIDE_ZONE ? null : z);

/** The journal types the rules read: a grant (a pass), a denial, a person's state, a login. */
export const FACT_TYPES = [
  'access.granted',
  'access.denied',
  'cardholder.created',
  'cardholder.updated',
  'login.*',
];

/** Login actions as sessions: a failed logon is journaled, not a session. */
const SESSION_ACTIONS: Record<string, 'logon' | 'unlock' | 'lock' | 'logoff'> = {
  'login.logon': 'logon',
  'login.session-opened': 'logon',
  'login.unlock': 'unlock',
  'login.lock': 'lock',
  'login.logoff': 'logoff',
  'login.session-closed': 'logoff',
};

type Payload = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The fact a journal entry holds for the rules, or null. Its id is the
 * entry's sequence number, so replaying the journal after a restart and the
 * live stream meeting it again give one fact, not two.
 */
export const factFromEntry = (
  e: JournalEntry,
  sides: (doorId: string) => DoorSides | undefined,
): CorrelationEvent | null => {
  const p = e.payload as Payload;
  const id = `j${e.seq}`;
  const at = num(p.at) ?? Date.parse(e.time);
  switch (e.type) {
    case 'access.granted': {
      const personId = str(p.cardholderId);
      const doorId = str(p.doorId);
      const readerId = str(p.readerId);
      if (!personId || !doorId || !readerId) return null;
      const door = sides(doorId);
      const entry = p.direction !== 'exit';
      return {
        kind: 'badge',
        id,
        seq: e.seq,
        at,
        personId,
        doorId,
        readerId,
        zone: door ? zoneOrNull(entry ? door.zoneIn : door.zoneOut) : zoneOrNull(str(p.presenceZone)),
        fromZone: door ? zoneOrNull(entry ? door.zoneOut : door.zoneIn) : null,
      };
    }
    case 'access.denied': {
      const readerId = str(p.readerId);
      // Waiting for a PIN is not a refusal.
      if (!readerId || p.reason === 'pin-required') return null;
      const credential = (p.credential ?? {}) as Payload;
      return {
        kind: 'denial',
        id,
        seq: e.seq,
        at,
        personId: str(p.cardholderId),
        credentialKey: `${str(credential.format) ?? '?'}:${str(credential.number) ?? '?'}`,
        readerId,
        doorId: str(p.doorId),
        reason: str(p.reason) ?? 'denied',
      };
    }
    case 'cardholder.created':
    case 'cardholder.updated': {
      const personId = str(p.id);
      const state = ((p.changes ?? {}) as Payload).state as { from?: unknown; to?: unknown } | undefined;
      if (!personId || !state) return null;
      const leaver = state.to === 'left';
      if (!leaver && state.from !== 'left') return null;
      return { kind: 'status', id, seq: e.seq, at: Date.parse(e.time), personId, leaver };
    }
    default:
      return e.type in SESSION_ACTIONS ? loginFact(e, SESSION_ACTIONS[e.type]!) : null;
  }
};

/**
 * A login entry as the fact the login intake handed the rules when it
 * arrived: the same id (the login's key), so the live fact and the one read
 * back from the journal (after a restart, or committed meanwhile) are one.
 */
const loginFact = (
  e: JournalEntry,
  action: 'logon' | 'unlock' | 'lock' | 'logoff',
): CorrelationEvent | null => {
  const p = e.payload as Payload;
  const key = str(p.key);
  const account = str(p.accountKey);
  const host = str(p.host);
  const at = Date.parse(str(p.occurredAt) ?? e.time);
  if (!key || !account || !host || !Number.isFinite(at)) return null;
  const accepted = Array.isArray(p.acceptedZones)
    ? p.acceptedZones.filter((z): z is string => typeof z === 'string')
    : null;
  const via = str(p.via) ?? 'journal';
  const address = str(p.sourceAddress);
  return {
    kind: 'login',
    id: key,
    seq: e.seq,
    at,
    action,
    account,
    personId: str(p.personId),
    host,
    zone: str(p.zone),
    ...(accepted ? { acceptedZones: accepted } : {}),
    remote: p.remote === true,
    sessionKey: str(p.sessionId) ?? account,
    source: address ? `${via} ${address}` : via,
  };
};
