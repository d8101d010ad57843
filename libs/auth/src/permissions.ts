import type { JournalEntry, JsonValue } from '@gatehouse/contracts';
import { journalVisibility, PERSON_ROLES, ROLES, type Role } from './roles';

/**
 * What each role may do and read: the one table that the HTTP guard, the
 * response serialisation, the permissions endpoint, the tests and
 * docs/permissions.md all read. A product decision, written down once: each
 * role gets what its job needs (README, "who uses Gatehouse") and no more.
 * Deny by default: a role not listed is refused, a field not listed is left out.
 */

const ALL = ROLES;
/** `login-source` and `workstation` are machines': each has its one action, not what every person gets. */
const PEOPLE = PERSON_ROLES;

export const ACTIONS = {
  'account.self': { roles: PEOPLE, what: 'own session, password, second factor, permissions' },
  'events.stream': { roles: PEOPLE, what: 'live events (only the journal categories the role may see)' },
  'journal.search': { roles: PEOPLE, what: 'search the journal (only the categories the role may see)' },
  'journal.checkpoints': { roles: PEOPLE, what: 'signed checkpoints' },
  'journal.export': {
    roles: ['facility-manager', 'responder', 'admin', 'auditor'],
    what: 'export the journal (visible categories)',
  },
  'journal.verify': { roles: ['responder', 'admin', 'auditor'], what: 'verify the journal' },
  'journal.note': {
    roles: ['reception', 'guard', 'facility-manager', 'responder', 'admin'],
    what: 'write a note into the journal',
  },
  'operators.read': { roles: ['admin', 'auditor'], what: 'list operators and API tokens' },
  'operators.write': { roles: ['admin'], what: 'create and change operators and API tokens' },
  'system.metrics': { roles: ['admin', 'auditor'], what: 'Prometheus metrics (unless http.metricsPublic)' },
  'system.status': {
    roles: ['admin', 'auditor'],
    what: 'the system page: health of every component, journal size, last checkpoint, version, uptime, free space',
  },
  'system.health-details': {
    roles: ['admin', 'auditor'],
    what: 'health details (paths, counters, errors); others get status only',
  },
  'cardholders.read': {
    roles: PEOPLE,
    what: 'search and read cardholders (fields below)',
  },
  'cardholders.photo': {
    roles: ['reception', 'guard', 'facility-manager', 'responder', 'auditor'],
    what: "a cardholder's photo",
  },
  'cardholders.doors': {
    roles: ['guard', 'facility-manager', 'responder', 'admin', 'auditor'],
    what: 'which doors a person can open',
  },
  'credentials.read': {
    roles: ['guard', 'facility-manager', 'responder', 'auditor'],
    what: 'read a credential (card number, state, validity)',
  },
  'cardholders.write': {
    roles: ['facility-manager'],
    what: 'create and change cardholders, credentials, photos; CSV import',
  },
  'people.erase': {
    roles: ['admin', 'privacy-officer'],
    what: "erase a person's personal data for good (GDPR erasure; journaled with the reason)",
  },
  'cardholders.export': { roles: ['facility-manager'], what: 'export every cardholder and card as CSV' },
  'presence.read': {
    roles: ['reception', 'guard', 'facility-manager', 'responder', 'auditor'],
    what: 'who is on site, where',
  },
  'site.read': {
    roles: ['guard', 'facility-manager', 'responder', 'admin', 'auditor'],
    what: 'zones, doors, schedules, holidays, levels, groups, door modes, who can open a door',
  },
  'site.override': {
    // Site-wide safety information: whoever is signed in must know a lockdown is in force
    // (reception sends visitors away), though not every role may read the doors themselves.
    roles: PEOPLE,
    what: 'whether a lockdown or emergency release is in force: who started it, when, why, how many doors',
  },
  'site.write': {
    roles: ['facility-manager'],
    what: 'change zones, doors, schedules, holidays, levels, groups',
  },
  'access.simulate': { roles: ['facility-manager'], what: 'decision tester' },
  'doors.control': {
    roles: ['guard'],
    what: 'unlock, door modes, lockdown and release, forgive anti-passback',
  },
  'doors.board': {
    roles: ['guard', 'facility-manager', 'responder', 'admin', 'auditor'],
    what: "every door's live state",
  },
  'alarms.read': {
    roles: ['guard', 'facility-manager', 'responder', 'admin', 'auditor'],
    what: 'the alarm queue',
  },
  'alarms.act': { roles: ['guard', 'responder'], what: 'acknowledge, comment, assign, escalate, resolve' },
  'correlation.read': {
    roles: ['guard', 'facility-manager', 'responder'],
    what: 'correlation alerts with their evidence timeline (badges, logins; the account only with the directoryAccount field)',
  },
  'correlation.rules': {
    roles: ['facility-manager', 'responder'],
    what: 'correlation rule settings, per-rule counts, and a preview of what a change would have raised over the last week',
  },
  'readers.status': {
    roles: ['guard', 'facility-manager', 'responder', 'admin', 'auditor'],
    what: 'readers and serial ports',
  },
  'readers.capture': { roles: ['facility-manager', 'admin'], what: "download a port's byte capture" },
  'readers.keys': { roles: ['admin'], what: 'reinstall or rotate a reader key' },
  'readers.card-formats': { roles: ['facility-manager', 'admin'], what: 'card format tool' },
  'logins.ingest': {
    roles: ['login-source'],
    what: 'post workstation login events (POST /api/v1/logins; API tokens of login agents)',
  },
  'sessions.read': {
    // Whereabouts are personal data: the desk that answers a login-without-badge alarm, and the
    // responder investigating one; the account name only to roles that see directory accounts.
    roles: ['guard', 'responder'],
    what: 'who is logged in at which workstation now, and whether they are badged in',
  },
  'gating.decide': {
    roles: ['workstation'],
    what: 'ask whether a login on this workstation may go ahead (POST /api/v1/gating/decide; the token of that workstation only)',
  },
  'gating.status': {
    roles: ['admin', 'auditor'],
    what: 'login gating counters (questions and answers by reason)',
  },
  'logins.status': {
    roles: ['admin', 'auditor'],
    what: 'login ingest counters and the unreadable messages kept',
  },
  'directory.read': {
    roles: ['facility-manager', 'admin', 'auditor'],
    what: 'directory sync status, its recent runs and their changes (people by name with cardholders.read, else by id)',
  },
  'directory.unmapped': {
    roles: ['facility-manager'],
    what: 'accounts (from the directory, with their names, and from logins) that map to no cardholder, and workstations no zone holds, to map them',
  },
  'accounts.map': {
    // The facility manager keeps the people's records; mapping sets one field of one (journaled, sealed).
    roles: ['facility-manager'],
    what: "map an account to a cardholder (sets the person's directory account; journaled as their change)",
  },
  'workstations.map': {
    // The facility manager keeps the site plan: which workstation stands in which zone.
    roles: ['facility-manager'],
    what: 'place a workstation (host name or address) in a zone or mark it remote (jump host, VPN), or take that back; journaled',
  },
  'directory.sync': {
    roles: ['facility-manager', 'admin'],
    what: 'run a directory sync now (people, accounts, group levels, leavers suspended)',
  },
} as const satisfies Record<string, { roles: readonly Role[]; what: string }>;

