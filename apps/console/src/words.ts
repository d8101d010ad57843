import type {
  Alarm,
  CardholderView as Cardholder,
  CredentialView as Credential,
  Door,
  DoorMode,
  PortStatus,
  ReaderStatus,
  Role,
} from '@gatehouse/api';

/**
 * The console's one mapping from the server's codes to words (CONSOLE.md:
 * names, never ids). Every page that shows a mode, a reader, a counter or a
 * state reads it here, so a code reads the same everywhere; the records'
 * types make each list complete. Card decision reasons are worded by the
 * gateway itself (libs/access, reason-words.ts), for the console and the
 * readable export alike.
 */

export const DOOR_MODE_WORDS: Record<DoorMode, string> = {
  locked: 'Locked (nobody by card)',
  'card-only': 'Card',
  'card-and-pin': 'Card and PIN',
  unlocked: 'Held unlocked',
  lockdown: 'LOCKDOWN',
  emergency: 'Emergency release (open)',
};
export const doorModeWords = (mode: string | undefined): string =>
  mode === undefined ? '' : (DOOR_MODE_WORDS[mode as DoorMode] ?? wordsOfCode(mode));

export const ANTI_PASSBACK_WORDS: Record<Door['antiPassback'], string> = {
  none: 'None',
  soft: 'Soft (grants, and says so)',
  hard: 'Hard (refuses)',
};

const DIRECTION_WORDS: Record<Door['readers'][number]['direction'], string> = {
  entry: 'entry reader',
  exit: 'exit reader',
};

/**
 * A reader by its door and direction ("Front door entry reader"): the journal's
 * wording (libs/journal reader-name.ts, held to this by its spec), so a reader
 * reads the same on every page, in every journal line and in the export.
 */
export const readerLabel = (doorName: string, direction: Door['readers'][number]['direction']): string =>
  `${doorName} ${DIRECTION_WORDS[direction]}`;
/** A reader of the site's doors by its name; null when no door has it. */
export const namedReader = (readerId: string, doors: readonly Door[]): string | null => {
  for (const d of doors) {
    const r = d.readers.find((x) => x.id === readerId);
    if (r) return readerLabel(d.name, r.direction);
  }
  return null;
};
/** A reader by its name (`readerLabel`); its id only when no door has it. */
export const readerName = (readerId: string, doors: readonly Door[]): string =>
  namedReader(readerId, doors) ?? `Reader ${readerId}`;
/** A serial line by the doors its readers serve ("Line of Front door, Server room"). */
export const lineName = (
  portId: string,
  readers: readonly { id: string; port: string }[],
  doors: readonly Door[],
): string => {
  const on = [
    ...new Set(
      readers
        .filter((r) => r.port === portId)
        .map((r) => doors.find((d) => d.readers.some((x) => x.id === r.id))?.name)
        .filter((n): n is string => !!n),
    ),
  ];
  return on.length ? `Line of ${on.join(', ')}` : 'Line with no door';
};
/** A door's readers in words: "entry and exit readers". */
export const doorReadersWords = (d: Door): string =>
  d.readers.length === 0 ? 'No reader' : d.readers.map((r) => DIRECTION_WORDS[r.direction]).join(', ');

export const SECURE_CHANNEL_WORDS: Record<ReaderStatus['secureChannel'], string> = {
  none: 'None (card numbers in clear)',
  handshake: 'Starting',
  established: 'Secure',
  failed: 'FAILED',
};

export const PORT_STATE_WORDS: Record<PortStatus['state'], string> = {
  closed: 'Closed',
  opening: 'Opening',
  open: 'Open',
  stopped: 'Stopped',
};

export const PROTOCOL_WORDS: Record<PortStatus['protocol'], string> = {
  bridge: 'Wiegand bridge',
  osdp: 'OSDP',
};

