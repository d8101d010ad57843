/**
 * The API's answers, named: what the controllers return, as the console reads
 * them. Types only, from libs only (no Nest, no values): the console imports
 * this file with `import type`, so a change here, or in a lib type named here,
 * fails the console's type check instead of drifting (docs/architecture.md).
 */
import type {
  Cardholder,
  Credential,
  CredentialFormat,
  Decision,
  DoorMode,
  DoorState,
  ImportReport,
  PresenceRow,
  WhoCanOpenRow,
} from '@gatehouse/access';
import type { Alarm } from '@gatehouse/alarms';
import type {
  Action,
  OperatorView,
  PasswordPolicyView,
  Permissions,
  ReadableEntry,
  Redacted,
  Role,
  SessionStage,
  TokenView,
} from '@gatehouse/auth';
import type { Interpretation } from '@gatehouse/bridge-protocol';
import type { DirectoryStatus, SyncRun, Unmapped } from '@gatehouse/directory';
import type { BoardDoor as BoardDoorState } from '@gatehouse/doors';
import type { CheckpointView, EntryNames, READABLE_COLUMNS, VerifyReport } from '@gatehouse/journal';
import type { MqttConnectionState } from '@gatehouse/mqtt';
import type { PortStatus, ReaderStatus } from '@gatehouse/readers';

export type { AccessLevel, Door, Group, Holiday, Schedule, ScheduleInterval, Zone } from '@gatehouse/access';
export type { Interpretation } from '@gatehouse/bridge-protocol';
export type { PortStatus, ReaderStatus } from '@gatehouse/readers';
export type { Alarm, CheckpointView, CredentialFormat, Decision, DoorMode, DoorState, ImportReport };
/** Why a card decision went as it did (the `reason` of access entries). */
export type DecisionReason = Decision['reason'];
export type { OperatorView, PasswordPolicyView };
export type { Action, Permissions, PresenceRow, ReadableEntry, Role, TokenView, VerifyReport, WhoCanOpenRow };

/**
 * The header the console sends on requests it makes by itself (re-reads after
 * a live event, session checks): they do not renew the session, so a screen
 * nobody watches still times out.
 */
export type BackgroundHeader = 'x-gatehouse-background';

/** Every refusal and failure, whatever the route: a stable code, a message in words, details by code. */
export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/**
 * A door on the guard's board: its live state, and the last person through it
 * by name ("erased person" once erased), with `photo` only for roles that may
 * see photos (`cardholders.photo`) and only when there is one.
 */
export interface BoardDoor extends Omit<BoardDoorState, 'lastThrough'> {
  lastThrough: {
    cardholderId: string;
    name: string | null;
    photo?: boolean;
    /** The person's data was erased: said so to every role, with no photo. */
    erased?: boolean;
    at: string;
  } | null;
}

/** A list answer. */
export interface Items<T> {
  items: T[];
}

// --- auth -------------------------------------------------------------------

export interface BootstrapState {
  pending: boolean;
  /** While pending: what the printed token looks like, for the form to say before it is sent. */
  token?: { length: number; prefix: string };
}
export interface BootstrapAnswer {
  operator: OperatorView;
}
/** Sign-in, second factor: the next stage, and the CSRF token for the session just issued. */
export interface SignInAnswer {
  stage: SessionStage;
  csrfToken: string;
  operator: OperatorView;
}
export interface EnrollmentStart {
  secret: string;
  uri: string;
  qrSvg: string;
}
export interface EnrollmentConfirmed extends SignInAnswer {
  /** Shown once. */
  recoveryCodes: string[];
}
/** Who is signed in (GET /auth/session). */
export interface SessionView {
  kind: 'session' | 'token';
  name: string;
  stage: SessionStage;
  roles: Role[];
  mustChangePassword: boolean;
  /** A signed-in session proves the operator again (password, current code) before changing the second factor. */
  reauthenticate: boolean;
  csrfToken: string | null;
  visibleCategories: readonly string[] | 'all';
  operator: OperatorView | undefined;
  /** A session's absolute end, and when it idles out unless the operator acts (ISO times; null for tokens). */
  endsAt: string | null;
  idleEndsAt: string | null;
  /** The site's name and IANA time zone: forms default to it (a new schedule runs in the site's zone). */
  site: { name: string; timeZone: string };
}
export interface TokenCreated {
  /** The secret, shown once. */
  token: string;
  view: TokenView;
}

// --- access -----------------------------------------------------------------

/** A cardholder as the caller's roles may read it (permissions.ts, FIELDS). */
export type CardholderView = Redacted<Cardholder>;
export type CredentialView = Redacted<Credential>;
export type CardholderDetail = Redacted<Cardholder & { credentials: CredentialView[] }>;
export interface CardholderPage {
  total: number;
  items: CardholderView[];
}
/** A door's mode now; a mode a person set names them by display name too (`by` is their username). */
export interface DoorStateView extends Omit<DoorState, 'manual'> {
  manual: (NonNullable<DoorState['manual']> & { byName: string }) | null;
}
export interface DoorStates extends Items<DoorStateView> {
  modes: readonly DoorMode[];
}
/**
 * The lockdown or emergency release in force, as the banner every signed-in role sees tells it:
 * its kind, who started it, when, why, and how many doors of how many; no door named.
 */
