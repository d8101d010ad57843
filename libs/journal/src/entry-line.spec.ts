import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEntry } from '@gatehouse/contracts';
import { entryLine, STATE_LINE_TYPES } from './entry-line';
import { eventInWords, type EntryNames, type NameLookup, readableRow } from './readable';

const ROOT = join(__dirname, '..', '..', '..');

/** The source files of the gateway's parts (no tests): where entries are made. */
const sources = (dir: string, out: string[] = []): string[] => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.ts$/.test(name) && !/\.(spec|test|e2e)\.ts$/.test(name)) out.push(path);
  }
  return out;
};
const srcDirs = (top: string) =>
  readdirSync(join(ROOT, top))
    .map((p) => join(ROOT, top, p, 'src'))
    .filter((p) => {
      try {
        return statSync(p).isDirectory();
      } catch {
        return false;
      }
    });

/** The journal's categories (the console's kinds, permissions.ts): a quoted `category.name` may be an entry type. */
const CATEGORIES = [
  'access',
  'alarm',
  'auth',
  'cardholder',
  'correlation',
  'credential',
  'device',
  'directory',
  'door',
  'gating',
  'group',
  'holiday',
  'journal',
  'level',
  'lockdown',
  'login',
  'note',
  'notification',
  'operator',
  'presence',
  'privacy',
  'reader',
  'schedule',
  'sensor',
  'token',
  'visitor',
  'workstation',
  'zone',
];

/**
 * Entry types written literally in the gateway's source: every quoted
 * `category.name` (`type: d.grant ? 'access.granted' : …`, `record('token.revoked'`).
 * A superset (error codes and permission names look the same): each must word
 * well all the same, and a new type is never missed.
 */
const literalTypes = (): string[] => {
  const found = new Set<string>();
  const made = new RegExp(`'((?:${CATEGORIES.join('|')})\\.[a-z][a-z-]*)'`, 'g');
  for (const dir of [...srcDirs('libs'), ...srcDirs('apps')])
    for (const file of sources(dir)) {
      if (file.includes(join('apps', 'console'))) continue; // the console makes no entries
      for (const m of readFileSync(file, 'utf8').matchAll(made)) found.add(m[1]!);
    }
  return [...found];
};

/**
 * Types made from a template (`reader.${change}`, `door.${phase}`, …): their
 * values, read off the code that makes them (osdp-port.ts, bridge-port.ts,
 * readers.service.ts portState, door-machine.ts DoorPhase).
 */
const TEMPLATED = [
  // libs/access/src/records.ts: `${type}.created|updated|deleted` for each record kind.
  ...[
    'zone',
    'door',
    'schedule',
    'schedule.holiday',
    'level',
    'level.group',
    'cardholder',
    'credential',
  ].flatMap((k) => ['created', 'updated', 'deleted'].map((c) => `${k}.${c}`)),
  ...['online', 'offline', 'secure-channel', 'secure-channel-failed', 'key-set', 'key-set-failed'].map(
    (c) => `reader.${c}`,
  ),
  'reader.tamper',
  'reader.power',
  'reader.port-opened',
  'reader.port-closed',
  ...['online', 'offline', 'hello', 'rebooted'].map((c) => `reader.bridge-${c}`),
  ...['secure', 'unlocked', 'open', 'held-warning', 'held', 'forced', 'closed-unlocked', 'unknown'].map(
    (p) => `door.${p}`,
  ),
  // apps/gateway/src/logins/entry.ts (libs/logins event.ts actions), alarms outbox.ts outcomes.
  ...['logon', 'logon-failed', 'logoff', 'lock', 'unlock', 'session-opened', 'session-closed'].map(
    (a) => `login.${a}`,
  ),
  ...['allow', 'deny', 'step-up'].map((d) => `gating.${d}`), // apps/gateway/src/gating/entry.ts
  'notification.requested',
  'notification.delivered',
];

const NAMES: Required<Omit<EntryNames, 'card' | 'operator'>> = {
  reader: 'Front door entry reader',
  door: 'Front door',
  zone: 'Lobby',
  person: 'Ann Archer',
};

