import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatehouseBus, ManualClock } from '@gatehouse/contracts';
import type { Journal } from '@gatehouse/journal';
import type { Db } from '@gatehouse/storage';
import { openTestJournal } from '@gatehouse/testing';
import { ReadersService, type SerialPortConfig } from '../src';

/** A port's and a reader's changes are journaled without anyone waiting: a write that fails must still be heard of. */
describe('reader journal writes nobody awaits (real SQLite, real journal)', () => {
  let dir: string;
  let db: Db;
  let journal: Journal;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-reader-journal-'));
    ({ db, journal } = await openTestJournal(dir, new ManualClock('2026-06-01T09:00:00Z')));
  });
  afterEach(async () => {
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a journal write that fails is counted and reported by the bus, not swallowed', async () => {
    const port: SerialPortConfig = {
      id: 'bus-a',
      path: join(dir, 'no-such-tty'), // never opens: the port reports itself closed
      protocol: 'osdp',
      baudRate: 9600,
      pollIntervalMs: 200,
      markByte: true,
      readers: [{ id: 'front-in', address: 1, format: 'H10301', scbk: null, installMode: true }],
      relays: [],
      inputs: [],
    };
    let reported: (failure: string) => void = () => undefined;
    const failed = new Promise<string>((resolve) => (reported = resolve));
    const bus = new GatehouseBus((event, owner, error) =>
      reported(`${event}/${owner}: ${(error as Error).message}`),
    );
    const readers = new ReadersService([port], bus, journal, new ManualClock(), () => undefined);
    await journal.close();
    readers.start();
    try {
      expect(await failed).toBe('reader.port-closed/readers: the journal is closed');
      expect(bus.failureCount).toBe(1);
    } finally {
      await readers.stop();
    }
  });
});
