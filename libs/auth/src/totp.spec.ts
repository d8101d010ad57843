import { base32Decode, base32Encode, hotp, matchTotp, totpCode, totpStep } from './totp';

describe('TOTP (RFC 6238) and HOTP (RFC 4226)', () => {
  // RFC 4226 Appendix D: secret "12345678901234567890", counters 0-9.
  const HOTP = [
    '755224',
    '287082',
    '359152',
    '969429',
    '338314',
    '254676',
    '287922',
    '162583',
    '399871',
    '520489',
  ];
  it('reproduces the RFC 4226 HOTP vectors', () => {
    HOTP.forEach((code, counter) => expect(hotp(Buffer.from('12345678901234567890'), counter)).toBe(code));
  });

  // RFC 6238 Appendix B, SHA-1 column (8 digits), same seed.
  it('reproduces the RFC 6238 SHA-1 vectors', () => {
    const key = Buffer.from('12345678901234567890');
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [t, code] of vectors) expect(hotp(key, totpStep(t * 1000), 8)).toBe(code);
  });

  it('round-trips base32 (RFC 4648 vectors)', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI').toString()).toBe('foobar');
    expect(() => base32Decode('not*base32')).toThrow();
  });

  it('accepts one step of drift and refuses a replayed step', () => {
    const secret = base32Encode(Buffer.from('12345678901234567890'));
    const t = 1_700_000_000_000;
    const code = totpCode(secret, t - 30_000);
    const step = matchTotp(secret, code, t, null);
    expect(step).toBe(totpStep(t) - 1);
    expect(matchTotp(secret, code, t, step)).toBeNull();
    expect(matchTotp(secret, totpCode(secret, t - 90_000), t, null)).toBeNull();
    expect(matchTotp(secret, 'abcdef', t, null)).toBeNull();
  });
});
