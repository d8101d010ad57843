import { encodeOsdp, type OsdpFrame } from './frame';
import { computeMac, decryptData, encryptData, sameBytes, SCS, type SessionKeys } from './secure';

export interface Plain {
  code: number;
  data: Uint8Array;
  /** The message carried the other direction's security type, but its MAC verified. */
  mislabelled?: boolean;
}

const MAC_LENGTH = 4;
const MAC_TYPES: number[] = [SCS.CMD_MAC, SCS.REPLY_MAC, SCS.CMD_MAC_ENC, SCS.REPLY_MAC_ENC];

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

  /**
   * `mislabel` writes the other direction's security type, as libosdp's PD did
   * before its issue 7 was fixed (`02 15` on a reply): for simulating such a PD.
   * `clear` sends the data unencrypted under the MAC-only type, as libosdp's PD
   * still does with its status replies (`02 15`, LSTATR data in clear).
   */
  seal(o: {
    address: number;
    sequence: number;
    code: number;
    data?: Uint8Array;
    mislabel?: boolean;
    clear?: boolean;
  }): Uint8Array {
    const outgoingIsCommand = this.side === 'cp';
    const labelAsCommand = outgoingIsCommand !== (o.mislabel === true);
    const data = o.data ?? new Uint8Array(0);
    const other = outgoingIsCommand ? this.rmac : this.cmac;
    const encrypted = data.length > 0 && o.clear !== true;
    const type = labelAsCommand
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

  /**
   * Verifies and decrypts a message from the other end, or says why not. The
   * MAC decides: a message labelled with the other direction's type (a known
   * PD stack bug) is accepted when its MAC verifies in this direction's chain,
   * and marked `mislabelled`; a message without a MAC never is.
   */
  open(frame: OsdpFrame, raw: Uint8Array): Plain | { error: string } {
    const incomingIsCommand = this.side === 'pd';
    const expected: number[] = incomingIsCommand
      ? [SCS.CMD_MAC, SCS.CMD_MAC_ENC]
      : [SCS.REPLY_MAC, SCS.REPLY_MAC_ENC];
    const type = frame.security?.type;
    if (type === undefined || !MAC_TYPES.includes(type) || !frame.mac)
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
    return { code: frame.code, data, ...(expected.includes(type) ? {} : { mislabelled: true }) };
  }
}
