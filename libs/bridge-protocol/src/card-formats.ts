/**
 * Wiegand card formats, decoded from the raw bits a reader sends (INTEROP.md
 * section 2). Positions count from 0 = the first bit on the wire. Each format is
 * data: its fields and its parity bits with the positions each one covers.
 * Layouts follow HID's published formats; the Corporate 1000 parity sets were
 * worked out from the masks in the Proxmark3 project's format table.
 */
export interface Parity {
  at: number;
  kind: 'even' | 'odd';
  over: readonly number[];
}

export interface CardFormat {
  name: 'H10301' | 'H10306' | 'H10302' | 'C1000-35' | 'C1000-48';
  bits: number;
  facility: readonly [start: number, length: number] | null;
  card: readonly [start: number, length: number];
  parity: readonly Parity[];
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** Corporate 1000's interleaved parity sets: positions in [from, to] whose position mod 3 is in `residues`. */
const every = (from: number, to: number, residues: number[]) =>
  range(from, to).filter((q) => residues.includes(q % 3));

export const CARD_FORMATS: readonly CardFormat[] = [
  {
    name: 'H10301',
    bits: 26,
    facility: [1, 8],
    card: [9, 16],
    parity: [
      { at: 0, kind: 'even', over: range(1, 12) },
      { at: 25, kind: 'odd', over: range(13, 24) },
    ],
  },
  {
    name: 'H10306',
    bits: 34,
    facility: [1, 16],
    card: [17, 16],
    parity: [
      { at: 0, kind: 'even', over: range(1, 16) },
      { at: 33, kind: 'odd', over: range(17, 32) },
    ],
  },
  {
    name: 'H10302',
    bits: 37,
    facility: null,
    card: [1, 35],
    parity: [
      { at: 0, kind: 'even', over: range(1, 18) },
      { at: 36, kind: 'odd', over: range(18, 35) },
    ],
  },
  {
    name: 'C1000-35',
    bits: 35,
    facility: [2, 12],
    card: [14, 20],
    // The overall parity (bit 0) covers the other two, so it is computed last.
    parity: [
      { at: 1, kind: 'even', over: every(2, 33, [2, 0]) },
      { at: 34, kind: 'odd', over: every(1, 32, [1, 2]) },
      { at: 0, kind: 'odd', over: range(1, 34) },
    ],
  },
  {
    name: 'C1000-48',
    bits: 48,
    facility: [2, 22],
    card: [24, 23],
    parity: [
      { at: 1, kind: 'even', over: every(3, 46, [0, 1]) },
      { at: 47, kind: 'odd', over: every(2, 45, [2, 0]) },
      { at: 0, kind: 'odd', over: range(1, 47) },
    ],
  },
];

export interface Interpretation {
  format: CardFormat['name'] | 'raw';
  facility: number | null;
  card: number;
  /** The canonical credential number: "facility:card", the card number alone, or hex for raw. */
  number: string;
  parityOk: boolean;
}

const field = (bits: readonly number[], [start, length]: readonly [number, number]) =>
  bits.slice(start, start + length).reduce((v, b) => v * 2 + b, 0);

const parityHolds = (bits: readonly number[], p: Parity) => {
  const ones = p.over.reduce((n, q) => n + bits[q]!, 0) + bits[p.at]!;
  return p.kind === 'even' ? ones % 2 === 0 : ones % 2 === 1;
};

/** Bits as 0/1 from a string of 0 and 1, or from bytes with a bit count (first bit = most significant bit of the first byte). */
export const toBits = (input: string | { bytes: Uint8Array; count: number }): number[] => {
  if (typeof input === 'string') {
    if (!/^[01]*$/.test(input)) throw new RangeError('bits are 0 and 1');
    return [...input].map(Number);
  }
  if (input.count < 0 || input.count > input.bytes.length * 8) throw new RangeError('more bits than bytes');
  return Array.from({ length: input.count }, (_, i) => (input.bytes[i >> 3]! >> (7 - (i & 7))) & 1);
};

export const bitsToHex = (bits: readonly number[]): string => {
  const padded = [...bits, ...new Array<number>((8 - (bits.length % 8)) % 8).fill(0)];
  let hex = '';
  for (let i = 0; i < padded.length; i += 8) hex += field(padded, [i, 8]).toString(16).padStart(2, '0');
  return hex;
};

/**
 * Every format whose length matches, each with its parity verdict, and the raw
 * reading last. Several formats can fit one bit string: the reader's configured
 * format says which one is used for decisions.
 */
export const interpret = (bits: readonly number[]): Interpretation[] => {
  const out: Interpretation[] = [];
  for (const f of CARD_FORMATS) {
    if (f.bits !== bits.length) continue;
    const facility = f.facility ? field(bits, f.facility) : null;
    const card = field(bits, f.card);
    out.push({
      format: f.name,
      facility,
      card,
      number: facility === null ? String(card) : `${facility}:${card}`,
      parityOk: f.parity.every((p) => parityHolds(bits, p)),
    });
  }
  out.push({
    format: 'raw',
    facility: null,
    card: 0,
    number: `${bits.length}:${bitsToHex(bits)}`,
    parityOk: true,
  });
  return out;
};

/** Builds the bits of a card (for simulators and tests): fields, then parity in order. */
export const encode = (name: CardFormat['name'], facility: number | null, card: number): number[] => {
  const f = CARD_FORMATS.find((x) => x.name === name)!;
  const bits = new Array<number>(f.bits).fill(0);
  const put = (value: number, [start, length]: readonly [number, number]) => {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** length)
      throw new RangeError(`${value} does not fit ${length} bits`);
    for (let i = length - 1, v = value; i >= 0; i--, v = Math.floor(v / 2)) bits[start + i] = v % 2;
  };
  if (f.facility) put(facility ?? 0, f.facility);
  put(card, f.card);
  for (const p of f.parity) {
    const ones = p.over.reduce((n, q) => n + bits[q]!, 0);
    bits[p.at] = p.kind === 'even' ? ones % 2 : 1 - (ones % 2);
  }
  return bits;
};

