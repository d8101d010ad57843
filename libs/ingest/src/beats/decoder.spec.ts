import { deflateSync } from 'node:zlib';
import { BeatsDecoder } from './decoder';
import { ackFrame } from './frames';

const u32 = (value: number): Buffer => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
};
const window = (count: number) => Buffer.concat([Buffer.from('2W'), u32(count)]);
const json = (sequence: number, payload: string | Buffer) => {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([Buffer.from('2J'), u32(sequence), u32(body.length), body]);
};
const compressed = (...frames: Buffer[]) => {
  const body = deflateSync(Buffer.concat(frames));
  return Buffer.concat([Buffer.from('2C'), u32(body.length), body]);
};

describe('BeatsDecoder (Lumberjack v2)', () => {
  it('reads a window of JSON frames and acknowledges the last sequence once the window is complete', () => {
    const decoder = new BeatsDecoder(1 << 16);
    const first = decoder.push(Buffer.concat([window(2), json(1, '{"a":1}')]));
    expect(first.events).toEqual([{ sequence: 1, raw: '{"a":1}', value: { a: 1 } }]);
    expect(first.acks).toEqual([]);
    expect(decoder.windowOpen).toBe(true);
    const second = decoder.push(json(2, '{"a":2}'));
    expect(second.acks).toEqual([2]);
    expect(decoder.windowOpen).toBe(false);
  });

  it('reads a compressed batch (as Winlogbeat sends with compression_level > 0)', () => {
    const decoder = new BeatsDecoder(1 << 16);
    const out = decoder.push(
      Buffer.concat([window(3), compressed(json(1, '{"n":1}'), json(2, '{"n":2}'), json(3, '{"n":3}'))]),
    );
    expect(out.events.map((event) => event.value)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(out.acks).toEqual([3]);
  });

  it('joins frames split across reads, at every split point', () => {
    const stream = Buffer.concat([window(2), json(1, '{"x":"é"}'), compressed(json(2, '{"y":2}'))]);
    for (let cut = 1; cut < stream.length; cut++) {
      const decoder = new BeatsDecoder(1 << 16);
      const a = decoder.push(stream.subarray(0, cut));
      const b = decoder.push(stream.subarray(cut));
      expect([...a.events, ...b.events].map((event) => event.sequence)).toEqual([1, 2]);
      expect([...a.acks, ...b.acks]).toEqual([2]);
      expect(decoder.pendingBytes).toBe(0);
    }
  });

  it('counts an event that is not a JSON object, and still acknowledges it (a resend would not fix it)', () => {
    const decoder = new BeatsDecoder(1 << 16);
    const out = decoder.push(
      Buffer.concat([window(3), json(1, 'not json'), json(2, '[1]'), json(3, Buffer.from([0xff, 0xfe]))]),
    );
    expect(out).toMatchObject({ events: [], badEvents: 3, acks: [3] });
  });

  it.each([
    ['a wrong version byte', Buffer.from('1W\0\0\0\x01'), 'beats-bad-version'],
    ['an unknown frame type', Buffer.concat([window(1), Buffer.from('2Z\0\0')]), 'beats-unknown-frame'],
    [
      'a JSON frame after a window of zero (an empty batch)',
      Buffer.concat([window(0), json(1, '{}')]),
      'beats-unexpected-frame',
    ],
    [
      'a JSON length above the limit',
      Buffer.concat([window(1), Buffer.from('2J'), u32(1), u32(1 << 20)]),
      'beats-bad-length',
    ],
    [
      'a compressed length above the limit',
      Buffer.concat([window(1), Buffer.from('2C'), u32(1 << 20)]),
      'beats-bad-length',
    ],
    [
      'bytes that are not zlib',
      Buffer.concat([window(1), Buffer.from('2C'), u32(4), Buffer.from('junk')]),
      'beats-bad-zlib',
    ],
    ['a JSON frame before any window', json(1, '{}'), 'beats-unexpected-frame'],
    [
      'a window inside a compressed batch',
      Buffer.concat([window(1), compressed(window(1))]),
      'beats-unexpected-frame',
    ],
    [
      'a compressed batch whose last frame is cut',
      Buffer.concat([window(2), compressed(json(1, '{}'), json(2, '{}').subarray(0, 8))]),
      'beats-bad-length',
    ],
  ])('breaks off at %s', (_what, bytes, fault) => {
    const decoder = new BeatsDecoder(1 << 16);
    const out = decoder.push(bytes);
    expect(out.fault).toBe(fault);
    // Once broken, nothing more is read from that connection.
    expect(decoder.push(Buffer.concat([window(1), json(1, '{}')]))).toEqual({
      events: [],
      badEvents: 0,
      acks: [],
    });
  });

  it('refuses a zlib bomb instead of inflating it', () => {
    // 10 MiB of zeros deflate to about 10 KiB: within the frame limit, far beyond 16 times it inflated.
    const bomb = deflateSync(Buffer.alloc(10 << 20));
    const decoder = new BeatsDecoder(bomb.length + 10);
    const frame = Buffer.concat([Buffer.from('2C'), u32(bomb.length), bomb]);
    expect(decoder.push(Buffer.concat([window(1), frame])).fault).toBe('beats-bad-zlib');
    expect(decoder.pendingBytes).toBe(0);
  });

  it('holds a truncated frame as pending (the listener counts it when the connection ends)', () => {
    const decoder = new BeatsDecoder(1 << 16);
    decoder.push(Buffer.concat([window(1), json(1, '{"a":1}').subarray(0, 9)]));
    expect(decoder.pendingBytes).toBe(9);
  });

  it('writes an ack as 2A and the big-endian sequence', () => {
    expect(ackFrame(258)).toEqual(Buffer.from([0x32, 0x41, 0, 0, 1, 2]));
  });

  it('never throws on random bytes after a window', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let run = 0; run < 300; run++) {
      const decoder = new BeatsDecoder(4096);
      const noise = Buffer.alloc(Math.floor(random() * 200));
      for (let i = 0; i < noise.length; i++)
        noise[i] =
          random() < 0.3 ? [0x32, 0x4a, 0x43, 0x57][Math.floor(random() * 4)]! : Math.floor(random() * 256);
      decoder.push(Buffer.concat([window(3), noise]));
      expect(decoder.pendingBytes).toBeLessThanOrEqual(4096 + 220);
    }
  });
});
