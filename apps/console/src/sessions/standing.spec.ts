import type { SessionRowView } from '@gatehouse/api';
import { byStanding, standingOf, standingWords } from './standing';

const row = (over: Partial<SessionRowView>): SessionRowView => ({
  personId: 'p1',
  name: 'Ann Archer',
  accountKey: 'acct:1',
  host: 'ws-7',
  zone: 'floor-1',
  zoneName: 'Call floor',
  remote: false,
  since: '2026-11-30T08:00:00.000Z',
  lastSeen: '2026-11-30T08:00:00.000Z',
  presence: null,
  badgedInHere: false,
  ...over,
});
const lobby = { zone: 'lobby', zoneName: 'Lobby', since: '2026-11-30T07:55:00.000Z' };

describe('a session’s standing against the badge-ins', () => {
  it('says a person logged in without a badge-in is not badged in, and puts them first', () => {
    const absent = row({ since: '2026-11-30T09:00:00.000Z' });
    const here = row({ personId: 'p2', presence: { ...lobby, zone: 'floor-1' }, badgedInHere: true });
    const unmapped = row({ personId: null, name: null, badgedInHere: null });
    const remote = row({ personId: 'p3', remote: true });
    expect([absent, here, unmapped, remote].map(standingOf)).toEqual([
      'not-badged-in',
      'here',
      'unmapped',
      'remote',
    ]);
    expect([here, remote, unmapped, absent].sort(byStanding)).toEqual([absent, unmapped, here, remote]);
    expect(standingWords(absent)).toBe('Not badged in');
  });

  it('names the zone a person is badged into when it is not the workstation’s, or the workstation has none', () => {
    expect(standingWords(row({ presence: lobby }))).toBe('Badged in elsewhere (Lobby)');
    expect(standingWords(row({ presence: lobby, zone: null, zoneName: null, badgedInHere: null }))).toBe(
      'Badged in (Lobby)',
    );
  });

  it('sorts sessions of one standing by how long they have been open', () => {
    const early = row({ since: '2026-11-30T07:00:00.000Z' });
    const late = row({ since: '2026-11-30T10:00:00.000Z' });
    expect([late, early].sort(byStanding)).toEqual([early, late]);
  });
});
