import type { Frame } from './frames';

/** Message types (firmware-bridge/PROTOCOL.md). */
export const MSG = {
  HELLO: 0x01,
  CARD: 0x02,
  KEYPAD: 0x03,
  INPUT: 0x04,
  HEARTBEAT: 0x05,
  ERROR: 0x06,
  FAILSAFE: 0x07,
  RELAY: 0x81,
  LED: 0x82,
  BUZZER: 0x83,
  ACK: 0x84,
  PING: 0x85,
} as const;

export type BridgeMessage =
  | {
      type: 'hello';
      firmware: string;
      readers: number;
      inputs: number;
      watchdogMs: number;
      failMode: 'secure' | 'safe';
    }
  | { type: 'card'; reader: number; bits: number[] }
  | { type: 'keypad'; reader: number; key: string }
  | { type: 'input'; input: number; active: boolean }
  | { type: 'heartbeat'; uptimeS: number; badFrames: number }
  | { type: 'error'; code: number; detail: number }
  | { type: 'failsafe'; relay: number; released: boolean; silentMs: number };

export type GatewayCommand =
  | { type: 'relay'; relay: number; ms: number }
  | { type: 'led'; reader: number; colour: 'off' | 'red' | 'green' | 'amber'; ms: number }
  | { type: 'buzzer'; reader: number; count: number; onMs: number; offMs: number }
  | { type: 'ack'; seq: number }
  | { type: 'ping' };

const COLOURS = ['off', 'red', 'green', 'amber'] as const;
const u16 = (p: Uint8Array, i: number) => (p[i]! << 8) | p[i + 1]!;
const u32 = (p: Uint8Array, i: number) => p[i]! * 2 ** 24 + (p[i + 1]! << 16) + (p[i + 2]! << 8) + p[i + 3]!;
const be16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];

/** A bridge frame's payload read as its message, or why it cannot be. */
export const readBridgeMessage = (f: Frame): BridgeMessage | { invalid: string } => {
  const p = f.payload;
  const need = (n: number) =>
    p.length < n ? { invalid: `type 0x${f.type.toString(16)} needs ${n} bytes, has ${p.length}` } : null;
  switch (f.type) {
    case MSG.HELLO:
      return (
        need(8) ?? {
          type: 'hello',
          firmware: `${p[0]}.${p[1]}.${p[2]}`,
          readers: p[3]!,
          inputs: p[4]!,
          watchdogMs: u16(p, 5),
          failMode: p[7] === 1 ? 'safe' : 'secure',
        }
      );
    case MSG.CARD: {
      const short = need(2);
      if (short) return short;
      const count = p[1]!;
      if (count < 1 || count > 64 || p.length < 2 + Math.ceil(count / 8))
        return { invalid: `card of ${count} bits with ${p.length - 2} bytes` };
      return {
        type: 'card',
        reader: p[0]!,
        bits: Array.from({ length: count }, (_, i) => (p[2 + (i >> 3)]! >> (7 - (i & 7))) & 1),
      };
    }
    case MSG.KEYPAD: {
      const key = String.fromCharCode(p[1] ?? 0);
      return (
        need(2) ??
        (/^[0-9*#]$/.test(key)
          ? { type: 'keypad', reader: p[0]!, key }
          : { invalid: `key 0x${(p[1] ?? 0).toString(16)} is not 0-9, * or #` })
      );
    }
    case MSG.INPUT:
      return (
        need(2) ??
        (p[0]! <= 3
          ? { type: 'input', input: p[0]!, active: p[1] === 1 }
          : { invalid: `input ${p[0]} does not exist` })
      );
    case MSG.HEARTBEAT:
      return need(6) ?? { type: 'heartbeat', uptimeS: u32(p, 0), badFrames: u16(p, 4) };
    case MSG.ERROR:
      return need(2) ?? { type: 'error', code: p[0]!, detail: p[1]! };
    case MSG.FAILSAFE:
      return need(6) ?? { type: 'failsafe', relay: p[0]!, released: p[1] === 1, silentMs: u32(p, 2) };
    default:
      return { invalid: `unknown type 0x${f.type.toString(16)}` };
  }
};

export const commandFrame = (c: GatewayCommand, seq: number): Frame => {
  const frame = (type: number, bytes: number[]): Frame => ({ type, seq, payload: Uint8Array.from(bytes) });
  switch (c.type) {
    case 'relay':
      return frame(MSG.RELAY, [c.relay, ...be16(c.ms)]);
    case 'led':
      return frame(MSG.LED, [c.reader, COLOURS.indexOf(c.colour), ...be16(c.ms)]);
    case 'buzzer':
      return frame(MSG.BUZZER, [c.reader, c.count, ...be16(c.onMs), ...be16(c.offMs)]);
    case 'ack':
      return frame(MSG.ACK, [c.seq & 0xff]);
    case 'ping':
      return frame(MSG.PING, []);
  }
};
