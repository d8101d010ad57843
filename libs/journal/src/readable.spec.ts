import fc from 'fast-check';
import type { JournalEntry } from '@gatehouse/contracts';
import { eventInWords, namesOf, READABLE_COLUMNS, readableRow, siteTime } from './readable';

const decision: JournalEntry = {
  seq: 7,
  time: '2026-06-01T10:00:00.000Z',
  type: 'access.denied',
  source: 'reader:lobby-in',
  subjects: [
    { kind: 'reader', id: 'lobby-in' },
    { kind: 'door', id: 'lobby' },
    { kind: 'person', id: 'p1' },
    { kind: 'credential', id: 'c1' },
    { kind: 'zone', id: 'hall' },
  ],
  payload: { reason: 'outside-schedule', credential: { format: 'H10301', number: '12:345' } },
  timeSource: 'gateway',
};

const lookup = {
  person: (id: string) => (id === 'p1' ? 'Ann Archer' : undefined),
  door: (id: string) => (id === 'lobby' ? 'Lobby' : undefined),
  zone: (id: string) => (id === 'hall' ? 'Entrance hall' : undefined),
};

describe('readable journal rows', () => {
  it('names the subjects it can and leaves out those the lookup does not know or show', () => {
    expect(namesOf(decision, lookup)).toEqual({ person: 'Ann Archer', door: 'Lobby', zone: 'Entrance hall' });
    expect(namesOf(decision, {})).toEqual({});
  });

  it('names several subjects of a kind by their count, not by the first of them', () => {
    const lockdown = {
      subjects: [
        { kind: 'door' as const, id: 'lobby' },
        { kind: 'door' as const, id: 'floor' },
        { kind: 'door' as const, id: 'server' },
      ],
    };
    expect(namesOf(lockdown, lookup)).toEqual({ door: '3 doors' });
  });

  it('writes a decision as time in the site zone, words, names, card, result and reason', () => {
    expect(readableRow(decision, namesOf(decision, lookup), 'Europe/London')).toEqual({
      time: '2026-06-01 11:00:00 +01:00',
      event: 'Access denied',
      person: 'Ann Archer',
      card: 'H10301 12:345',
      door: 'Lobby',
      result: 'Denied',
      reason: 'outside-schedule',
      operator: '',
    });
  });

  it("words a decision's reason with the words given, the console's, and leaves an operator's reason as written", () => {
    const words = { 'outside-schedule': 'Outside their schedule', granted: '' };
    expect(readableRow(decision, {}, 'UTC', words).reason).toBe('Outside their schedule');
    // A reason code with no words is kept rather than dropped; a plain grant says nothing.
    expect(readableRow({ ...decision, payload: { reason: 'new-code' } }, {}, 'UTC', words).reason).toBe(
      'new-code',
    );
    const grant = { ...decision, type: 'access.granted', payload: { reason: 'granted' } };
    expect(readableRow(grant, {}, 'UTC', words).reason).toBe('');
    // Only decisions are worded: an operator who wrote "granted" as a reason is quoted.
    const note = { ...decision, type: 'door.mode-changed', payload: { reason: 'outside-schedule' } };
    expect(readableRow(note, {}, 'UTC', words).reason).toBe('outside-schedule');
  });

  it('names the acting operator by the display name resolved for it, else by the actor as it holds them', () => {
    const act: JournalEntry = { ...decision, actor: { kind: 'operator', id: 'o1', name: 'gina' } };
    expect(readableRow(act, { operator: 'Gina Guard' }, 'UTC').operator).toBe('Gina Guard');
    expect(readableRow(act, {}, 'UTC').operator).toBe('gina');
  });

  it('has the columns of the readable export, in their order', () => {
    expect(Object.keys(readableRow(decision, {}, 'UTC'))).toEqual([...READABLE_COLUMNS]);
  });

  it('shows no card when redaction took it out of the entry and no name gives it', () => {
    const redacted = { ...decision, payload: { reason: 'outside-schedule' } };
    expect(readableRow(redacted, {}, 'UTC').card).toBe('');
  });

  it('names the operator of an operator action, never the system', () => {
    const note: JournalEntry = {
      ...decision,
      type: 'alarm.acknowledged',
      subjects: [],
      actor: { kind: 'operator', id: 'o1', name: 'gina' },
      payload: { type: 'forced-open', state: 'acknowledged', comment: 'on my way' },
    };
    expect(readableRow(note, {}, 'UTC')).toMatchObject({
      time: '2026-06-01 10:00:00 +00:00',
      // Which alarm: the export has no column for its type.
      event: 'Forced open alarm acknowledged',
      result: 'Acknowledged',
      reason: 'on my way',
      operator: 'gina',
    });
    expect(readableRow({ ...note, actor: { kind: 'system' } }, {}, 'UTC').operator).toBe('');
  });

  it('says an alarm whose cause ended has its cause ended, not "New" (its unchanged state)', () => {
    const ended: JournalEntry = {
      ...decision,
      type: 'alarm.cause-ended',
      subjects: [],
      actor: { kind: 'system' },
      payload: { state: 'new' },
    };
    expect(readableRow(ended, {}, 'UTC').result).toBe('Cause ended');
  });

  it('puts words on types it has no table entry for, and keeps an unreadable time as given', () => {
    expect(eventInWords('cardholder.updated')).toBe('Cardholder updated');
    expect(eventInWords('door.mode-changed')).toBe('Door mode changed');
    expect(siteTime('not a time', 'UTC')).toBe('not a time');
    expect(siteTime('2026-01-15T23:30:00Z', 'Asia/Kolkata')).toBe('2026-01-16 05:00:00 +05:30');
  });
});

describe('siteTime, a minute formatted once', () => {
  /** What Intl says, part by part: the formatting before the minute was kept. */
  const reference = (iso: string, timeZone: string): string => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        timeZoneName: 'longOffset',
      })
        .formatToParts(new Date(iso))
        .map((p) => [p.type, p.value]),
    );
    const offset = parts.timeZoneName === 'GMT' ? '+00:00' : String(parts.timeZoneName).replace('GMT', '');
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${offset}`;
  };
  const ZONES = [
    'UTC',
    'Europe/London',
    'America/New_York',
    'Asia/Kolkata',
    'Australia/Lord_Howe',
    'Europe/Amsterdam',
  ];
  // Around offset changes (DST, Lord Howe's half hour), and historic offsets with seconds (Amsterdam 1937, New York 1883).
  const AROUND = [
    Date.UTC(2026, 2, 29, 1, 0),
    Date.UTC(2026, 9, 25, 1, 0),
    Date.UTC(2026, 2, 8, 7, 0),
    Date.UTC(2026, 3, 4, 15, 0),
    Date.UTC(1937, 5, 30, 22, 0),
    Date.UTC(1883, 10, 18, 17, 0),
  ];

  it('gives what Intl gives, for times in order as an export reads them, across offset changes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.constantFrom(...AROUND),
        fc.array(fc.integer({ min: -3_600_000, max: 3_600_000 }), { minLength: 1, maxLength: 40 }),
        (zone, around, offsets) => {
          for (const d of [...offsets].sort((a, b) => a - b)) {
            const iso = new Date(around + d).toISOString();
            expect(siteTime(iso, zone)).toBe(reference(iso, zone));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives what Intl gives for any time, in any order', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: -5e12, max: 5e12 }), (zone, ms) => {
        const iso = new Date(ms).toISOString();
        expect(siteTime(iso, zone)).toBe(reference(iso, zone));
      }),
      { numRuns: 2000 },
    );
  });
});
