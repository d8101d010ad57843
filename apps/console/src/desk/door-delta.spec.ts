import type { BoardDoor } from '@gatehouse/api';
import type { JournalEntry } from '../api';
import { applyDoorEntry } from './door-delta';

const tile = (open: boolean | null): BoardDoor =>
  ({ doorId: 'office-01', phase: 'unknown', open, since: null, lastThrough: null }) as unknown as BoardDoor;

const phaseEntry = (phase: string, extra: Record<string, unknown> = {}): JournalEntry =>
  ({
    seq: 1,
    time: '2026-11-30T17:00:00.000Z',
    type: `door.${phase}`,
    source: 'door:office-01',
    subjects: [{ kind: 'door', id: 'office-01' }],
    payload: { phase, at: Date.parse('2026-11-30T17:00:00.000Z'), ...extra },
  }) as unknown as JournalEntry;

describe('a door phase entry applied to its tile', () => {
  it("takes the entry's own contact: a door without a sensor stays 'contact unknown' when unlocked by a grant", () => {
    expect(applyDoorEntry(tile(null), phaseEntry('unlocked', { open: null })).open).toBeNull();
    // A door shut during its grant: the entry says closed, whatever the tile thought.
    expect(applyDoorEntry(tile(true), phaseEntry('unlocked', { open: false })).open).toBe(false);
    expect(applyDoorEntry(tile(false), phaseEntry('forced', { open: true })).open).toBe(true);
  });

  it('reads the contact off the phase for entries written before they carried it', () => {
    expect(applyDoorEntry(tile(null), phaseEntry('secure')).open).toBe(false);
    expect(applyDoorEntry(tile(false), phaseEntry('held')).open).toBe(true);
    expect(applyDoorEntry(tile(null), phaseEntry('unknown')).open).toBeNull();
  });
});