export interface SiteOverrideView {
  override: {
    kind: 'lockdown' | 'emergency';
    byName: string;
    reason: string;
    since: number | null;
    doors: number;
  } | null;
  /** Every door of the site (the banner says "3 of 12 doors"). */
  doorCount: number;
}
export interface WhoCanOpen extends Items<WhoCanOpenRow> {
  at: string;
}
/** A door a cardholder's levels include, and whether its schedule lets them through now. */
export interface DoorAccess {
  doorId: string;
  now: boolean;
  scheduleIds: string[];
}
/** What the engine would decide (POST /access/simulate), its reason in the words the journal uses. */
export interface SimulatedDecision extends Decision {
  reasonWords: string;
}
export interface UnlockAccepted {
  doorId: string;
  accepted: true;
}

// --- journal, alarms, readers ------------------------------------------------

export interface JournalPageView extends Items<ReadableEntry> {
  nextCursor: string | null;
}
/** Matches of what was typed in a journal search (journal-names.ts). */
export interface PersonMatch {
  id: string;
  name: string;
}
export interface DoorMatch {
  id: string;
  name: string;
  zone: string | null;
}
/**
 * A record the free text of a journal search names (a person or a door): the
 * entries hold ids, so the text itself finds what is about it only where its
 * name was written out (a door's creation), never its events.
 */
export type TextNameMatch = ({ kind: 'person' } & PersonMatch) | ({ kind: 'door' } & DoorMatch);
export interface CardMatch {
  id: string;
  card: string;
  person: string | null;
}
/** An entry of the journal search: as the caller may read it, with names, the site's time and the readable row. */
export type NamedEntryView = ReadableEntry & {
  names: EntryNames;
  siteTime: string;
  /** The readable columns, as the readable CSV export writes them (the same words). */
  row: Record<(typeof READABLE_COLUMNS)[number], string>;
  /** The entry in one sentence, naming its subject and its state (`entryLine`): what every list of entries shows. */
  line: string;
  /** The entry's Merkle leaf hash (hex), for checking it against a proof; absent for an entry redacted for the caller. */
  leafHash?: string;
};
/** GET /journal/search. */
export interface JournalSearchView extends Items<NamedEntryView> {
  nextCursor: string | null;
  timeZone: string;
  matched: {
    people?: PersonMatch[];
    peopleCount?: number;
    doors?: DoorMatch[];
    doorCount?: number;
    cards?: CardMatch[];
    cardCount?: number;
    /**
     * People and doors whose names hold the free text `q` (first page only),
     * people first. Entries name them by id (a person's name is sealed), so the
     * text finds their events nowhere: the console offers these as "Did you
     * mean the door …?", or searches by the one it names.
     */
    textNames?: TextNameMatch[];
    textNamesCount?: number;
  };
}
/** GET /journal/suggest: what a journal search box offers while typing. */
export interface JournalSuggestions {
  people: PersonMatch[];
  doors: DoorMatch[];
  cards: CardMatch[];
}
/** An alarm as the API answers it: with what the guard does about it. */
export interface AlarmView extends Alarm {
  instructions: string;
  /** The owner by the name they are shown by (`owner` is their username). */
  ownerName: string | null;
  /** The zone (id) the site placed the alarm's workstation in; null for no workstation or one not placed. */
  workstationZone: string | null;
}
export interface AlarmQueue extends Items<AlarmView> {
  history: AlarmView[];
}
/** One change in an alarm's life, from the journal, in words (GET /alarms/:id/history). */
export interface AlarmChangeView {
  seq: number;
  time: string;
  siteTime: string;
  change: string;
  what: string;
  /** The operator who made it; null for what the alarm service did by itself (the timer, a closing door). */
  by: string | null;
  automatic: boolean;
  priority: unknown;
  state: unknown;
  from?: unknown;
  to?: unknown;
  text: unknown;
}
export interface AlarmHistoryView extends Items<AlarmChangeView> {
  alarm: AlarmView;
  timeZone: string;
}
/** Several alarms acknowledged with one reason: each answers for itself. */
export interface BulkAcknowledged {
  acknowledged: number;
  results: (
    | { id: string; ok: true; alarm: AlarmView }
    | { id: string; ok: false; error: { code: string; message: string } }
  )[];
}
export interface ReadersStatus {
  ports: PortStatus[];
  readers: ReaderStatus[];
}
export interface CardBitsInterpretation {
  bitCount: number;
  bits: string;
  hex: string;
  interpretations: Interpretation[];
  formats: { name: string; bits: number }[];
}

