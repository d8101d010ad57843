import { createCipheriv } from 'node:crypto';
import { checksum, crc16Aug } from './frame';
import {
  clientCryptogram,
  computeMac,
  decryptData,
  encryptData,
  initialRmac,
  SCBK_D,
  serverCryptogram,
  sessionKeys,
} from './secure';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** SIA OSDP specification, Annex E ("Examples"). */
describe('OSDP Annex E vectors', () => {
  it('CRC examples', () => {
    const crc1 = crc16Aug(hex('53 7F 0D 00 04 6E 00 80 25 00 00'));
    expect([crc1 & 0xff, crc1 >> 8]).toEqual([0x6e, 0x38]);
    const crc2 = crc16Aug(hex('53 00 09 00 04 61 00'));
    expect([crc2 & 0xff, crc2 >> 8]).toEqual([0xc0, 0x66]);
  });

  it('checksum examples', () => {
    expect(checksum(hex('53 7F 0C 00 00 6E 00 80 25 00 00'))).toBe(0x0f);
    expect(checksum(hex('53 00 08 00 00 61 00'))).toBe(0x44);
  });

  it('SCBK-D session keys, both cryptograms and RMAC_I', () => {
    const rndA = hex('B0 B1 B2 B3 B4 B5 B6 B7'); // the CP's random
    const rndB = hex('A0 A1 A2 A3 A4 A5 A6 A7'); // the PD's random
    const k = sessionKeys(SCBK_D, rndA);
    expect(toHex(k.mac1)).toBe('5e86c676603bdee2d8beafe178637332');
    expect(toHex(k.mac2)).toBe('6fda86e857777e81132035758239172e');
    expect(toHex(k.enc)).toBe('bf8dc2a8329acb8c67c6d0cd9a451682');
    const server = serverCryptogram(k, rndA, rndB);
    expect(toHex(server)).toBe('26d3356e07762d262801fc8e6665a891');
    expect(toHex(clientCryptogram(k, rndA, rndB))).toBe('fde5d2f428ec16312471ea3c02bd7796');
    expect(toHex(initialRmac(k, server))).toBe('b2a30057eb98ba2229ec1f875662b524');
  });
});

describe('OSDP secure messaging', () => {
  const k = sessionKeys(SCBK_D, hex('0102030405060708'));
  const iv = hex('00112233445566778899aabbccddeeff');

  /**
   * The MAC written out from the specification's words with OpenSSL's own
   * AES-CBC (not the code under test): pad with 80 00.. only a partial last
   * block; CBC with S-MAC1 from the IV over every block but the last; the
   * last block enciphered with S-MAC2 after XOR with the chain so far.
   */
  const referenceMac = (iv: Uint8Array, message: Uint8Array): string => {
    const blocks = Math.max(1, Math.ceil(message.length / 16));
    const padded = Buffer.alloc(blocks * 16);
    padded.set(message);
    if (message.length % 16 !== 0 || message.length === 0) padded[message.length] = 0x80;
    let chain = Buffer.from(iv);
    if (blocks > 1) {
      const cbc = createCipheriv('aes-128-cbc', k.mac1, iv).setAutoPadding(false);
      const out = Buffer.concat([cbc.update(padded.subarray(0, (blocks - 1) * 16)), cbc.final()]);
      chain = out.subarray(out.length - 16);
    }
    const last = Buffer.from(padded.subarray((blocks - 1) * 16).map((b, i) => b ^ chain[i]!));
    const ecb = createCipheriv('aes-128-cbc', k.mac2, Buffer.alloc(16)).setAutoPadding(false);
    return Buffer.concat([ecb.update(last), ecb.final()]).toString('hex');
  };

  it('computes the MAC as the specification says, checked against an independent computation', () => {
    for (const length of [0, 8, 15, 16, 17, 31, 32, 40, 64]) {
      const message = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 0xff);
      expect(toHex(computeMac(k, iv, message))).toBe(referenceMac(iv, message));
    }
  });

  it('chains MACs: a different IV or one changed byte gives a different MAC', () => {
    const message = hex('53 01 0e 00 0d 02 15 60');
    const mac = computeMac(k, iv, message);
    expect(toHex(computeMac(k, mac, message))).toBe(referenceMac(mac, message));
    expect(toHex(computeMac(k, mac, message))).not.toBe(toHex(mac));
    const changed = message.slice();
    changed[7] ^= 1;
    expect(toHex(computeMac(k, iv, changed))).not.toBe(toHex(mac));
  });

  it('pads only partial blocks for the MAC: 16 bytes is one block, 17 are two', () => {
    const sixteen = new Uint8Array(16).fill(7);
    const padded = new Uint8Array(16).fill(7);
    expect(toHex(computeMac(k, iv, sixteen))).toBe(toHex(computeMac(k, iv, padded)));
    const withMarker = Uint8Array.from([...new Uint8Array(15).fill(7), 0x80]);
    expect(toHex(computeMac(k, iv, new Uint8Array(15).fill(7)))).toBe(toHex(computeMac(k, iv, withMarker)));
  });

  it('encrypts data with a marker always appended, and decrypts it back', () => {
    for (const length of [0, 1, 15, 16, 17, 40]) {
      const data = Uint8Array.from({ length }, (_, i) => i * 7);
      const sealed = encryptData(k, iv, data);
      expect(sealed.length % 16).toBe(0);
      expect(sealed.length).toBeGreaterThan(length);
      expect(toHex(decryptData(k, iv, sealed)!)).toBe(toHex(data));
    }
  });

  it('refuses ciphertext of a wrong length or with broken padding', () => {
    expect(decryptData(k, iv, new Uint8Array(15))).toBeNull();
    expect(decryptData(k, iv, new Uint8Array(0))).toBeNull();
    const sealed = encryptData(k, iv, hex('010203'));
    expect(decryptData(k, hex('ffffffffffffffffffffffffffffffff'), sealed)).toBeNull();
  });
});
