/** Command and reply codes (INTEROP.md section 1) and typed records for the plain ones. */
export const CMD = {
  POLL: 0x60,
  ID: 0x61,
  CAP: 0x62,
  LSTAT: 0x64,
  ISTAT: 0x65,
  OSTAT: 0x66,
  RSTAT: 0x67,
  OUT: 0x68,
  LED: 0x69,
  BUZ: 0x6a,
  TEXT: 0x6b,
  COMSET: 0x6e,
  KEYSET: 0x75,
  CHLNG: 0x76,
  SCRYPT: 0x77,
} as const;

export const REPLY = {
  ACK: 0x40,
  NAK: 0x41,
  PDID: 0x45,
  PDCAP: 0x46,
  LSTATR: 0x48,
  ISTATR: 0x49,
  OSTATR: 0x4a,
  RSTATR: 0x4b,
  RAW: 0x50,
  KEYPAD: 0x53,
  COM: 0x54,
  CCRYPT: 0x76,
  RMAC_I: 0x78,
  BUSY: 0x79,
} as const;

export const NAK_REASONS: Record<number, string> = {
  1: 'message check character error',
  2: 'command length error',
  3: 'unknown command code',
  4: 'unexpected sequence number',
  5: 'secure channel not supported',
  6: 'secure channel conditions not met',
  7: 'biometric type not supported',
  8: 'biometric format not supported',
  9: 'unable to process command record',
};

export interface LedTemporary {
  controlCode: number;
  onTime: number;
  offTime: number;
  onColour: number;
  offColour: number;
  timer: number;
}
export interface LedPermanent {
  controlCode: number;
  onTime: number;
  offTime: number;
  onColour: number;
  offColour: number;
}
export interface LedRecord {
  reader: number;
  led: number;
  temporary: LedTemporary;
  permanent: LedPermanent;
}

export const LED_COLOUR = { black: 0, red: 1, green: 2, amber: 3, blue: 4 } as const;

/** LED 0x69: 14-byte records. "Steady on" is written on=1, off=0: some PDs refuse on=0/off=0. */
export const encodeLed = (records: readonly LedRecord[]): Uint8Array =>
  Uint8Array.from(
    records.flatMap((r) => [
      r.reader,
      r.led,
      r.temporary.controlCode,
      r.temporary.onTime,
      r.temporary.offTime,
      r.temporary.onColour,
      r.temporary.offColour,
      r.temporary.timer & 0xff,
      r.temporary.timer >> 8,
      r.permanent.controlCode,
      r.permanent.onTime,
      r.permanent.offTime,
      r.permanent.onColour,
      r.permanent.offColour,
    ]),
  );

/** BUZ 0x6A: reader, tone (1 = off, 2 = default tone; some PDs refuse "off" as any tone but 1), on, off (×100 ms), count. */
export const encodeBuzzer = (b: {
  reader: number;
  tone: number;
  on: number;
  off: number;
  count: number;
}): Uint8Array => Uint8Array.from([b.reader, b.tone, b.on, b.off, b.count]);

/** OUT 0x68: 4-byte records: output, control code, timer LE16 (×100 ms). */
export const encodeOutputs = (
  records: readonly { output: number; controlCode: number; timer: number }[],
): Uint8Array =>
  Uint8Array.from(records.flatMap((r) => [r.output, r.controlCode, r.timer & 0xff, r.timer >> 8]));

export type OsdpReply =
  | { type: 'ack' }
  | { type: 'nak'; code: number; reason: string }
  | { type: 'pdid'; vendor: string; model: number; version: number; serial: number; firmware: string }
  | { type: 'pdcap'; capabilities: { function: number; compliance: number; count: number }[] }
  | { type: 'lstatr'; tamper: boolean; powerFault: boolean }
  | { type: 'raw'; reader: number; format: number; bits: number[] }
  | { type: 'keypad'; reader: number; keys: string }
  | { type: 'busy' }
  /** ISTATR, OSTATR, RSTATR: one byte per input, output or attached reader, in order. */
  | { type: 'istatr' | 'ostatr' | 'rstatr'; states: number[] }
  | { type: 'com'; address: number; baudRate: number }
  | { type: 'ccrypt'; cuid: Uint8Array; rndB: Uint8Array; cryptogram: Uint8Array }
  | { type: 'rmac_i'; rmac: Uint8Array }
  | { type: 'other'; code: number; data: Uint8Array };

