import fc from 'fast-check';
import { encode } from '@gatehouse/bridge-protocol';
import { recoverKeysFromCapture, SimulatedPd } from '@gatehouse/testing';
import {
  CMD,
  ControlPanel,
  type CpEvents,
  decodeOsdp,
  encodeLed,
  encodeOsdp,
  type PdChange,
  type PdConfig,
  redactedHex,
  REPLY,
} from '../src';

const KEY = Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));

/** A CP and PDs joined by an in-memory bus with a fake clock: each write arrives on the next millisecond, replies later if the line says so. */
const bus = (configs: PdConfig[], pdKeys: (Uint8Array | null)[], markByte = false) => {
  let now = 0;
  const toPds: Uint8Array[] = [];
  const toCp: { at: number; bytes: Uint8Array }[] = [];
  const line = { replyDelayMs: 0, echo: false };
  /** The line as a capture would hold it: raw, and as the gateway's capture shows it. */
  const capture = { raw: [] as string[], shown: [] as string[] };
  const record = (direction: 'rx' | 'tx', bytes: Uint8Array) => {
    capture.raw.push(`${now} ${direction} ${Buffer.from(bytes).toString('hex')}`);
    capture.shown.push(`${now} ${direction} ${redactedHex(bytes, cp.secretsOnLine)}`);
  };
  const seen: string[] = [];
  const changes: [number, PdChange][] = [];
  const events: CpEvents = {
    card: (a, r, bits) => seen.push(`card ${a}/${r} ${bits.join('')}`),
    keypad: (a, r, keys) => seen.push(`keys ${a}/${r} ${keys}`),
    inputs: (a, states) => seen.push(`inputs ${a} ${states.join('')}`),
    changed: (a, c) => changes.push([a, c]),
    rejected: (a, reason) => seen.push(`rejected ${a} ${reason}`),
  };
  const written: Uint8Array[] = [];
  const cp: ControlPanel = new ControlPanel(
    (b) => {
      record('tx', b);
      written.push(b);
      toPds.push(b);
      // A two-wire RS-485 adapter hears its own frames.
      if (line.echo) toCp.push({ at: now, bytes: b });
    },
    configs,
    events,
    {
      random: () => Uint8Array.from([1, 2, 3, 4, 5, 6, 7, now & 0xff]),
      markByte,
    },
  );
  const pds = configs.map(
    (c, i) =>
      new SimulatedPd({ address: c.address, scbk: pdKeys[i] ?? null }, (b) =>
        toCp.push({ at: now + line.replyDelayMs, bytes: b }),
      ),
  );
  const run = (ms: number) => {
    for (let end = now + ms; now < end; now++) {
      for (const b of toPds.splice(0)) for (const pd of pds) pd.receive(b);
      const due = toCp.filter((x) => x.at <= now);
      toCp.splice(0, toCp.length, ...toCp.filter((x) => x.at > now));
      for (const x of due) {
        record('rx', x.bytes);
        cp.receive(x.bytes, now);
      }
      cp.tick(now);
    }
  };
  /**
   * The CP's process held for `ms` (a GC pause, a long task) while the PDs, in
   * their own process, answer; when it resumes, its timers run before it reads
   * the line, as in a turn of Node's event loop.
   */
  const hold = (ms: number) => {
    for (const b of toPds.splice(0)) for (const pd of pds) pd.receive(b);
    now += ms;
    cp.tick(now);
    for (const b of toPds.splice(0)) for (const pd of pds) pd.receive(b);
    const due = toCp.filter((x) => x.at <= now);
    toCp.splice(0, toCp.length, ...toCp.filter((x) => x.at > now));
    for (const x of due) {
      record('rx', x.bytes);
      cp.receive(x.bytes, now);
    }
  };
  return {
    cp,
    pds,
    run,
    hold,
    seen,
    changes,
    line,
    capture,
    written,
    now: () => now,
    inject: (b: Uint8Array) => cp.receive(b, now),
  };
};

const card = encode('H10301', 21, 10100);

