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
      payload: { state: 'acknowledged', comment: 'on my way' },
    };
    expect(readableRow(note, {}, 'UTC')).toMatchObject({
      time: '2026-06-01 10:00:00 +00:00',
      event: 'Alarm acknowledged',
      result: 'Acknowledged',
      reason: 'on my way',
      operator: 'gina',
    });
    expect(readableRow({ ...note, actor: { kind: 'system' } }, {}, 'UTC').operator).toBe('');
  });

  it('puts words on types it has no table entry for, and keeps an unreadable time as given', () => {
    expect(eventInWords('cardholder.updated')).toBe('Cardholder updated');
    expect(eventInWords('door.mode-changed')).toBe('Door mode changed');
    expect(siteTime('not a time', 'UTC')).toBe('not a time');
    expect(siteTime('2026-01-15T23:30:00Z', 'Asia/Kolkata')).toBe('2026-01-16 05:00:00 +05:30');
  });
});