// --- system -----------------------------------------------------------------

/** One component's health on the system page: up, degraded or down, why, and since when. */
export interface SystemComponentView {
  status: 'up' | 'down' | 'degraded';
  detail?: string;
  since?: string;
  /** Unchanged since the gateway started: `since` is the start, not a change seen. */
  sinceStart?: boolean;
  [key: string]: unknown;
}
/** The MQTT broker the gateway listens to, from its health probe. */
export interface BrokerView {
  status: SystemComponentView['status'];
  state: MqttConnectionState;
  since: string | null;
  lastError: string | null;
}
/** GET /api/v1/system: the admin's system page. */
export interface SystemStatusView {
  status: 'ready' | 'not-ready';
  version: string;
  site: { name: string; timeZone: string };
  startedAt: string;
  uptimeSeconds: number;
  components: Record<string, SystemComponentView>;
  /** Every reader and serial line (OSDP, Wiegand bridge); null on a site without serial readers. */
  readers: ReadersStatus | null;
  /** Null on a site without an MQTT broker. */
  broker: BrokerView | null;
  journal: {
    open: boolean;
    entries: number;
    lastCheckpoint: { treeSize: number; time: string } | null;
    uncheckpointedEntries: number;
  };
  storage: { databaseBytes: number; walBytes: number; freeBytes: number; totalBytes: number };
}

// --- logins and directory ----------------------------------------------------

/** Badged in: where the access decisions last saw the person on site, by zone name too. */
export interface BadgePresence {
  zone: string;
  /** The zone's name (its id when the zone was removed since). */
  zoneName: string;
  since: string;
}
/** One open session (GET /sessions): who is logged in at which workstation, and whether badged in. */
export interface SessionRowView {
  personId: string | null;
  /** The person's name; null for an account that maps to nobody. */
  name: string | null;
  /** The account as received: only for roles that may see directory accounts, and only while known. */
  account?: string | null;
  /** The account's keyed digest: what an unmapped account is told apart by (a key, never shown). */
  accountKey: string;
  host: string;
  zone: string | null;
  /** The workstation's zone by name; null when the site has not placed the workstation. */
  zoneName: string | null;
  remote: boolean;
  since: string;
  lastSeen: string;
  /** Badged in (on site): null when not, or when the last door passed led out of the site. */
  presence: BadgePresence | null;
  /** Whether the person's badge-in zone is the workstation's (null when either is unknown). */
  badgedInHere: boolean | null;
}
export interface SessionsView {
  sessions: SessionRowView[];
  counters: Record<string, number>;
}

/** A directory sync run with each change's person by name (null for a role that may not read people). */
export type DirectoryRunView = Omit<SyncRun, 'changes'> & {
  changes: (SyncRun['changes'][number] & { name: string | null })[];
};
/** GET /directory/status: the sync, its last run and the last run that changed something, named. */
export type NamedStatus = Omit<DirectoryStatus, 'lastRun' | 'lastChanges'> & {
  lastRun: DirectoryRunView | null;
  lastChanges: DirectoryRunView | null;
};
export type DirectoryStatusView = NamedStatus | { enabled: false };

/** GET /directory/unmapped: directory accounts that map to no cardholder. */
export interface UnmappedAccounts {
  count: number;
  accounts: Unmapped[];
}

/** An account that maps to no cardholder: from the directory (with its name there), from logins, or both. */
export interface AccountToMap {
  /** As the directory spells it, else as logins normalised it (`corp\\ann`). */
  account: string;
  /** The name the directory gives the account; null when the directory does not know it. */
  directoryName: string | null;
  /** Disabled in the directory (null when the directory does not know it). */
  disabled: boolean | null;
  /** Logins seen with it since the gateway started, and the last one. */
  logins: number;
  lastLogin: string | null;
}
/** A workstation that sent logins and that no zone holds (`logins.workstations`). */
export interface WorkstationToPlace {
  host: string;
  logins: number;
  lastSeen: string;
  sourceAddress: string | null;
}
/** A workstation placed on the console (GET and POST /mapping/workstations). */
export interface WorkstationPlaced {
  host: string;
  /** Null for a remote host in no zone. */
  zone: string | null;
  remote: boolean;
  setBy: string;
  setAt: string;
}
/** GET /mapping: what is left to map. */
export interface ToMapView {
  accounts: AccountToMap[];
  workstations: WorkstationToPlace[];
  /** Whether the site syncs a directory (else the accounts come from logins only). */
  directory: boolean;
  /** When the directory's list was made (its last good sync); null without one. */
  directoryAsOf: string | null;
}
/** POST /mapping/accounts: the account now maps to this person. */
export interface AccountMapped {
  cardholderId: string;
  name: string;
  account: string;
  /** The account the person had before, when this replaced one (the person keeps one account). */
  replaced: string | null;
}

export type * from './correlation-views';
