import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DeadLetter, deadLetteringBus, ManualClock } from '@gatehouse/contracts';
import { journalDeadLetters } from '@gatehouse/journal';
import { openTestJournal } from '@gatehouse/testing';

const refused: DeadLetter = {
  source: 'mqtt',
  origin: 'zigbee2mqtt/front-door',
  reason: 'contact is not a boolean',
  raw: Buffer.from('{"contact":"maybe"}').toString('base64'),
  bytes: 19,
  at: Date.parse('2026-01-05T08:00:00Z'),
};

describe('refused device messages in the journal', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gh-dead-letters-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are logged and journaled with their raw bytes; a write that fails is counted and logged, not swallowed', async () => {
    const clock = new ManualClock();
    const { db, journal } = await openTestJournal(dir, clock);
    const logged: [string, string, Record<string, unknown>][] = [];
    const bus = deadLetteringBus(clock, (level, message, detail) => logged.push([level, message, detail]));
    journalDeadLetters(bus, journal, (level, message, detail) => logged.push([level, message, detail]));

    bus.emit('device.dead-letter', refused);
    await new Promise((done) => setImmediate(done));
    const stored = db
      .prepare("SELECT entry_json FROM journal_entries WHERE type = 'device.message-refused'")
      .pluck()
      .all() as string[];
    expect(stored.map((j) => JSON.parse(j) as { source: string; payload: unknown })).toEqual([
      expect.objectContaining({ source: 'mqtt', payload: { ...refused } }),
    ]);
    expect(logged).toEqual([
      [
        'warn',
        'device message refused',
        { source: 'mqtt', origin: refused.origin, reason: refused.reason, bytes: 19 },
      ],
    ]);

    await journal.close();
    bus.emit('device.dead-letter', refused);
    await new Promise((done) => setImmediate(done));
    expect(bus.failureCount).toBe(1);
    expect(logged.slice(1).map(([level, message, detail]) => [level, message, detail.event])).toEqual([
      ['warn', 'device message refused', undefined],
      ['error', 'event subscriber failed', 'device.dead-letter'],
    ]);
    db.close();
  });
});
