/**
 * Lumberjack v2 as Beats speak it (the layout in go-lumber's protocol/v2 and
 * server/v2 reader): every frame starts with the version byte '2' and a type.
 *   'W' window:      uint32 count of events before the sender waits for an ack
 *   'J' JSON event:  uint32 sequence, uint32 length, JSON bytes
 *   'C' compressed:  uint32 length, zlib stream holding more frames
 *   'A' ack (sent):  uint32 sequence of the last event handled
 * All integers big-endian.
 */
export const LJ_VERSION = 0x32; // '2'
export const LJ_WINDOW = 0x57; // 'W'
export const LJ_JSON = 0x4a; // 'J'
export const LJ_COMPRESSED = 0x43; // 'C'
export const LJ_ACK = 0x41; // 'A'

export const ackFrame = (sequence: number): Buffer => {
  const frame = Buffer.alloc(6);
  frame[0] = LJ_VERSION;
  frame[1] = LJ_ACK;
  frame.writeUInt32BE(sequence >>> 0, 2);
  return frame;
};
