/// <reference types="jest" />
import type { JournalEntry } from '../api';
import { EMPTY_SEARCH, mayMatch, problemOf, toParams } from './search-state';

const entry = (over: Partial<JournalEntry>): JournalEntry => ({
  seq: 10,
  time: '2026-06-01T10:00:00.000Z',
  type: 'access.granted',
  source: 'reader:front-in',
  subjects: [
    { kind: 'person', id: 'ann' },
    { kind: 'door', id: 'front-door' },
  ],
  payload: { reason: 'granted' },
  timeSource: 'gateway',
  ...over,
});

describe('the journal search page asks the API what its filters mean', () => {
  it('searches chosen names by id, typed text as text, and a custom range in the site zone', () => {
    const p = toParams(
      {
        ...EMPTY_SEARCH,
        chosen: [{ kind: 'person', id: 'ann', label: 'Ann Archer' }],
        text: '  delivery ',
        when: 'custom',
        from: '2026-06-01T09:00',
        to: '2026-06-01T17:30',
      },
      'Europe/London',
    );
    expect(Object.fromEntries(p)).toEqual({
      person: 'ann',
      q: 'delivery',
      from: '2026-06-01T08:00:00.000Z',
      to: '2026-06-01T16:30:00.000Z',
    });
  });

  it('turns kinds into type prefixes, and a result into the one decision type', () => {
    expect(toParams({ ...EMPTY_SEARCH, kinds: ['alarms', 'notes'] }, 'UTC').get('type')).toBe(
      'alarm.*,note.*',
    );
    expect(toParams({ ...EMPTY_SEARCH, kinds: ['alarms'], result: 'denied' }, 'UTC').get('type')).toBe(
      'access.denied',
    );
    const now = Date.parse('2026-06-01T12:00:00.000Z');
    expect(toParams({ ...EMPTY_SEARCH, when: 'hour' }, 'UTC', now).get('from')).toBe(
      '2026-06-01T11:00:00.000Z',
    );
  });

  it('says what a range cannot mean', () => {
    const custom = { ...EMPTY_SEARCH, when: 'custom' as const };
    expect(problemOf({ ...custom, from: '2026-06-02T09:00', to: '2026-06-01T09:00' }, 'UTC')).toMatch(
      /after/,
    );
    expect(problemOf({ ...custom, from: 'yesterday' }, 'UTC')).toMatch(/not a date/);
    expect(problemOf({ ...custom, from: '2026-06-01T09:00' }, 'UTC')).toBeNull();
  });

  it('tells which live entries may belong to the results', () => {
    const params = toParams(
      {
        ...EMPTY_SEARCH,
        chosen: [{ kind: 'person', id: 'ann', label: 'Ann Archer' }],
        kinds: ['access'],
      },
      'UTC',
    );
    expect(mayMatch(entry({}), params)).toBe(true);
    expect(mayMatch(entry({ subjects: [{ kind: 'person', id: 'bob' }] }), params)).toBe(false);
    expect(mayMatch(entry({ type: 'door.forced-open' }), params)).toBe(false);
    const texted = new URLSearchParams({ q: 'Delivery', to: '2026-06-01T11:00:00.000Z' });
    expect(mayMatch(entry({ payload: { comment: 'a delivery' } }), texted)).toBe(true);
    expect(mayMatch(entry({ payload: {} }), texted)).toBe(false);
    expect(
      mayMatch(entry({ payload: { comment: 'a delivery' }, time: '2026-06-01T11:00:00.000Z' }), texted),
    ).toBe(false);
  });
});
