import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { hmacSha256 } from './hmac';

describe('hmacSha256', () => {
  it('gives the bytes of createHmac for any key length and message', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 130 }),
        fc.string({ unit: 'grapheme' }),
        (key, message) => {
          const k = Buffer.from(key);
          expect(
            hmacSha256(k)(message).equals(createHmac('sha256', k).update(message, 'utf8').digest()),
          ).toBe(true);
        },
      ),
    );
  });

  it('matches RFC 4231 test case 2', () => {
    const digest = hmacSha256(Buffer.from('Jefe'))('what do ya want for nothing?');
    expect(digest.toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('keeps no state between messages', () => {
    const mac = hmacSha256(randomBytes(32));
    expect(mac('a').equals(mac('a'))).toBe(true);
    expect(mac('a').equals(mac('b'))).toBe(false);
  });
});