/** The readers' and lines' counters (libs/readers, libs/osdp) in words. */
const COUNTER_WORDS: Record<string, string> = {
  framesIn: 'messages received',
  framesOut: 'messages sent',
  frames: 'messages',
  skippedBytes: 'stray bytes skipped',
  badFrames: 'damaged messages',
  rejected: 'messages refused',
  duplicates: 'repeats ignored',
  bridgeBadFrames: 'damaged messages at the bridge',
  reboots: 'bridge restarts',
  polls: 'polls',
  timeouts: 'no replies',
  retries: 'retries',
  naks: 'refusals by the reader',
  busy: 'busy replies',
  badMacs: 'failed message checks (secure channel)',
  sessions: 'secure sessions',
  mislabelled: 'mislabelled secure replies',
};

/** A code the console has no words for yet, read as words rather than shown raw ("framesIn" → "frames in"). */
export const wordsOfCode = (code: string): string =>
  code
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[-_.]+/g, ' ')
    .toLowerCase();

/** The counted nouns of COUNTER_WORDS, and each one's singular: "1 damaged message", not "1 damaged messages". */
const COUNTED = /\b(messages|bytes|repeats|restarts|polls|replies|retries|refusals|checks|sessions)\b/;
const oneOrMany = (words: string, n: number): string =>
  n === 1
    ? words.replace(COUNTED, (w) => (w.endsWith('ies') ? `${w.slice(0, -3)}y` : w.slice(0, -1)))
    : words;

/** Counters that are not zero, in words: "1,204 messages received, 2 no replies"; a dash when all are zero. */
export const countersInWords = (counters: Record<string, number>): string =>
  Object.entries(counters)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n.toLocaleString('en-GB')} ${oneOrMany(COUNTER_WORDS[k] ?? wordsOfCode(k), n)}`)
    .join(', ') || '—';

/** An alarm type in words ("forced-open" reads "Forced open"). */
export const alarmTypeWords = (type: string): string => {
  const w = wordsOfCode(type);
  return w.charAt(0).toUpperCase() + w.slice(1);
};

export const PRIORITY_WORDS: Record<Alarm['priority'], string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export const ALARM_STATE_WORDS: Record<Alarm['state'], string> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
  'false-alarm': 'False alarm',
  withdrawn: 'Withdrawn (its cause was disproved)',
};

export const PERSON_STATE_WORDS: Record<Cardholder['state'], string> = {
  active: 'Active',
  suspended: 'Suspended',
  left: 'Left',
};
export const PERSON_KIND_WORDS: Record<Cardholder['kind'], string> = {
  employee: 'Employee',
  contractor: 'Contractor',
  visitor: 'Visitor',
};
export const CARD_STATE_WORDS: Record<Credential['state'], string> = {
  active: 'Active',
  suspended: 'Suspended',
  lost: 'Reported lost',
  revoked: 'Revoked',
};
/** A code from one of the records above, in words; a code with none read as words. */
export const said = (words: Record<string, string>, code: string): string => words[code] ?? wordsOfCode(code);

/** Operators' and tokens' roles in words: what the person or machine does, not the code the API takes. */
export const ROLE_WORDS: Record<Role, string> = {
  reception: 'Reception',
  guard: 'Guard',
  'facility-manager': 'Facility manager',
  responder: 'Responder',
  admin: 'Administrator',
  auditor: 'Auditor',
  'privacy-officer': 'Privacy officer',
  'login-source': 'Login source (a machine sending sign-ins)',
  workstation: 'Workstation (a desk asking about its own sign-ins)',
};
/** Roles in words, in the order given: "Guard, Auditor". */
export const rolesInWords = (roles: readonly string[]): string =>
  roles.map((r) => said(ROLE_WORDS, r)).join(', ') || 'No role';

/**
 * The gateway's health components (apps/gateway/src/server.ts and the
 * observability files register them) by what a person calls them.
 */
export const COMPONENT_WORDS: Record<string, string> = {
  storage: 'Storage (the database)',
  journal: 'Journal',
  readers: 'Readers',
  mqtt: 'MQTT broker',
  notifications: 'Alarm notifications',
  logins: 'Sign-in reports from computers',
  directory: 'Directory sync',
  gating: 'Sign-in gating at desks',
};
/** A component by its name in words; one the console does not know yet read as words, capitalised. */
export const componentWords = (id: string): string => {
  const w = said(COMPONENT_WORDS, id);
  return w.charAt(0).toUpperCase() + w.slice(1);
};