/** What an entry of a category is about, as the gateway makes it (its subjects). */
const subjectFor = (type: string): keyof typeof NAMES | null => {
  const category = type.split('.')[0]!;
  if (category === 'reader') return 'reader';
  if (['door', 'sensor', 'lockdown', 'access'].includes(category)) return 'door';
  if (category === 'zone') return 'zone';
  if (['cardholder', 'credential', 'privacy', 'presence', 'visitor', 'login'].includes(category))
    return 'person';
  return null; // the journal, sign-ins, tokens: about the system or the acting operator
};

const entry = (type: string, payload: Record<string, unknown> = {}): JournalEntry => ({
  seq: 1,
  time: '2026-06-01T10:00:00.000Z',
  type,
  source: 'test',
  subjects: [],
  payload: { port: 'ttyUSB0', ...payload } as JournalEntry['payload'],
  timeSource: 'gateway',
});
const lineOf = (e: JournalEntry, names: EntryNames) => entryLine(e, names, readableRow(e, names, 'UTC'));

describe('every entry line names its subject and its state', () => {
  const types = [...new Set([...literalTypes(), ...TEMPLATED])].sort();

  it('finds the entry types the gateway makes (the scan itself works)', () => {
    expect(types).toEqual(expect.arrayContaining(['access.granted', 'door.created', 'reader.tamper']));
    expect(types.length).toBeGreaterThan(30);
  });

  it.each(types)('%s names its subject and is not a bare type word', (type) => {
    const subject = subjectFor(type);
    const names: EntryNames = subject ? { [subject]: NAMES[subject] } : {};
    const line = lineOf(entry(type), names);
    if (subject) expect(line).toContain(NAMES[subject]);
    if (subject) expect(line).not.toBe(`${eventInWords(type)}.`);
    expect(line).not.toContain(type); // never the dotted name
    expect(line).toMatch(/^[A-Z].*\.$/);
  });

  it.each(STATE_LINE_TYPES)('%s still says what it is about when the reader may not see its name', (type) => {
    const line = lineOf(entry(type), {});
    expect(line).not.toBe(`${eventInWords(type)}.`);
    expect(line).toMatch(/: /);
  });
});

describe('device states in words', () => {
  const reader = { reader: NAMES.reader };
  it('says a reader tamper that cleared as cleared, never like the alarm', () => {
    expect(lineOf(entry('reader.tamper', { tamper: false }), reader)).toBe(
      'Front door entry reader: tamper cleared.',
    );
    expect(lineOf(entry('reader.tamper', { tamper: true }), reader)).toBe(
      'Front door entry reader: tamper reported.',
    );
  });

  it("says a reader's power as a fault, restored only after a fault, else normal", () => {
    expect(lineOf(entry('reader.power', { power: true, was: false }), reader)).toBe(
      'Front door entry reader: power restored.',
    );
    // The first report (nothing before it), or one from before `was` was kept: nothing was lost.
    expect(lineOf(entry('reader.power', { power: true }), reader)).toBe(
      'Front door entry reader: power normal.',
    );
    expect(lineOf(entry('reader.power', { power: true, was: true }), reader)).toBe(
      'Front door entry reader: power normal.',
    );
    expect(lineOf(entry('reader.power', { power: false }), reader)).toBe(
      'Front door entry reader: power fault.',
    );
    expect(lineOf(entry('reader.online'), reader)).toBe('Front door entry reader: online.');
  });

  it('names several readers of a bridge by their count, and an unnamed reader in words, never by an id', () => {
    expect(lineOf(entry('reader.bridge-offline'), { reader: '2 readers' })).toBe(
      '2 readers: bridge silent (offline).',
    );
    expect(lineOf(entry('reader.tamper', { tamper: false }), {})).toBe('A card reader: tamper cleared.');
    expect(lineOf(entry('reader.port-closed'), {})).toBe('Card readers: serial line closed.');
  });

  it("says a door sensor's signals by the door", () => {
    const reading = entry('sensor.reading', {
      signals: [
        { kind: 'tamper', active: false },
        { kind: 'battery', percent: 18 },
      ],
    });
    expect(lineOf(reading, { door: 'Front door' })).toBe('Front door sensor: tamper cleared, battery 18%.');
  });

  it("keeps a person's event as who and where", () => {
    const granted = { ...entry('access.granted'), payload: {} };
    expect(lineOf(granted, { person: 'Ann Archer', door: 'Front door' })).toBe(
      'Access granted: Ann Archer at Front door.',
    );
  });
});