export type Action = keyof typeof ACTIONS;

/**
 * Fields of a cardholder (and of the credentials shown with one) that not
 * every reader of cardholders sees. Fields not named here (id, name, kind,
 * state, hasPhoto) are seen by everyone allowed `cardholders.read`.
 */
export const FIELDS = {
  department: {
    roles: ['reception', 'guard', 'facility-manager', 'responder', 'auditor'],
    what: 'department (reception finds a host by it)',
  },
  employeeNumber: {
    roles: ['facility-manager', 'responder', 'auditor'],
    what: 'employee number',
  },
  directoryAccount: {
    roles: ['facility-manager', 'responder'],
    what: 'directory account (login correlation)',
  },
  watchListed: { roles: ['guard', 'facility-manager', 'responder'], what: 'watch-list flag' },
  privileged: {
    roles: ['guard', 'facility-manager', 'responder', 'auditor'],
    what: 'privileged flag (passes lockdown)',
  },
  levelIds: {
    roles: ['guard', 'facility-manager', 'responder', 'admin', 'auditor'],
    what: 'access levels and groups',
  },
  credentials: {
    roles: ['guard', 'facility-manager', 'responder', 'auditor'],
    what: 'credentials (format, number, state, validity)',
  },
  pinState: {
    roles: ['facility-manager'],
    what: 'whether a credential has a PIN or a duress PIN',
  },
} as const satisfies Record<string, { roles: readonly Role[]; what: string }>;

