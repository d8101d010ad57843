import fc from 'fast-check';
import { checksum, crc16Aug, decodeOsdp, encodeOsdp } from './frame';
import { CMD, encodeComset, encodeLed, encodeText, readReply, REPLY } from './messages';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

describe('OSDP framing', () => {
  it('reproduces the known POLL to 0x65 with CRC and the CRC-16/AUG-CCITT check value', () => {
    expect(Buffer.from(encodeOsdp({ address: 0x65, sequence: 0, code: CMD.POLL })).toString('hex')).toBe(
      '5365080004606090',
    );
    expect(crc16Aug(Buffer.from('123456789'))).toBe(0xe5cc);
    const d = decodeOsdp(hex('53 65 08 00 04 60 60 90'));
    expect(d).toMatchObject({
      kind: 'frame',
      used: 8,
      frame: { address: 0x65, reply: false, sequence: 0, crc: true, code: 0x60, security: null, mac: null },
    });
  });

  it('accepts a checksum frame as well (PDs answer with either), and the mark byte before it', () => {
    const bytes = encodeOsdp({
      address: 1,
      reply: true,
      sequence: 2,
      crc: false,
      code: REPLY.ACK,
      mark: true,
    });
    expect(bytes[0]).toBe(0xff);
    expect(checksum(bytes, 1)).toBe(0); // the sum including the checksum is zero
    expect(decodeOsdp(bytes)).toEqual({ kind: 'skip', used: 1 });
    expect(decodeOsdp(bytes.subarray(1))).toMatchObject({
      kind: 'frame',
      frame: { address: 1, reply: true, sequence: 2, crc: false, code: 0x40 },
    });
  });

  it('carries a security block and the MAC of secure messages', () => {
    const bytes = encodeOsdp({
      address: 3,
      sequence: 1,
      code: CMD.LED,
      security: { type: 0x17, data: new Uint8Array(0) },
      data: Uint8Array.from([9, 9, 9]),
      mac: Uint8Array.from([1, 2, 3, 4]),
    });
    expect(decodeOsdp(bytes)).toMatchObject({
      kind: 'frame',
      frame: {
        security: { type: 0x17 },
        code: CMD.LED,
        data: Uint8Array.from([9, 9, 9]),
        mac: Uint8Array.from([1, 2, 3, 4]),
      },
    });
  });

  it('refuses a wrong check or an impossible length, and waits for a partial frame', () => {
    const good = encodeOsdp({ address: 0x65, sequence: 0, code: CMD.POLL });
    expect(decodeOsdp(good.subarray(0, 6))).toEqual({ kind: 'wait' });
    const bad = Uint8Array.from(good);
    bad[5] ^= 1;
    expect(decodeOsdp(bad)).toEqual({ kind: 'bad', reason: 'CRC mismatch', used: 1 });
    expect(decodeOsdp(hex('53 01 ff ff 04'))).toEqual({
      kind: 'bad',
      reason: 'length 65535 out of range',
      used: 1,
    });
  });

  it('round-trips any frame and never throws on random or corrupted bytes (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.record({
          address: fc.integer({ min: 0, max: 0x7f }),
          reply: fc.boolean(),
          sequence: fc.integer({ min: 0, max: 3 }),
          crc: fc.boolean(),
          code: fc.integer({ min: 0, max: 255 }),
          data: fc.uint8Array({ maxLength: 100 }),
        }),
        fc.nat(),
        (o, flip) => {
          const bytes = encodeOsdp(o);
          const d = decodeOsdp(bytes);
          expect(d).toMatchObject({
            kind: 'frame',
            frame: { address: o.address, reply: o.reply, sequence: o.sequence, crc: o.crc, code: o.code },
          });
          if (d.kind === 'frame') expect(Buffer.from(d.frame.data).equals(Buffer.from(o.data))).toBe(true);
          const corrupt = Uint8Array.from(bytes);
          const at = 5 + (flip % (bytes.length - 5));
          corrupt[at] ^= 1 << (flip % 8);
          expect(decodeOsdp(corrupt).kind).not.toBe('frame');
        },
      ),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => void decodeOsdp(b)));
  });
});

