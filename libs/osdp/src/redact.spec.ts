import { encodeOsdp } from './frame';
import { CMD, REPLY } from './messages';
import { redactedBytes, redactedHex } from './redact';
import { SCS } from './secure';

const rndA = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
const chlng = encodeOsdp({
  address: 1,
  sequence: 1,
  code: CMD.CHLNG,
  data: rndA,
  security: { type: SCS.CHLNG, data: Uint8Array.of(0) },
});
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('capture redaction', () => {
  it('keeps a handshake frame header and withholds its data, MAC and check', () => {
    expect(redactedHex(chlng, false)).toBe(`${hex(chlng.subarray(0, 9))}${'xx'.repeat(10)}`);
    const ccrypt = encodeOsdp({
      address: 1,
      reply: true,
      sequence: 1,
      code: REPLY.CCRYPT,
      data: new Uint8Array(32).fill(9),
      security: { type: SCS.CCRYPT, data: Uint8Array.of(0) },
    });
    expect(redactedHex(ccrypt, false)).not.toContain('09');
  });

  it('withholds KEYSET data even in plain text, and shows other frames whole', () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
    const keyset = encodeOsdp({
      address: 1,
      sequence: 2,
      code: CMD.KEYSET,
      data: Uint8Array.from([1, 16, ...key]),
    });
    expect(redactedHex(keyset, false)).not.toContain(hex(key).slice(0, 8));
    const poll = encodeOsdp({ address: 1, sequence: 2, code: CMD.POLL });
    expect(redactedHex(Uint8Array.from([0xff, ...poll]), false)).toBe(`ff${hex(poll)}`);
  });

  it('withholds bytes that make no frame while secrets are on the line: a damaged echo of CHLNG', () => {
    const damaged = chlng.slice();
    damaged[damaged.length - 1] ^= 0xff; // the check fails: no frame, the random still there
    expect(redactedHex(damaged, false)).toContain(hex(rndA));
    expect(redactedHex(damaged, true)).toBe('xx'.repeat(damaged.length));
    expect(hex(redactedBytes(damaged, true))).not.toContain(hex(rndA));
  });
});