export type Field = keyof typeof FIELDS;

/** The record properties each field entry governs (levels and groups go together, as do both PINs). */
export const FIELD_PROPERTIES = {
  department: ['department'],
  employeeNumber: ['employeeNumber'],
  directoryAccount: ['directoryAccount'],
  watchListed: ['watchListed'],
  privileged: ['privileged'],
  levelIds: ['levelIds', 'groupIds'],
  credentials: ['credentials'],
  pinState: ['hasPin', 'hasDuressPin'],
} as const satisfies Record<Field, readonly string[]>;

/** A property some role may not see. */
export type RedactableProperty = (typeof FIELD_PROPERTIES)[Field][number];

/** A record as the API answers it to some role: every property the matrix may hide is optional. */
export type Redacted<T> = Omit<T, RedactableProperty> &
  Partial<Pick<T, Extract<keyof T, RedactableProperty>>>;

const holds = (allowed: readonly Role[], roles: readonly Role[]) => roles.some((r) => allowed.includes(r));

export const rolesFor = (action: Action): readonly Role[] => ACTIONS[action].roles;
export const may = (roles: readonly Role[], action: Action): boolean => holds(ACTIONS[action].roles, roles);
export const seesField = (roles: readonly Role[], field: Field): boolean => holds(FIELDS[field].roles, roles);

/** The properties a caller with these roles may not see. */
export const hiddenProperties = (roles: readonly Role[]): Set<string> =>
  new Set(
    (Object.keys(FIELDS) as Field[]).filter((f) => !seesField(roles, f)).flatMap((f) => FIELD_PROPERTIES[f]),
  );

/** A copy of a record without the properties these roles may not see. */
export const redactFor = <T extends object>(roles: readonly Role[], record: T): Redacted<T> => {
  const hidden = hiddenProperties(roles);
  return Object.fromEntries(Object.entries(record).filter(([k]) => !hidden.has(k))) as Redacted<T>;
};

/**
 * Where a field also shows up in journal payloads under another name: a
 * credential's number (credential entries) and the card read with a decision
 * (access entries).
 */
const JOURNAL_ALIASES: Partial<Record<Field, readonly string[]>> = { credentials: ['credential', 'number'] };

/** Entries about these subjects carry cardholder and credential fields. */
const PERSONAL_SUBJECTS = new Set(['person', 'credential']);

const strip = (value: JsonValue, hidden: ReadonlySet<string>, removed: Set<string>): JsonValue => {
  if (Array.isArray(value)) return value.map((v) => strip(v, hidden, removed));
  if (value === null || typeof value !== 'object') return value;
  const kept: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(value)) {
    if (hidden.has(k)) removed.add(k);
    else kept[k] = strip(v, hidden, removed);
  }
  return kept;
};

/** A journal entry as some role reads it: `redacted` names what was left out of one about a person. */
export type ReadableEntry = JournalEntry & { redacted?: string[] };

/**
 * A journal entry as these roles may read it (search, export, live stream):
 * an entry about a person or credential loses, at any depth of its payload
 * (a cardholder's `changes` included), the fields the matrix hides from them,
 * and names what it lost in `redacted`, so nobody takes it for the signed
 * original. Everything else is returned as it is, the same object.
 */
export const redactEntryFor = (roles: readonly Role[], rawEntry: JournalEntry): ReadableEntry => {
  const entry = withoutWatchList(roles, rawEntry);
  if (!entry.subjects.some((s) => PERSONAL_SUBJECTS.has(s.kind))) return entry;
  const hidden = hiddenProperties(roles);
  for (const f of Object.keys(JOURNAL_ALIASES) as Field[])
    if (!seesField(roles, f)) for (const p of JOURNAL_ALIASES[f]!) hidden.add(p);
  if (hidden.size === 0) return entry;
  const removed = new Set<string>();
  const payload = strip(entry.payload, hidden, removed) as JournalEntry['payload'];
  if (removed.size === 0) return entry;
  return { ...entry, payload, redacted: [...new Set([...(entry.redacted ?? []), ...removed])].sort() };
};

/**
 * Alarms that say a person is on the watch list. A role that may not see the
 * watch-list flag must not learn it from the alarm queue or the journal either
 * (an alarm naming a person, or a decision listing this alarm, is the flag).
 */
export const WATCH_LIST_ALARMS: ReadonlySet<string> = new Set(['watch-listed-credential-used']);