describe('OSDP records', () => {
  it('reads PDID, PDCAP, LSTATR, RAW and KEYPAD, and refuses short ones', () => {
    expect(readReply(REPLY.PDID, hex('0a0017 01 02 78563412 010203'))).toEqual({
      type: 'pdid',
      vendor: '0a0017',
      model: 1,
      version: 2,
      serial: 0x12345678,
      firmware: '1.2.3',
    });
    expect(readReply(REPLY.PDCAP, hex('010201 040104'))).toEqual({
      type: 'pdcap',
      capabilities: [
        { function: 1, compliance: 2, count: 1 },
        { function: 4, compliance: 1, count: 4 },
      ],
    });
    // OSDP 2.2 osdp_LSTATR: tamper then power, 0 normal and 1 the fault.
    expect(readReply(REPLY.LSTATR, hex('0000'))).toEqual({
      type: 'lstatr',
      tamper: false,
      powerFault: false,
    });
    expect(readReply(REPLY.LSTATR, hex('0100'))).toEqual({ type: 'lstatr', tamper: true, powerFault: false });
    expect(readReply(REPLY.LSTATR, hex('0001'))).toEqual({ type: 'lstatr', tamper: false, powerFault: true });
    expect(readReply(REPLY.RAW, hex('00 01 1a00 80800080'))).toMatchObject({
      type: 'raw',
      reader: 0,
      format: 1,
      bits: [...'10000000100000000000000010'].map(Number),
    });
    expect(readReply(REPLY.KEYPAD, hex('00 05 3132333423'))).toEqual({
      type: 'keypad',
      reader: 0,
      keys: '1234#',
    });
    expect(readReply(REPLY.NAK, hex('06'))).toEqual({
      type: 'nak',
      code: 6,
      reason: 'secure channel conditions not met',
    });
    expect(readReply(REPLY.PDID, hex('0a00'))).toEqual({ invalid: 'reply 0x45 needs 12 bytes, has 2' });
    expect(readReply(REPLY.RAW, hex('00 01 ff00 80'))).toEqual({ invalid: 'card of 255 bits with 1 bytes' });
  });

  it('writes LED records of 14 bytes, "steady on" as on=1 off=0', () => {
    const led = encodeLed([
      {
        reader: 0,
        led: 0,
        temporary: { controlCode: 2, onTime: 5, offTime: 5, onColour: 2, offColour: 0, timer: 30 },
        permanent: { controlCode: 1, onTime: 1, offTime: 0, onColour: 1, offColour: 0 },
      },
    ]);
    // reader, led, temporary {cc, on, off, on colour, off colour, timer LE16}, permanent {cc, on, off, on colour, off colour}
    expect(Buffer.from(led).toString('hex')).toBe('00' + '00' + '0205050200' + '1e00' + '0101000100');
    expect(led).toHaveLength(14);
  });

  it('reads status, COM and handshake replies, and writes TEXT and COMSET', () => {
    expect(readReply(REPLY.ISTATR, Uint8Array.of(0, 1, 0))).toEqual({ type: 'istatr', states: [0, 1, 0] });
    expect(readReply(REPLY.COM, hex('05 00 c2 01 00'))).toEqual({
      type: 'com',
      address: 5,
      baudRate: 115200,
    });
    expect(readReply(REPLY.COM, hex('05 00'))).toMatchObject({
      invalid: expect.stringMatching(/needs 5 bytes/),
    });
    expect(readReply(REPLY.RMAC_I, new Uint8Array(8))).toMatchObject({ invalid: expect.any(String) });
    // Annex E's COMSET example: broadcast, address 0, 9600 baud.
    expect(Buffer.from(encodeComset(0, 9600)).toString('hex')).toBe('0080250000');
    expect(encodeText({ reader: 0, command: 1, seconds: 0, row: 1, column: 1, text: 'Hi' })).toEqual(
      Uint8Array.of(0, 1, 0, 1, 1, 2, 0x48, 0x69),
    );
  });
});
