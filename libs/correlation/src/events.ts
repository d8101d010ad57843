/**
 * What the correlation engine reads: facts about people, already mapped to a
 * person (a card to its holder, a directory account to its cardholder, a
 * workstation to its zone) by whoever feeds it. Times are event times (when it
 * happened at the source), in epoch milliseconds; the engine orders by them,
 * not by arrival, so a late or reordered delivery lands where it belongs.
 */

/**
 * The journal entry a fact came from, by its sequence number (what the
 * evidence of an alert links to). A login reaches the rules before its entry
 * is committed; the entry's seq is learned when the journal hands the same
 * fact over again (CorrelationEngine.seqOf).
 */
interface FromJournal {
  seq?: number;
}

/** A person passed a door (a grant that was used), into `zone` or out of `fromZone`. */
export interface BadgeEvent extends FromJournal {
  kind: 'badge';
  /** Unique per fact (the journal sequence, or the source's own id): a second delivery is ignored. */
  id: string;
  at: number;
  personId: string;
  doorId: string;
  readerId: string;
  /** The zone the door leads into; null for a door to the outside. */
  zone: string | null;
  /** The zone the door leads out of; null when it is the outside. */
  fromZone: string | null;
}

/** A card refused at a reader. */
export interface DenialEvent extends FromJournal {
  kind: 'denial';
  id: string;
  at: number;
  /** The card's holder when known (an unknown card has none). */
  personId: string | null;
  credentialKey: string;
  readerId: string;
  doorId: string | null;
  reason: string;
}

/** What a workstation reported about a session. */
export type SessionAction = 'logon' | 'unlock' | 'lock' | 'logoff';

export interface LoginEvent extends FromJournal {
  kind: 'login';
  id: string;
  at: number;
  action: SessionAction;
  /** The normalised account (`corp\\ann`), kept even when no person is mapped. */
  account: string;
  /** The cardholder the account maps to; null for an unmapped account (counted, never alerted on). */
  personId: string | null;
  host: string;
  /** The workstation's zone; null for a host that maps to none. */
  zone: string | null;
  /**
   * The presence zones that count as being at this workstation (its zone by
   * default; a site lists more where a floor is reached without a floor door).
   */
  acceptedZones?: readonly string[];
  /** A jump host or VPN, or a remote interactive logon (Windows type 10): presence is not expected. */
  remote: boolean;
  /** The session this belongs to at its host (Windows TargetLogonId, logind session id); the account when unknown. */
  sessionKey: string;
  /** Where it came from (syslog address, beats, http token): shown with the evidence. */
  source: string;
}

/** A person left the organisation (a leaver), or came back. */
export interface StatusEvent extends FromJournal {
  kind: 'status';
  id: string;
  at: number;
  personId: string;
  leaver: boolean;
}

export type CorrelationEvent = BadgeEvent | DenialEvent | LoginEvent | StatusEvent;
