import fc from 'fast-check';
import {
  commandFrame,
  decodeFrame,
  encodeFrame,
  FrameReader,
  type Frame,
  MSG,
} from '@gatehouse/bridge-protocol';
import { BridgeLink, type BridgeLinkEvents } from './bridge-link';

const frame = (type: number, seq: number, payload: number[]) =>
  encodeFrame({ type, seq, payload: Uint8Array.from(payload) });
const HELLO = frame(MSG.HELLO, 0, [1, 0, 0, 2, 4, 0x13, 0x88, 0]);
const CARD = frame(MSG.CARD, 1, [0, 26, 0x86, 0x43, 0x83, 0xc0]);

const setup = () => {
  const written = new FrameReader();
  const sent: Frame[] = [];
  const seen: string[] = [];
  const events: BridgeLinkEvents = {
    card: (r, bits) => seen.push(`card ${r} ${bits.join('')}`),
    keypad: (r, k) => seen.push(`key ${r} ${k}`),
    input: (i, a) => seen.push(`input ${i} ${a}`),
    status: (c) => seen.push(`status ${c}`),
    failsafe: (r, rel, ms) => seen.push(`failsafe ${r} ${rel} ${ms}`),
    bridgeError: (c, d) => seen.push(`error ${c} ${d}`),
    rejected: (reason) => seen.push(`rejected ${reason}`),
  };
  const link = new BridgeLink((bytes) => sent.push(...written.push(bytes)), events);
  return { link, sent, seen };
};

describe('BridgeLink', () => {
  it('learns the bridge from HELLO, acknowledges a card and reports it once', () => {
    const { link, sent, seen } = setup();
    link.receive(HELLO, 0);
    expect(link.status).toMatchObject({
      online: true,
      firmware: '1.0.0',
      watchdogMs: 5000,
      failMode: 'secure',
    });
    link.receive(CARD, 10);
    link.receive(CARD, 210); // the bridge's retry: our first ACK was lost
    expect(seen.filter((s) => s.startsWith('card'))).toEqual(['card 0 10000110010000111000001111']);
    expect(sent.filter((f) => f.type === MSG.ACK).map((f) => f.payload[0])).toEqual([1, 1]);
    expect(link.status.counters.duplicates).toBe(1);
  });

  it('keeps the watchdog fed with pings and goes offline after silence', () => {
    const { link, sent, seen } = setup();
    link.receive(HELLO, 0);
    for (let t = 0; t <= 3400; t += 100) link.tick(t);
    const pings = sent.filter((f) => f.type === MSG.PING).length;
    expect(pings).toBeGreaterThanOrEqual(3); // every watchdog / 3, at most a second apart
    expect(link.status.online).toBe(true);
    link.tick(3500);
    expect(link.status.online).toBe(false);
    expect(seen).toContain('status offline');
  });

  it('goes offline at once when its port is lost', () => {
    const { link, seen } = setup();
    link.receive(HELLO, 0);
    link.lost();
    link.lost();
    expect(link.status.online).toBe(false);
    expect(seen.filter((s) => s === 'status offline')).toHaveLength(1);
  });

  it('notices a reboot when the uptime goes back, and forgets old sequence numbers', () => {
    const { link, seen } = setup();
    link.receive(frame(MSG.HEARTBEAT, 5, [0, 0, 0, 60, 0, 0]), 0);
    link.receive(CARD, 10);
    link.receive(frame(MSG.HEARTBEAT, 0, [0, 0, 0, 1, 0, 0]), 20);
    link.receive(CARD, 30); // same sequence number, but a new boot: a new read
    expect(seen).toContain('status rebooted');
    expect(seen.filter((s) => s.startsWith('card'))).toHaveLength(2);
    expect(link.status.counters.reboots).toBe(1);
  });

  it('reports fail-safe, bridge errors, inputs and keys', () => {
    const { link, seen } = setup();
    link.receive(frame(MSG.FAILSAFE, 1, [0, 0, 0, 0, 0x17, 0x70]), 0);
    link.receive(frame(MSG.ERROR, 2, [4, 1]), 0);
    link.receive(frame(MSG.INPUT, 3, [2, 1]), 0);
    link.receive(frame(MSG.KEYPAD, 4, [1, 0x23]), 0);
    expect(seen.slice(1)).toEqual(['failsafe 0 false 6000', 'error 4 1', 'input 2 true', 'key 1 #']);
  });

  it('refuses malformed messages with the raw frame, and goes on', () => {
    const { link, seen } = setup();
    link.receive(frame(0x42, 0, [1]), 0);
    link.receive(frame(MSG.CARD, 1, [0, 99, 1]), 0);
    link.receive(frame(MSG.INPUT, 2, [9, 1]), 0);
    link.receive(Uint8Array.from([0x7e, 0x03, 0x02, 0x00, 0x00, 0xde, 0xad]), 0); // bad CRC
    link.receive(CARD, 0);
    expect(seen.filter((s) => s.startsWith('rejected'))).toHaveLength(4);
    expect(seen[seen.length - 1]).toBe('card 0 10000110010000111000001111');
    expect(link.status.counters.rejected).toBe(3);
    expect(link.status.counters.badFrames).toBeGreaterThan(0);
  });

  it('gives up a partial frame after the gap, so a stray start byte does not hold the card behind it', () => {
    const { link, seen } = setup();
    link.receive(Uint8Array.of(0x7e, 0x3f), 0); // a start byte and a length of 63
    link.receive(CARD, 1);
    expect(seen.filter((s) => s.startsWith('card'))).toHaveLength(0);
    link.tick(21);
    expect(seen.filter((s) => s.startsWith('card'))).toEqual(['card 0 10000110010000111000001111']);
    expect(link.status.counters.badFrames).toBeGreaterThan(0);
  });

  it('sends commands as the golden frames encode them', () => {
    const { link, sent } = setup();
    link.send({ type: 'relay', relay: 0, ms: 500 }, 0);
    expect(Buffer.from(encodeFrame(sent[0]!)).toString('hex')).toBe(
      Buffer.from(encodeFrame(commandFrame({ type: 'relay', relay: 0, ms: 500 }, 0))).toString('hex'),
    );
  });

  it('survives any bytes: never throws, and a valid card after them is still read', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (noise) => {
        const { link, seen } = setup();
        link.receive(noise, 0);
        link.receive(CARD, 1);
        // A stray start byte and length can hold up to 68 bytes until their CRC fails; the
        // decoder then rescans what it held, so the card is read once the line goes on.
        for (let i = 0; i < 6; i++) link.receive(frame(MSG.HEARTBEAT, 10 + i, [0, 0, 0, i, 0, 0]), 2);
        return seen.filter((s) => s === 'card 0 10000110010000111000001111').length === 1;
      }),
      { numRuns: 300 },
    );
    expect(decodeFrame(CARD).kind).toBe('frame');
  });
});