/** A credential number checked against its format: the canonical form a reader produces, or why it cannot be one. */
export type CardNumberCheck = { ok: true; number: string } | { ok: false; field: string; message: string };

const fail = (field: string, message: string): CardNumberCheck => ({ ok: false, field, message });
const DECIMAL = /^\d{1,16}$/;
/** A decimal field within its bits, or the error that names the field and its range. */
const decimalField = (
  format: string,
  what: 'facility code' | 'card number',
  text: string,
  length: number,
): number | CardNumberCheck => {
  const max = 2 ** length - 1;
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  if (!(value <= max))
    return fail(what, `${format} ${what} is a whole number from 0 to ${max} (${length} bits)`);
  return value;
};

/**
 * Checks a credential number as a person types it against the format's
 * fields and ranges, and returns the canonical number a reader will produce
 * ("12:345" for facility 12, card 345; leading zeros dropped; raw hex in
 * lower case): a number no reader can produce would be a dead card.
 */
export const checkCardNumber = (format: CardFormat['name'] | 'raw', input: string): CardNumberCheck => {
  const text = input.trim();
  if (format === 'raw') return checkRawNumber(text);
  const f = CARD_FORMATS.find((x) => x.name === format)!;
  const parts = text.split(':');
  if (f.facility === null) {
    if (parts.length !== 1)
      return fail('number', `${format} has no facility code: give the card number alone`);
    const card = decimalField(format, 'card number', text, f.card[1]);
    return typeof card === 'number' ? { ok: true, number: String(card) } : card;
  }
  if (parts.length !== 2) return fail('number', `${format} numbers are "facility:card", e.g. "12:345"`);
  const facility = decimalField(format, 'facility code', parts[0]!, f.facility[1]);
  if (typeof facility !== 'number') return facility;
  const card = decimalField(format, 'card number', parts[1]!, f.card[1]);
  return typeof card === 'number' ? { ok: true, number: `${facility}:${card}` } : card;
};

/** Raw readings are "bits:hex" as {@link interpret} writes them: whole bytes, unused low bits zero. */
const checkRawNumber = (text: string): CardNumberCheck => {
  const m = /^(\d{1,3}):([0-9a-fA-F]+)$/.exec(text);
  if (!m) return fail('number', 'raw numbers are "bits:hex", e.g. "26:864383c0"');
  const bits = Number(m[1]);
  const hex = m[2]!.toLowerCase();
  if (bits < 1 || bits > 256) return fail('bits', 'a raw reading has 1 to 256 bits');
  if (hex.length !== Math.ceil(bits / 8) * 2)
    return fail(
      'hex',
      `${bits} bits are ${Math.ceil(bits / 8)} bytes: ${Math.ceil(bits / 8) * 2} hex digits`,
    );
  const unused = Math.ceil(bits / 8) * 8 - bits;
  if (unused > 0 && (parseInt(hex.slice(-2), 16) & ((1 << unused) - 1)) !== 0)
    return fail('hex', `the ${unused} padding bit(s) after the ${bits} read must be 0 in a raw number`);
  return { ok: true, number: `${bits}:${hex}` };
};