describe('alarm lines say which alarm', () => {
  const ada = { actor: { kind: 'operator' as const, id: 'op-1', name: 'ada' } };
  const alarmEntry = (type: string, payload: Record<string, unknown>, by = true): JournalEntry => ({
    ...entry(type, {
      alarmId: 'a-1',
      type: 'forced-open',
      priority: 'high',
      state: 'acknowledged',
      ...payload,
    }),
    ...(by ? ada : {}),
  });
  const named = { door: 'Front door', operator: 'Ada Admin' };

  it('names the alarm, who acted and why: never a bare "Alarm acknowledged"', () => {
    expect(lineOf(alarmEntry('alarm.acknowledged', { comment: 'wind, checked.' }), named)).toBe(
      'Front door forced open acknowledged by Ada Admin: wind, checked.',
    );
    expect(lineOf(alarmEntry('alarm.resolved', { comment: null }), named)).toBe(
      'Front door forced open resolved by Ada Admin.',
    );
    expect(lineOf(alarmEntry('alarm.false-alarm', { comment: 'test' }), named)).toBe(
      'Front door forced open closed as false alarm by Ada Admin: test.',
    );
    expect(lineOf(alarmEntry('alarm.assigned', { from: null, to: 'gina' }), named)).toBe(
      'Front door forced open assigned to gina by Ada Admin.',
    );
  });

  it('names a raised alarm and its escalation by the system, a reader alarm by its reader', () => {
    const raised = alarmEntry('alarm.raised', { detail: 'the door opened without a grant' }, false);
    expect(lineOf(raised, { door: 'Front door' })).toBe(
      'Alarm raised: Front door forced open: the door opened without a grant.',
    );
    expect(
      lineOf(alarmEntry('alarm.escalated', { priority: 'critical' }, false), { door: 'Front door' }),
    ).toBe('Front door forced open escalated (now critical).');
    const reader = alarmEntry('alarm.cause-ended', { type: 'reader-offline' }, false);
    expect(lineOf(reader, { door: 'Front door', reader: 'Front door entry reader' })).toBe(
      'Front door entry reader offline cause ended.',
    );
    // Where the role may see no place: the alarm by its type, still which one.
    expect(lineOf(alarmEntry('alarm.acknowledged', { comment: null }), { operator: 'Ada Admin' })).toBe(
      'Forced open alarm acknowledged by Ada Admin.',
    );
  });
});

describe("the gateway's own free text names readers and zones, not their ids", () => {
  const lookup: NameLookup = {
    reader: (id) => (id === 'front-in' ? 'Front door entry reader' : undefined),
    zone: (id) => (id === 'lobby' ? 'Lobby' : undefined),
  };
  const raised = (detail: string, actor?: JournalEntry['actor']): JournalEntry => ({
    ...entry('alarm.raised', { alarmId: 'a-1', type: 'tailgating', detail }),
    ...(actor ? { actor } : {}),
  });

  it('reads ids in an alarm detail as names in the line and the readable row', () => {
    const e = raised('card refused at front-in, last seen in lobby');
    const row = readableRow(e, { door: 'Front door' }, 'UTC', {}, lookup);
    expect(row.reason).toBe('card refused at Front door entry reader, last seen in Lobby');
    expect(entryLine(e, { door: 'Front door' }, row)).toBe(
      'Alarm raised: Front door tailgating: card refused at Front door entry reader, last seen in Lobby.',
    );
  });

  it("keeps an operator's words as written, and an id the caller may not name as it is", () => {
    const mine = raised('front-in looked fine', { kind: 'operator', id: 'op-1', name: 'ada' });
    expect(readableRow(mine, {}, 'UTC', {}, lookup).reason).toBe('front-in looked fine');
    expect(readableRow(raised('at front-in'), {}, 'UTC', {}, {}).reason).toBe('at front-in');
  });
});
