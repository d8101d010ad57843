import { encodeOsdp, type OsdpFrame } from './frame';
import { computeMac, decryptData, encryptData, sameBytes, SCS, type SessionKeys } from './secure';

export interface Plain {
  code: number;
  data: Uint8Array;
}

const MAC_LENGTH = 4;

/** The bytes a MAC covers: SOM through the end of the data, without the MAC and the check. */
const macRegion = (raw: Uint8Array, crc: boolean) => raw.subarray(0, raw.length - (crc ? 2 : 1) - MAC_LENGTH);

/**
 * An established secure channel, from either end: it seals outgoing messages
 * (encrypting data, adding the chained MAC) and opens incoming ones. A MAC that
 * does not verify leaves the chain untouched and is reported to the caller,
 * which must drop the session: it is a forged, corrupted or replayed message.
 */
export class SecureSession {
  /** Last full command MAC (CP to PD) and reply MAC (PD to CP): the chain. */
  private cmac: Uint8Array;
  private rmac: Uint8Array;

  constructor(
    private readonly keys: SessionKeys,
    rmacI: Uint8Array,
    readonly side: 'cp' | 'pd',
  ) {
    this.rmac = rmacI;
    this.cmac = rmacI;
  }

  seal(o: { address: number; sequence: number; code: number; data?: Uint8Array }): Uint8Array {
    const outgoingIsCommand = this.side === 'cp';
    const data = o.data ?? new Uint8Array(0);
    const other = outgoingIsCommand ? this.rmac : this.cmac;
    const encrypted = data.length > 0;
    const type = outgoingIsCommand
      ? encrypted
        ? SCS.CMD_MAC_ENC
        : SCS.CMD_MAC
      : encrypted
        ? SCS.REPLY_MAC_ENC
        : SCS.REPLY_MAC;
    const frame = {
      address: o.address,
      reply: !outgoingIsCommand,
      sequence: o.sequence,
      crc: true,
      security: { type, data: new Uint8Array(0) },
      code: o.code,
      data: encrypted ? encryptData(this.keys, other, data) : data,
    };
    const draft = encodeOsdp({ ...frame, mac: new Uint8Array(MAC_LENGTH) });
    const mac = computeMac(this.keys, other, macRegion(draft, true));
    if (outgoingIsCommand) this.cmac = mac;
    else this.rmac = mac;
    return encodeOsdp({ ...frame, mac: mac.subarray(0, MAC_LENGTH) });
  }

  /** Verifies and decrypts a message from the other end, or says why not. */
  open(frame: OsdpFrame, raw: Uint8Array): Plain | { error: string } {
    const incomingIsCommand = this.side === 'pd';
    const expected = incomingIsCommand ? [SCS.CMD_MAC, SCS.CMD_MAC_ENC] : [SCS.REPLY_MAC, SCS.REPLY_MAC_ENC];
    const type = frame.security?.type;
    if (type === undefined || !expected.includes(type as never) || !frame.mac)
      return { error: `plain or wrong security type ${type ?? 'none'} inside a secure channel` };
    const iv = incomingIsCommand ? this.rmac : this.cmac;
    const mac = computeMac(this.keys, iv, macRegion(raw, frame.crc));
    if (!sameBytes(mac.subarray(0, MAC_LENGTH), frame.mac)) return { error: 'MAC does not verify' };
    let data = frame.data;
    if (type === SCS.CMD_MAC_ENC || type === SCS.REPLY_MAC_ENC) {
      const plain = decryptData(this.keys, iv, frame.data);
      if (!plain) return { error: 'data does not decrypt' };
      data = plain;
    }
    if (incomingIsCommand) this.cmac = mac;
    else this.rmac = mac;
    return { code: frame.code, data };
  }
}
