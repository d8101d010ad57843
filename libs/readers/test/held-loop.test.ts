import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadStream } from 'node:tty';
import { GatehouseBus, ManualClock, systemClock } from '@gatehouse/contracts';
import type { Journal } from '@gatehouse/journal';
import type { Db } from '@gatehouse/storage';
import { openTestJournal, SimulatedPd } from '@gatehouse/testing';
import { ReadersService, type SerialPortConfig } from '../src';

const KEY = Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Holds this thread as a GC pause or a long task does: timers fall due, bytes wait unread. */
const holdThread = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

/**
 * The gateway's OSDP bus on a real pseudo-terminal pair (socat), its event
 * loop held past the reply timeout just after a PD answered: the answer sits in
 * the port's buffer while the timers fall due. The PDs write their replies
 * synchronously (`writeSync` on their end of the pair), so the reply is on the
 * line before the hold starts, as it is when the PDs run in their own process.
 */
describe('OSDP bus whose event loop is held (real pseudo-terminals)', () => {
  let dir: string;
  let db: Db;
  let journal: Journal;
  let socat: ChildProcess;
  let pdFd: number;
  let pdStream: ReadStream;
  let readers: ReadersService;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-held-loop-'));
    ({ db, journal } = await openTestJournal(dir, new ManualClock('2026-06-01T09:00:00Z')));
    socat = spawn(
      'socat',
      [`pty,raw,echo=0,link=${join(dir, 'pd')}`, `pty,raw,echo=0,link=${join(dir, 'cp')}`],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 250 && !(existsSync(join(dir, 'pd')) && existsSync(join(dir, 'cp'))); i++)
      await sleep(20);
    pdFd = openSync(join(dir, 'pd'), constants.O_RDWR | constants.O_NOCTTY);
  });
  afterEach(async () => {
    await readers?.stop();
    pdStream?.destroy();
    closeSync(pdFd);
    const gone = new Promise((r) => socat.once('exit', r));
    socat.kill('SIGTERM');
    await gone;
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the reply that came in time, instead of resending and then refusing the second answer', async () => {
    let holdNext = 0;
    const pds = [1, 2, 3].map(
      (address) =>
        new SimulatedPd({ address, scbk: KEY }, (bytes) => {
          writeSync(pdFd, bytes);
          if (holdNext > 0) {
            holdNext -= 1;
            holdThread(320); // past the 200 ms reply timeout
          }
        }),
    );
    pdStream = new ReadStream(pdFd);
    pdStream.on('data', (chunk: Buffer) => {
      for (const pd of pds) pd.receive(chunk);
    });
    const port: SerialPortConfig = {
      id: 'bus-a',
      path: join(dir, 'cp'),
      protocol: 'osdp',
      baudRate: 115_200,
      pollIntervalMs: 100,
      markByte: false,
      readers: pds.map((pd) => ({
        id: `r${pd.options.address}`,
        address: pd.options.address,
        format: 'H10301',
        scbk: KEY,
        installMode: false,
      })),
      relays: [],
      inputs: [],
    };
    const bus = new GatehouseBus(() => undefined);
    const refused: string[] = [];
    bus.on('device.dead-letter', 'test', (d) => void refused.push(JSON.stringify(d)));
    readers = new ReadersService([port], bus, journal, systemClock, () => undefined);
    readers.start();
    const online = () => readers.status().readers.every((r) => r.online && r.secureChannel === 'established');
    for (let i = 0; i < 250 && !online(); i++) await sleep(20);
    expect(online()).toBe(true);

    // Ten holds, each right after a PD wrote its reply: polls, status replies, whatever comes.
    for (let i = 0; i < 10; i++) {
      holdNext = 1;
      for (let w = 0; w < 100 && holdNext > 0; w++) await sleep(10);
      await sleep(30 + 17 * i);
    }
    await sleep(500);

    expect(refused).toEqual([]);
    for (const r of readers.status().readers)
      expect(r).toMatchObject({
        online: true,
        secureChannel: 'established',
        counters: expect.objectContaining({ timeouts: 0, retries: 0, rejected: 0 }),
      });
  }, 30_000);
});