/** Whether these roles may see an alarm of this type at all. */
export const seesAlarm = (roles: readonly Role[], alarmType: string): boolean =>
  !WATCH_LIST_ALARMS.has(alarmType) || seesField(roles, 'watchListed');

/**
 * An entry as a role without the watch-list flag reads it: a watch-list
 * alarm's own entries keep only that an alarm changed at a door (no type, no
 * person), and a decision loses the watch-list alarm it raised.
 */
const withoutWatchList = (roles: readonly Role[], entry: JournalEntry): ReadableEntry => {
  if (seesField(roles, 'watchListed')) return entry;
  const p = entry.payload as Record<string, JsonValue>;
  if (entry.type.startsWith('alarm.') && typeof p.type === 'string' && WATCH_LIST_ALARMS.has(p.type)) {
    const kept = Object.fromEntries(
      Object.entries(p).filter(([k]) => ['alarmId', 'state', 'doorId', 'at'].includes(k)),
    ) as JournalEntry['payload'];
    return {
      ...entry,
      subjects: entry.subjects.filter((s) => !PERSONAL_SUBJECTS.has(s.kind)),
      payload: kept,
      redacted: ['watchListed'],
    };
  }
  if (
    Array.isArray(p.alarms) &&
    p.alarms.some(
      (a) =>
        typeof a === 'object' && a !== null && WATCH_LIST_ALARMS.has(String((a as { type?: unknown }).type)),
    )
  ) {
    const alarms = p.alarms.filter(
      (a) =>
        !(
          typeof a === 'object' &&
          a !== null &&
          WATCH_LIST_ALARMS.has(String((a as { type?: unknown }).type))
        ),
    );
    return { ...entry, payload: { ...p, alarms } as JournalEntry['payload'], redacted: ['watchListed'] };
  }
  return entry;
};

/** What a caller may do and see, for the console to show only what works. */
export interface Permissions {
  roles: Role[];
  actions: Action[];
  fields: Field[];
}

export const permissionsOf = (roles: readonly Role[]): Permissions => ({
  roles: [...roles],
  actions: (Object.keys(ACTIONS) as Action[]).filter((a) => may(roles, a)),
  fields: (Object.keys(FIELDS) as Field[]).filter((f) => seesField(roles, f)),
});

/** docs/permissions.md, rendered from the tables above (a test keeps the file in sync). */
export const permissionsMarkdown = (): string => {
  const row = (name: string, what: string, allowed: readonly Role[]) =>
    `| \`${name}\` | ${what} | ${ALL.map((r) => (allowed.includes(r) ? 'yes' : '–')).join(' | ')} |`;
  const head = `| | what | ${ALL.join(' | ')} |\n|---|---|${ALL.map(() => '---').join('|')}|`;
  return [
    '# Who may do and see what',
    '',
    'Generated from `libs/auth/src/permissions.ts`, the single source the gateway enforces;',
    '`GATEHOUSE_WRITE_DOCS=1 npx jest libs/auth/src/permissions.spec.ts` rewrites this file.',
    "`GET /api/v1/auth/permissions` answers the caller's own row.",
    '',
    '## Actions',
    '',
    head,
    ...(Object.keys(ACTIONS) as Action[]).map((a) => row(a, ACTIONS[a].what, ACTIONS[a].roles)),
    '',
    '## Cardholder fields',
    '',
    'Everyone allowed `cardholders.read` sees id, name, kind, state and whether there is a photo.',
    'The other fields are left out of every answer (search, detail) for roles without them, and',
    'the search only matches the fields the caller may see. Journal entries about a person or',
    'credential (search, export, live stream) leave them out too, with `redacted` naming what',
    'was left out (a card read with a decision counts as `credentials`), and a free-text journal',
    'search finds such an entry only by what the caller may see of it.',
    '',
    head,
    ...(Object.keys(FIELDS) as Field[]).map((f) => row(f, FIELDS[f].what, FIELDS[f].roles)),
    '',
    '## Journal categories',
    '',
    'In the journal search, its export and the live stream (`libs/auth/src/roles.ts`).',
    '',
    '| role | categories |',
    '|---|---|',
    ...ALL.map((r) => {
      const v = journalVisibility()[r];
      return `| ${r} | ${v === 'all' ? 'all' : v.join(', ')} |`;
    }),
    '',
  ].join('\n');
};
