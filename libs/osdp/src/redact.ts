import { decodeOsdp } from './frame';
import { CMD, REPLY } from './messages';
import { SCS } from './secure';

/**
 * What a capture for field debugging may show of OSDP bytes (STYLE.md: a
 * capture never holds keys or handshakes). The handshake gives away the
 * session keys whenever the base key is known, and the install key SCBK-D is
 * public: from CHLNG's random alone, with SCBK-D, the install session and the
 * KEYSET inside it decrypt. So the data of every handshake message and every
 * KEYSET, in either direction (a two-wire adapter echoes our commands), is
 * withheld, with the MAC and check bytes computed over it; the header (SOM,
 * address, length, control, security block, code) stays for debugging.
 *
 * While the control panel has secrets on the line (`secretPeriod`: a
 * handshake or key transfer in flight, or a session under SCBK-D), bytes that
 * make no whole frame are withheld too: a damaged or torn echo of CHLNG is
 * still CHLNG's random.
 */
const SECRET_SECURITY_TYPES = new Set<number>([SCS.CHLNG, SCS.CCRYPT, SCS.SCRYPT, SCS.RMAC_I]);
const SECRET_CODES = new Set<number>([CMD.KEYSET, CMD.CHLNG, CMD.SCRYPT, REPLY.CCRYPT, REPLY.RMAC_I]);

/** For each byte, whether a capture must withhold it. */
export const secretBytes = (bytes: Uint8Array, secretPeriod: boolean): Uint8Array => {
  const secret = new Uint8Array(bytes.length);
  let i = 0;
  while (i < bytes.length) {
    const d = decodeOsdp(bytes.subarray(i));
    if (d.kind === 'frame') {
      const f = d.frame;
      const header = 5 + (f.security ? f.security.data.length + 2 : 0) + 1;
      const sensitive =
        (f.security !== null && SECRET_SECURITY_TYPES.has(f.security.type)) ||
        SECRET_CODES.has(f.code) ||
        // Inside a session under SCBK-D everything encrypted is as readable as its keys.
        (secretPeriod && f.data.length > 0);
      if (sensitive) secret.fill(1, i + header, i + d.used);
      i += d.used;
      continue;
    }
    // Not a whole frame from here: bytes before the next SOM, or this SOM alone; look again after them.
    const used = d.kind === 'skip' ? d.used : 1;
    if (secretPeriod) secret.fill(1, i, i + used);
    i += used;
  }
  return secret;
};

/** Hex as a field engineer reads it, each withheld byte written `xx`. */
export const redactedHex = (bytes: Uint8Array, secretPeriod: boolean): string => {
  const secret = secretBytes(bytes, secretPeriod);
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += secret[i] ? 'xx' : bytes[i]!.toString(16).padStart(2, '0');
  return text;
};

/** The bytes with every withheld one zeroed (dead letters keep raw bytes, never secrets). */
export const redactedBytes = (bytes: Uint8Array, secretPeriod: boolean): Uint8Array => {
  const secret = secretBytes(bytes, secretPeriod);
  return bytes.map((b, i) => (secret[i] ? 0 : b));
};
