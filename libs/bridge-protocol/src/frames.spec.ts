import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { crc16, decodeFrame, encodeFrame, FrameReader } from './frames';
import { commandFrame, readBridgeMessage, type GatewayCommand } from './messages';

interface Vector {
  name: string;
  direction: 'bridge' | 'gateway';
  message: Record<string, unknown>;
  hex: string;
}
const golden = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'firmware-bridge', 'vectors', 'frames.json'), 'utf8'),
) as {
  crcCheck: { input: string; crc: string };
  vectors: Vector[];
};

describe('bridge frames (firmware-bridge/PROTOCOL.md)', () => {
  it('computes CRC-16/CCITT-FALSE: "123456789" gives 0x29B1', () => {
    expect(crc16(Buffer.from(golden.crcCheck.input, 'hex')).toString(16)).toBe(golden.crcCheck.crc);
  });

  it.each(golden.vectors.map((v) => [v.name, v] as const))('golden frame: %s', (_name, v) => {
    const bytes = Buffer.from(v.hex, 'hex');
    const d = decodeFrame(bytes);
    expect(d.kind).toBe('frame');
    if (d.kind !== 'frame') return;
    expect(d.used).toBe(bytes.length);
    if (v.direction === 'bridge') {
      const m = readBridgeMessage(d.frame);
      const expected =
        v.message.type === 'card'
          ? { ...v.message, bits: [...String(v.message.bits)].map(Number) }
          : v.message;
      expect(m).toEqual(expected);
    } else {
      expect(
        Buffer.from(encodeFrame(commandFrame(v.message as unknown as GatewayCommand, d.frame.seq))).toString(
          'hex',
        ),
      ).toBe(v.hex);
    }
  });

  it('skips garbage, refuses a wrong CRC or length, and waits for the rest of a frame', () => {
    const good = encodeFrame({ type: 0x85, seq: 7, payload: new Uint8Array(0) });
    expect(decodeFrame(Uint8Array.from([0x00, 0x11, 0x7e]))).toEqual({ kind: 'skip', used: 2 });
    expect(decodeFrame(good.subarray(0, 4))).toEqual({ kind: 'wait' });
    const corrupt = Uint8Array.from(good);
    corrupt[3] ^= 0xff;
    expect(decodeFrame(corrupt)).toEqual({ kind: 'bad', reason: 'CRC mismatch', used: 1 });
    expect(decodeFrame(Uint8Array.from([0x7e, 200, 0, 0]))).toEqual({
      kind: 'bad',
      reason: 'length 200 out of range',
      used: 1,
    });
    expect(readBridgeMessage({ type: 0x02, seq: 0, payload: Uint8Array.from([0, 26, 1]) })).toEqual({
      invalid: 'card of 26 bits with 1 bytes',
    });
    expect(readBridgeMessage({ type: 0x42, seq: 0, payload: new Uint8Array(0) })).toEqual({
      invalid: 'unknown type 0x42',
    });
  });

  it('finds every frame in a stream cut anywhere, with noise between them, and never throws (fast-check)', () => {
    const frameArb = fc.record({
      type: fc.integer({ min: 0, max: 255 }),
      seq: fc.integer({ min: 0, max: 255 }),
      payload: fc.uint8Array({ maxLength: 64 }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(frameArb, fc.uint8Array({ maxLength: 12 })), { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1 }),
        (items, cuts) => {
          const stream = Buffer.concat(
            items.flatMap(([f, noise]) => [
              Buffer.from(noise.filter((b) => b !== 0x7e)),
              Buffer.from(encodeFrame(f)),
            ]),
          );
          const reader = new FrameReader();
          const got = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            got.push(...reader.push(stream.subarray(at, at + n)));
            at += n;
          }
          expect(got.map((f) => [f.type, f.seq, Buffer.from(f.payload).toString('hex')])).toEqual(
            items.map(([f]) => [f.type, f.seq, Buffer.from(f.payload).toString('hex')]),
          );
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const reader = new FrameReader();
        expect(() => reader.push(bytes)).not.toThrow();
      }),
    );
  });
});