/** A reply's data read as its record, or why it cannot be (wrong length, impossible values). */
export const readReply = (code: number, d: Uint8Array): OsdpReply | { invalid: string } => {
  const need = (n: number) =>
    d.length < n ? { invalid: `reply 0x${code.toString(16)} needs ${n} bytes, has ${d.length}` } : null;
  switch (code) {
    case REPLY.ACK:
      return { type: 'ack' };
    case REPLY.NAK:
      return need(1) ?? { type: 'nak', code: d[0]!, reason: NAK_REASONS[d[0]!] ?? `code ${d[0]}` };
    case REPLY.PDID:
      return (
        need(12) ?? {
          type: 'pdid',
          vendor: [...d.subarray(0, 3)].map((b) => b.toString(16).padStart(2, '0')).join(''),
          model: d[3]!,
          version: d[4]!,
          serial: (d[5]! | (d[6]! << 8) | (d[7]! << 16) | (d[8]! << 24)) >>> 0,
          firmware: `${d[9]}.${d[10]}.${d[11]}`,
        }
      );
    case REPLY.PDCAP:
      if (d.length % 3 !== 0) return { invalid: `capabilities come in triples; ${d.length} bytes` };
      return {
        type: 'pdcap',
        capabilities: Array.from({ length: d.length / 3 }, (_, i) => ({
          function: d[i * 3]!,
          compliance: d[i * 3 + 1]!,
          count: d[i * 3 + 2]!,
        })),
      };
    case REPLY.LSTATR:
      // OSDP 2.2, osdp_LSTATR: tamper 0 normal, 1 tamper; power 0 normal, 1 power failure.
      return need(2) ?? { type: 'lstatr', tamper: d[0] !== 0, powerFault: d[1] !== 0 };
    case REPLY.RAW: {
      const short = need(4);
      if (short) return short;
      const count = d[2]! | (d[3]! << 8);
      if (count === 0 || d.length < 4 + Math.ceil(count / 8))
        return { invalid: `card of ${count} bits with ${d.length - 4} bytes` };
      return {
        type: 'raw',
        reader: d[0]!,
        format: d[1]!,
        bits: Array.from({ length: count }, (_, i) => (d[4 + (i >> 3)]! >> (7 - (i & 7))) & 1),
      };
    }
    case REPLY.KEYPAD: {
      const short = need(2);
      if (short) return short;
      const count = d[1]!;
      if (d.length < 2 + count) return { invalid: `${count} keys with ${d.length - 2} bytes` };
      return { type: 'keypad', reader: d[0]!, keys: String.fromCharCode(...d.subarray(2, 2 + count)) };
    }
    case REPLY.BUSY:
      return { type: 'busy' };
    case REPLY.ISTATR:
      return { type: 'istatr', states: [...d] };
    case REPLY.OSTATR:
      return { type: 'ostatr', states: [...d] };
    case REPLY.RSTATR:
      return { type: 'rstatr', states: [...d] };
    case REPLY.COM:
      return (
        need(5) ?? {
          type: 'com',
          address: d[0]!,
          baudRate: (d[1]! | (d[2]! << 8) | (d[3]! << 16) | (d[4]! << 24)) >>> 0,
        }
      );
    case REPLY.CCRYPT:
      return (
        need(32) ?? { type: 'ccrypt', cuid: d.slice(0, 8), rndB: d.slice(8, 16), cryptogram: d.slice(16, 32) }
      );
    case REPLY.RMAC_I:
      return need(16) ?? { type: 'rmac_i', rmac: d.slice(0, 16) };
    default:
      return { type: 'other', code, data: d };
  }
};

/** TEXT 0x6B: reader, command (1 permanent no wrap, 2 permanent wrap, 3 temporary no wrap, 4 temporary wrap), seconds, row, column, length, ASCII. */
export const encodeText = (t: {
  reader: number;
  command: number;
  seconds: number;
  row: number;
  column: number;
  text: string;
}): Uint8Array => {
  const bytes = Buffer.from(t.text.slice(0, 32), 'ascii');
  return Uint8Array.from([t.reader, t.command, t.seconds, t.row, t.column, bytes.length, ...bytes]);
};

/** COMSET 0x6E: the new address and baud rate (LE32); the PD answers COM, then uses them. */
export const encodeComset = (address: number, baudRate: number): Uint8Array =>
  Uint8Array.from([
    address & 0x7f,
    baudRate & 0xff,
    (baudRate >> 8) & 0xff,
    (baudRate >> 16) & 0xff,
    baudRate >>> 24,
  ]);