describe('OSDP control panel against the simulated PD', () => {
  it('brings a plaintext PD online, identifies it and reads a card', () => {
    const b = bus([{ address: 1, scbk: null }], [null]);
    b.run(100);
    expect(b.cp.status(1)).toMatchObject({
      online: true,
      phase: 'online',
      secure: 'none',
      firmware: '2.1.0',
      vendor: '0a0b0c',
    });
    b.pds[0]!.presentCard(card);
    b.run(300);
    expect(b.seen).toContain(`card 1/0 ${card.join('')}`);
  });

  it('runs the secure channel with a set key: cards and commands travel sealed', () => {
    const b = bus([{ address: 2, scbk: KEY }], [KEY]);
    b.run(100);
    expect(b.cp.status(2)).toMatchObject({ online: true, secure: 'established' });
    expect(b.pds[0]!.secure).toBe(true);
    b.pds[0]!.presentCard(card);
    b.pds[0]!.typeKeys('1234#');
    b.run(400);
    expect(b.seen.filter((x) => !x.startsWith('inputs'))).toEqual([
      `card 2/0 ${card.join('')}`,
      'keys 2/0 1234#',
    ]);
    const led = encodeLed([
      {
        reader: 0,
        led: 0,
        temporary: { controlCode: 2, onTime: 10, offTime: 0, onColour: 2, offColour: 0, timer: 20 },
        permanent: { controlCode: 0, onTime: 0, offTime: 0, onColour: 0, offColour: 0 },
      },
    ]);
    expect(b.cp.send(2, CMD.LED, led)).toBe(true);
    b.run(50);
    expect(b.pds[0]!.outputs.led).toMatchObject({ colour: 2, timer: 20 });
  });

  it("installs a key: SCBK-D first, KEYSET, then a new session with the reader's own key", () => {
    const b = bus([{ address: 3, scbk: KEY, installMode: true }], [null]);
    b.run(300);
    expect(b.pds[0]!.scbk && Buffer.from(b.pds[0]!.scbk).equals(Buffer.from(KEY))).toBe(true);
    expect(b.changes.map(([, c]) => c).slice(0, 4)).toEqual(['secure', 'keyset', 'secure', 'online']);
    expect(b.cp.status(3)).toMatchObject({ online: true, secure: 'established', counters: { sessions: 2 } });
  });

  it.each([false, true])(
    'keeps the key out of the capture of an install (two-wire echo: %s), while the raw line gives it away',
    (echo) => {
      const b = bus([{ address: 3, scbk: KEY, installMode: true }], [null]);
      b.line.echo = echo;
      b.run(300);
      expect(b.cp.status(3)).toMatchObject({ online: true, secure: 'established' });
      const key = Buffer.from(KEY).toString('hex');
      // The attack works: SCBK-D is public, so the raw line of an install hands over the key.
      expect(recoverKeysFromCapture(b.capture.raw.join('\n'))).toContain(key);
      const shown = b.capture.shown.join('\n');
      expect(recoverKeysFromCapture(shown)).toEqual([]);
      expect(shown).not.toContain(key);
      // The frame headers stay: CHLNG with SCBK-D (03 11 00, code 76), its data withheld.
      expect(shown).toMatch(/ tx 5303..000.031100(76)(xx){10}/);
    },
  );

  it('in install mode, uses the key at once with a reader that holds it already (refusing SCBK-D)', () => {
    const b = bus([{ address: 3, scbk: KEY, installMode: true }], [KEY]);
    b.run(300);
    expect(b.cp.status(3)).toMatchObject({ online: true, secure: 'established', counters: { sessions: 1 } });
    expect(b.changes.map(([, c]) => c)).not.toContain('keyset');
    expect(b.changes.map(([, c]) => c)).not.toContain('secure-failed');
  });

  it('backs off from a reader that refuses the key at the challenge (a fresh replacement)', () => {
    const b = bus([{ address: 4, scbk: KEY }], [null]);
    b.run(5000);
    expect(b.cp.status(4)).toMatchObject({
      online: false,
      secure: 'failed',
      lastError: 'the reader refused the key',
    });
    expect(b.pds[0]!.commandsSeen).toBeLessThan(40);
  });

  it('reinstalls a new key on a replaced reader when told to', () => {
    const b = bus([{ address: 4, scbk: KEY }], [null]);
    b.run(2000);
    expect(b.cp.status(4)!.secure).toBe('failed');
    const fresh = Uint8Array.from(KEY).reverse();
    expect(b.cp.reinstall(4, fresh, b.now())).toBe(true);
    b.run(300);
    expect(b.cp.status(4)).toMatchObject({ online: true, secure: 'established' });
    expect(Buffer.from(b.pds[0]!.scbk!).equals(Buffer.from(fresh))).toBe(true);
    expect(b.cp.reinstall(99, fresh, b.now())).toBe(false);
  });

  it('rotates a key inside the session with the old one, then uses the new one', () => {
    const b = bus([{ address: 2, scbk: KEY }], [KEY]);
    b.run(200);
    const next = Uint8Array.from(KEY).map((x) => x ^ 0x5a);
    expect(b.cp.rotate(2, next)).toBe(true);
    b.run(300);
    expect(Buffer.from(b.pds[0]!.scbk!).equals(Buffer.from(next))).toBe(true);
    expect(b.cp.status(2)).toMatchObject({ online: true, secure: 'established', counters: { sessions: 2 } });
    expect(b.changes.map(([, c]) => c)).toContain('keyset');
    b.pds[0]!.presentCard(card);
    b.run(300);
    expect(b.seen.filter((x) => x.startsWith('card'))).toHaveLength(1);
  });

  it('keeps the old key when the reader refuses the new one', () => {
    const b = bus([{ address: 2, scbk: KEY }], [KEY]);
    b.run(200);
    b.pds[0]!.faults.refuse.add(CMD.KEYSET);
    expect(b.cp.rotate(2, Uint8Array.from(KEY).reverse())).toBe(true);
    b.run(300);
    expect(b.changes.map(([, c]) => c)).toContain('keyset-failed');
    expect(Buffer.from(b.pds[0]!.scbk!).equals(Buffer.from(KEY))).toBe(true);
    expect(b.cp.status(2)).toMatchObject({ online: true, secure: 'established' });
  });

  it('finishes a rotation the gateway did not record: the reader already holds the new key', () => {
    const next = Uint8Array.from(KEY).reverse();
    const b = bus([{ address: 2, scbk: KEY, nextKey: next }], [next]);
    b.run(300);
    expect(b.cp.status(2)).toMatchObject({ online: true, secure: 'established' });
    expect(b.changes.map(([, c]) => c)).toContain('keyset');
    expect(b.changes.map(([, c]) => c)).not.toContain('secure-failed');
  });

  it('never falls back to plain text when the key is wrong, and backs off', () => {
    const other = Uint8Array.from(KEY).reverse();
    const b = bus([{ address: 4, scbk: KEY }], [other]);
    b.run(5000);
    const s = b.cp.status(4)!;
    expect(s.online).toBe(false);
    expect(s.secure).toBe('failed');
    expect(s.lastError).toMatch(/cryptogram/);
    expect(b.pds[0]!.commandsSeen).toBeLessThan(40); // 500, 1000, 2000 ms pauses, not a flood
  });

  it('marks a silent PD offline after its retries and brings it back when it answers', () => {
    const b = bus([{ address: 5, scbk: KEY }], [KEY]);
    b.run(100);
    b.pds[0]!.faults.silent = true;
    b.run(2000);
    expect(b.cp.status(5)).toMatchObject({ online: false });
    expect(b.cp.status(5)!.counters.retries).toBeGreaterThanOrEqual(2);
    expect(b.cp.status(5)!.lastError).not.toBeNull();
    b.pds[0]!.faults.silent = false;
    b.run(3000);
    expect(b.cp.status(5)).toMatchObject({ online: true, secure: 'established' });
    expect(b.changes.filter(([, c]) => c === 'offline')).toHaveLength(1);
    // Recovered once stable: its status no longer shows the old error (the journal keeps it).
    b.run(60_000);
    expect(b.cp.status(5)!.lastError).toBeNull();
  });

  it('re-establishes the session when the PD drops it (NAK 6) without going offline', () => {
    const b = bus([{ address: 6, scbk: KEY }], [KEY]);
    b.run(100);
    b.pds[0]!.dropSession();
    b.run(300);
    const s = b.cp.status(6)!;
    expect(s).toMatchObject({ online: true, secure: 'established' });
    expect(s.counters.sessions).toBe(2);
    expect(s.counters.naks).toBeGreaterThanOrEqual(1);
    b.pds[0]!.presentCard(card);
    b.run(300);
    expect(b.seen.filter((x) => x.startsWith('card'))).toHaveLength(1);
  });

  it('sends the same command again after BUSY, and treats NAK 3 as final for that command', () => {
    const b = bus([{ address: 7, scbk: null }], [null]);
    b.run(100);
    b.pds[0]!.faults.busyNext = 2;
    b.pds[0]!.presentCard(card);
    b.run(400);
    expect(b.cp.status(7)!.counters.busy).toBe(2);
    expect(b.seen).toContain(`card 7/0 ${card.join('')}`);
    expect(b.cp.send(7, 0x7a, new Uint8Array(0))).toBe(true); // unknown to the PD
    b.run(300);
    expect(b.cp.status(7)).toMatchObject({ online: true, lastNak: 'unknown command code (command 0x7a)' });
  });

  it('polls a PD that refuses LSTAT without asking again, and reads its cards', () => {
    const b = bus([{ address: 5, scbk: KEY }], [KEY]);
    b.pds[0]!.faults.refuse.add(CMD.LSTAT);
    b.run(300);
    b.pds[0]!.presentCard(card);
    b.run(300);
    expect(b.seen).toContain(`card 5/0 ${card.join('')}`);
    expect(b.cp.status(5)!.counters.naks).toBe(1);
  });

  it('takes a late reply as the answer to its retry, and a PD slower than every retry as offline', () => {
    const b = bus([{ address: 1, scbk: KEY }], [KEY]);
    b.run(100);
    b.line.replyDelayMs = 250; // past the 200 ms timeout: the CP re-sends, the PD answers the same again
    b.pds[0]!.presentCard(card);
    b.run(1000);
    expect(b.seen.filter((x) => x.startsWith('card'))).toHaveLength(1);
    expect(b.cp.status(1)!.counters.retries).toBeGreaterThan(0);
    expect(b.cp.status(1)).toMatchObject({ online: true, secure: 'established' });
    b.line.replyDelayMs = 5000;
    b.run(2000);
    expect(b.cp.status(1)!.online).toBe(false);
    b.line.replyDelayMs = 0;
    b.run(6000);
    expect(b.cp.status(1)).toMatchObject({ online: true, secure: 'established' });
  });

  it('does not take a reply waiting in the buffer for silence when its own process was held past the timeout', () => {
    const addresses = [1, 2, 3];
    const b = bus(
      addresses.map((address) => ({ address, scbk: KEY })),
      addresses.map(() => KEY),
    );
    b.run(500);
    expect(addresses.every((a) => b.cp.status(a)!.secure === 'established')).toBe(true);
    for (let i = 0; i < 30; i++) {
      if (i % 5 === 0) b.pds[i % 3]!.presentCard(card);
      // Held just after a command went out, longer than the 200 ms reply timeout: the reply comes in time, unread.
      const sent = b.written.length;
      for (let ms = 0; ms < 200 && b.written.length === sent; ms++) b.run(1);
      b.hold(250 + (i % 3) * 200);
    }
    b.run(300);
    expect(b.seen.filter((x) => x.startsWith('rejected'))).toEqual([]);
    expect(b.seen.filter((x) => x.startsWith('card'))).toHaveLength(6);
    for (const a of addresses)
      expect(b.cp.status(a)).toMatchObject({
        online: true,
        secure: 'established',
        counters: expect.objectContaining({ timeouts: 0, retries: 0, rejected: 0 }),
      });
    expect(b.changes.filter(([, c]) => c === 'offline')).toEqual([]);
  });

  it("counts a slow PD's second answer to a retried command, without refusing it, while another PD is asked", () => {
    const b = bus(
      [
        { address: 1, scbk: KEY },
        { address: 2, scbk: KEY },
      ],
      [KEY, KEY],
    );
    b.run(500);
    b.line.replyDelayMs = 230; // past the timeout: each command goes twice, and each send is answered
    b.pds[0]!.presentCard(card);
    b.run(1500);
    b.line.replyDelayMs = 0;
    b.run(500);
    expect(b.seen.filter((x) => x.startsWith('card'))).toHaveLength(1);
    expect(b.seen.filter((x) => x.startsWith('rejected'))).toEqual([]);
    const counters = [b.cp.status(1)!.counters, b.cp.status(2)!.counters];
    expect(counters[0]!.retries + counters[1]!.retries).toBeGreaterThan(0);
    expect(counters[0]!.duplicateReplies + counters[1]!.duplicateReplies).toBeGreaterThan(0);
    expect(b.cp.status(1)).toMatchObject({ online: true, secure: 'established' });
  });

  it('names a reply that comes after every retry of its command as late', () => {
    const b = bus(
      [
        { address: 1, scbk: null },
        { address: 2, scbk: null },
      ],
      [null, null],
    );
    b.run(300);
    b.line.replyDelayMs = 700; // after the third try's timeout: the CP has given up on that command
    b.run(800);
    b.line.replyDelayMs = 0;
    b.run(500);
    expect(b.seen.some((x) => /late reply from PD \d: its command had gone unanswered/.test(x))).toBe(true);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9])('copes with NAK %i to a poll in secure channel', (code) => {
    const b = bus([{ address: 1, scbk: KEY }], [KEY]);
    b.run(200);
    b.pds[0]!.faults.nakNext = code;
    b.run(3000);
    const s = b.cp.status(1)!;
    expect(s.counters.naks).toBeGreaterThanOrEqual(1);
    if (code === 5) {
      // "Secure channel not supported" from a reader that had one: refused, never plain text.
      expect(s.secure).not.toBe('none');
    } else {
      expect(s).toMatchObject({ online: true, secure: 'established' });
      b.pds[0]!.presentCard(card);
      b.run(300);
      expect(b.seen.filter((x) => x.startsWith('card'))).toHaveLength(1);
    }
  });

  it('drops a session whose reply MAC does not verify, and sets up a new one', () => {
    const b = bus([{ address: 8, scbk: KEY }], [KEY]);
    b.run(100);
    b.pds[0]!.faults.corruptMacNext = true;
    b.run(300);
    const s = b.cp.status(8)!;
    expect(s.counters.badMacs).toBe(1);
    expect(s.counters.sessions).toBe(2);
    expect(s).toMatchObject({ online: true, secure: 'established' });
    expect(b.seen.some((x) => /MAC does not verify/.test(x))).toBe(true);
  });

  it('refuses a replayed secure reply', () => {
    const b = bus([{ address: 9, scbk: KEY }], [KEY]);
    const captured: Uint8Array[] = [];
    b.run(100);
    const pd = b.pds[0]!;
    const original = (pd as unknown as { write: (x: Uint8Array) => void }).write;
    (pd as unknown as { write: (x: Uint8Array) => void }).write = (x) => {
      captured.push(x);
      original(x);
    };
    pd.presentCard(card);
    b.run(300);
    const cardReply = captured.find((x) => x.length > 20)!;
    b.inject(cardReply); // the same bytes again, later: the chain has moved on
    b.run(300);
    expect(b.seen.filter((x) => x.startsWith('card'))).toHaveLength(1);
  });

  it('keeps the other PDs of a multi-drop bus polled while one is silent', () => {
    const b = bus(
      [
        { address: 1, scbk: KEY },
        { address: 2, scbk: KEY },
        { address: 3, scbk: null },
      ],
      [KEY, KEY, null],
    );
    b.pds[1]!.faults.silent = true;
    b.run(3000);
    expect(b.cp.status(1)!.online && b.cp.status(3)!.online).toBe(true);
    expect(b.cp.status(2)!.online).toBe(false);
    b.pds[0]!.presentCard(card);
    b.pds[2]!.presentCard(card);
    b.run(500);
    expect(b.seen.filter((x) => x.startsWith('card')).sort()).toEqual([
      `card 1/0 ${card.join('')}`,
      `card 3/0 ${card.join('')}`,
    ]);
    expect(b.cp.status(1)!.counters.polls).toBeGreaterThan(12); // the silent one blocks the bus for its timeouts, less often as it backs off
  });

  it('sends the mark byte before every frame when asked, secure channel included', () => {
    const b = bus([{ address: 1, scbk: KEY }], [KEY], true);
    b.run(200);
    expect(b.cp.status(1)).toMatchObject({ online: true, secure: 'established' });
    expect(b.written.every((w) => w[0] === 0xff && w[1] === 0x53)).toBe(true);
  });

  it('learns the inputs once online and reports each change', () => {
    const b = bus([{ address: 1, scbk: KEY }], [KEY]);
    b.run(200);
    expect(b.seen).toContain('inputs 1 0000');
    b.pds[0]!.setInput(0, true);
    b.run(300);
    expect(b.seen.filter((x) => x.startsWith('inputs'))).toEqual(['inputs 1 0000', 'inputs 1 1000']);
  });

  it('reports tamper and power from LSTATR: 0 is normal for both', () => {
    const b = bus([{ address: 1, scbk: KEY }], [KEY]);
    b.run(200);
    // A healthy reader answers LSTATR 00 00: no tamper, power normal, and no change reported beyond the first reading.
    expect(b.cp.status(1)).toMatchObject({ tamper: false, power: true });
    b.pds[0]!.setTamper(true);
    b.run(300);
    expect(b.cp.status(1)).toMatchObject({ tamper: true, power: true });
    b.pds[0]!.setPowerFault(true);
    b.run(300);
    expect(b.cp.status(1)).toMatchObject({ tamper: true, power: false });
    expect(b.changes.map(([, c]) => c).filter((c) => c === 'tamper' || c === 'power')).toEqual([
      'tamper',
      'power',
      'tamper',
      'power',
    ]);
  });

  it('accepts secure replies labelled with a command type (02 15, as libosdp once sent) when their MAC verifies, and counts them', () => {
    const b = bus([{ address: 2, scbk: KEY }], [KEY]);
    b.pds[0]!.faults.mislabelReplies = true;
    b.run(300);
    b.pds[0]!.presentCard(card);
    b.run(300);
    expect(b.seen.filter((x) => x.startsWith('card'))).toEqual([`card 2/0 ${card.join('')}`]);
    const s = b.cp.status(2)!;
    expect(s).toMatchObject({ online: true, secure: 'established', counters: { sessions: 1, badMacs: 0 } });
    expect(s.counters.mislabelled).toBeGreaterThan(3);
    expect(b.changes.map(([, c]) => c)).not.toContain('offline');
  });

  it("reads status replies sent 02 15 with their data in clear (libosdp's PD) when their MAC verifies", () => {
    const b = bus([{ address: 2, scbk: KEY }], [KEY]);
    b.pds[0]!.faults.clearStatusReplies = true;
    b.run(300);
    expect(b.cp.status(2)).toMatchObject({ online: true, secure: 'established', tamper: false, power: true });
    b.pds[0]!.setTamper(true);
    b.run(300);
    const s = b.cp.status(2)!;
    expect(s).toMatchObject({ tamper: true, power: true, counters: { sessions: 1, badMacs: 0 } });
    expect(s.counters.mislabelled).toBeGreaterThan(0);
    expect(b.changes.map(([, c]) => c)).not.toContain('offline');
  });

  it('still refuses a mislabelled reply whose MAC does not verify', () => {
    const b = bus([{ address: 2, scbk: KEY }], [KEY]);
    b.pds[0]!.faults.mislabelReplies = true;
    b.run(300);
    b.pds[0]!.faults.corruptMacNext = true;
    b.run(100);
    expect(b.cp.status(2)!.counters.badMacs).toBe(1);
  });

  /** Fresh starts of a PD: ID commands written, not counting the same bytes sent again (a retry, or after BUSY). */
  const starts = (b: ReturnType<typeof bus>) =>
    b.written.filter((w, i) => {
      const d = decodeOsdp(w);
      const previous = b.written[i - 1];
      return d.kind === 'frame' && d.frame.code === CMD.ID && !(previous && Buffer.from(previous).equals(w));
    }).length;

  const faults: [string, (pd: SimulatedPd) => void][] = [
    ['a MAC that never verifies', (pd) => (pd.faults.corruptMacNext = true)],
    ['NAK 6 to everything', (pd) => (pd.faults.nakNext = 6)],
    ['NAK 4 to everything', (pd) => (pd.faults.nakNext = 4)],
    ['BUSY to everything', (pd) => (pd.faults.busyNext = 1)],
  ];
  it.each(faults)('backs off from a PD with %s, and reports its flapping once', (_, fault) => {
    const b = bus([{ address: 1, scbk: KEY }], [KEY]);
    b.run(300);
    expect(b.cp.status(1)).toMatchObject({ online: true, secure: 'established' });
    const before = starts(b);
    for (let ms = 0; ms < 22_000; ms++) {
      fault(b.pds[0]!);
      b.run(1);
    }
    // Without a backoff this was a new start (ID, CAP, CHLNG, SCRYPT) every few milliseconds.
    expect(starts(b) - before).toBeLessThanOrEqual(10);
    const offlineReports = b.changes.filter(([, c]) => c === 'offline').length;
    expect(offlineReports).toBeGreaterThanOrEqual(1);
    expect(offlineReports).toBeLessThanOrEqual(2);
    expect(b.changes.filter(([, c]) => c === 'online')).toHaveLength(offlineReports);
    // Healthy again: back within the backoff, reported online once it has been stable.
    b.run(60_000);
    const s = b.cp.status(1)!;
    expect(s).toMatchObject({ online: true, secure: 'established', flapping: false });
    expect(b.changes.filter(([, c]) => c === 'online')).toHaveLength(offlineReports + 1);
    b.pds[0]!.presentCard(card);
    b.run(300);
    expect(b.seen.filter((x) => x.startsWith('card'))).toHaveLength(1);
  });

  it('backs off from a PD that refuses a set-up command (NAK 3 to CAP) instead of asking again at once', () => {
    const b = bus([{ address: 1, scbk: KEY }], [KEY]);
    b.pds[0]!.faults.refuse.add(CMD.CAP);
    b.run(22_000);
    expect(starts(b)).toBeLessThanOrEqual(10);
    expect(b.cp.status(1)).toMatchObject({ online: false, lastError: 'unknown command code (command 0x62)' });
  });

  it('holds the changes of a flapping PD until it has been stable, then reports them in one', () => {
    const b = bus([{ address: 1, scbk: KEY }], [KEY]);
    b.run(300);
    b.changes.length = 0;
    for (let i = 0; i < 6; i++) {
      b.pds[0]!.faults.silent = true;
      b.run(1500);
      b.pds[0]!.faults.silent = false;
      b.run(4000);
    }
    const reported = () => b.changes.map(([, c]) => c).filter((c) => c === 'offline' || c === 'online');
    expect(reported()).toEqual(['offline', 'online', 'offline']);
    expect(b.cp.status(1)).toMatchObject({ online: true, flapping: true });
    expect(b.cp.status(1)!.heldChanges).toBeGreaterThan(4);
    b.run(12_000);
    expect(reported()).toEqual(['offline', 'online', 'offline', 'online']);
    expect(b.cp.status(1)!.flapping).toBe(false);
  });

  it('gives each failure its own reason: a NAK earlier is not the reason of a later silence or a closed port', () => {
    const b = bus([{ address: 7, scbk: null }], [null]);
    b.run(100);
    expect(b.cp.send(7, 0x7a, new Uint8Array(0))).toBe(true); // unknown to the PD: NAK 3
    b.run(300);
    expect(b.cp.status(7)).toMatchObject({ online: true, lastNak: 'unknown command code (command 0x7a)' });
    b.pds[0]!.faults.silent = true;
    b.run(2000);
    expect(b.cp.status(7)).toMatchObject({ online: false, lastError: 'no reply' });
    b.pds[0]!.faults.silent = false;
    b.run(3000);
    expect(b.cp.status(7)!.online).toBe(true);
    b.cp.reset(b.now(), 'serial port closed (device went away)');
    expect(b.cp.status(7)).toMatchObject({
      online: false,
      lastError: 'serial port closed (device went away)',
    });
  });

  it('sends feedback at the next free turn of the bus, ahead of every poll', () => {
    const b = bus(
      [
        { address: 1, scbk: KEY },
        { address: 2, scbk: KEY },
      ],
      [KEY, KEY],
    );
    b.run(500);
    // Step until a POLL to the other reader is in flight, then give reader 1 its feedback.
    for (let i = 0; i < 500; i++) {
      const last = decodeOsdp(b.written[b.written.length - 1]!);
      if (last.kind === 'frame' && last.frame.address === 2 && last.frame.code === CMD.POLL) break;
      b.run(1);
    }
    const led = encodeLed([
      {
        reader: 0,
        led: 0,
        temporary: { controlCode: 2, onTime: 1, offTime: 0, onColour: 2, offColour: 0, timer: 20 },
        permanent: { controlCode: 0, onTime: 0, offTime: 0, onColour: 0, offColour: 0 },
      },
    ]);
    const from = b.written.length;
    expect(b.cp.send(1, CMD.LED, led)).toBe(true);
    b.cp.tick(b.now());
    b.run(20);
    const next = b.written.slice(from).map((w) => decodeOsdp(w));
    expect(next[0]).toMatchObject({ kind: 'frame', frame: { address: 1, code: CMD.LED } });
  });

  it('ignores its own commands echoed back by a two-wire RS-485 adapter', () => {
    const b = bus([{ address: 1, scbk: KEY }], [KEY]);
    b.run(200);
    const echoes = b.written.slice(-5);
    for (const w of echoes) b.inject(w);
    b.run(300);
    expect(b.seen.filter((x) => x.startsWith('rejected'))).toHaveLength(0);
    expect(b.cp.status(1)).toMatchObject({ online: true, secure: 'established' });
  });

  it('rejects replies with a wrong sequence or from an address not asked', () => {
    const b = bus([{ address: 1, scbk: null }], [null]);
    b.run(100);
    b.inject(encodeOsdp({ address: 1, reply: true, sequence: 3, code: REPLY.ACK }));
    b.inject(encodeOsdp({ address: 0x33, reply: true, sequence: 1, code: REPLY.ACK }));
    expect(b.seen.filter((x) => x.startsWith('rejected'))).toHaveLength(2);
    b.run(300);
    expect(b.cp.status(1)!.online).toBe(true);
  });

  it('is not held up by a stray start of frame with a huge length: the next command clears it', () => {
    const b = bus([{ address: 1, scbk: KEY }], [KEY]);
    b.run(200);
    b.inject(Uint8Array.of(0x53, 0x81, 0xff, 0x03, 0x05)); // claims 1023 bytes
    b.pds[0]!.presentCard(card);
    b.run(1000);
    expect(b.seen.filter((x) => x.startsWith('card'))).toHaveLength(1);
    expect(b.cp.status(1)).toMatchObject({ online: true, secure: 'established' });
  });

  it('survives random and corrupted bytes on the line and keeps working', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }), (chunks) => {
        const b = bus([{ address: 1, scbk: KEY }], [KEY]);
        b.run(100);
        for (const c of chunks) b.inject(c);
        b.pds[0]!.presentCard(card);
        b.run(3000);
        return b.cp.status(1)!.online && b.seen.filter((x) => x.startsWith('card')).length === 1;
      }),
      { numRuns: 40 },
    );
  });
});
