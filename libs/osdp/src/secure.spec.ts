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

  it('chains MACs: a different IV or one changed byte gives a different MAC', () => {
    const message = hex('53 01 0e 00 0d 02 15 60');
    const mac = computeMac(k, iv, message);
    expect(mac).toHaveLength(16);
    expect(toHex(computeMac(k, iv, message))).toBe(toHex(mac));
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
