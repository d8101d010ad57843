import { createHash, hash } from 'node:crypto';

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/**
 * One-shot SHA-256 (a Hash object per call cost more than hashing an entry).
 * The digest comes out as a latin1 string (one character per byte) copied
 * into a Buffer from Node's pool: a digest as a 'buffer' is a native
 * allocation of its own, about twice the whole call's cost (2.8 against 1.4 µs
 * here), and every entry makes a leaf hash and on average one node hash.
 */
const sha256 = (data: string | Buffer): Buffer => Buffer.from(hash('sha256', data, 'binary'), 'latin1');

/**
 * RFC 6962 / 9162 Merkle tree hashing with domain separation of leaves and
 * nodes. A string leaf is hashed as U+0000 followed by the string, whose
 * UTF-8 is the 0x00 prefix byte and the string's UTF-8: the same bytes.
 */
export const leafHash = (data: Uint8Array | string): Buffer =>
  typeof data === 'string' ? sha256(leafBytes(data)) : sha256(Buffer.concat([LEAF, data]));

/** Where a string leaf's bytes are written to be hashed: kept between calls, grown when an entry needs more. */
let leafInput = Buffer.alloc(8192);

/**
 * 0x00 ‖ UTF-8 of the string, in the reused buffer. Writing the string out
 * also flattens it where it lies: canonical JSON is built by appending, and
 * hashing `"\0" + json` copied it into a new string and left the entry's own
 * JSON as a chain of pieces for SQLite to walk again when it stores it.
 */
const leafBytes = (data: string): Buffer => {
  // At most 3 bytes of UTF-8 per UTF-16 code unit.
  if (data.length * 3 + 1 > leafInput.length) leafInput = Buffer.alloc(data.length * 3 + 1);
  leafInput[0] = 0;
  return leafInput.subarray(0, 1 + leafInput.write(data, 1, 'utf8'));
};

/** 0x01 ‖ left ‖ right for two SHA-256 hashes, written in place: a node per leaf on average, a new buffer for each cost more than its hash. */
const nodeInput = Buffer.alloc(65, 1);

export const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer => {
  if (left.length !== 32 || right.length !== 32) return sha256(Buffer.concat([NODE, left, right]));
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return sha256(nodeInput);
};

export const EMPTY_ROOT = createHash('sha256').digest();

const largestPowerOfTwoBelow = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** MTH(D[n]) by the RFC's recursive definition; the reference the fast paths are tested against. */
export const rootOf = (leaves: readonly Buffer[]): Buffer => {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  const k = largestPowerOfTwoBelow(leaves.length);
  return nodeHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
};

/**
 * The right edge of the tree: one root per perfect subtree, largest first (their
 * sizes are the set bits of the tree size). Appending is O(log n) and the root
 * is computable at any size without keeping the leaves in memory.
 */
export class MerkleFrontier {
  private constructor(
    private size: number,
    private readonly stack: Buffer[],
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  static restore(size: number, hexHashes: readonly string[]): MerkleFrontier {
    let bits = 0;
    for (let s = size; s > 0; s = Math.floor(s / 2)) bits += s % 2;
    if (bits !== hexHashes.length)
      throw new Error(`frontier of size ${size} needs ${bits} hashes, has ${hexHashes.length}`);
    return new MerkleFrontier(
      size,
      hexHashes.map((h) => Buffer.from(h, 'hex')),
    );
  }

  get treeSize(): number {
    return this.size;
  }

  append(leaf: Buffer): void {
    this.stack.push(leaf);
    this.size += 1;
    // Merge equal-sized subtrees: the number of merges is the trailing ones of the old size.
    for (let s = this.size; s % 2 === 0; s /= 2) {
      const right = this.stack.pop()!;
      const left = this.stack.pop()!;
      this.stack.push(nodeHash(left, right));
    }
  }

  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let acc = this.stack[this.stack.length - 1]!;
    for (let i = this.stack.length - 2; i >= 0; i--) acc = nodeHash(this.stack[i]!, acc);
    return acc;
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier(this.size, [...this.stack]);
  }

  toHex(): string[] {
    return this.stack.map((b) => b.toString('hex'));
  }
}

/** RFC 6962 PATH(m, D[n]): the audit path proving leaf m is in the tree of the given leaves. */
export const inclusionProof = (leaves: readonly Buffer[], index: number): Buffer[] => {
  if (index < 0 || index >= leaves.length) throw new RangeError('leaf index outside the tree');
  if (leaves.length === 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  return index < k
    ? [...inclusionProof(leaves.slice(0, k), index), rootOf(leaves.slice(k))]
    : [...inclusionProof(leaves.slice(k), index - k), rootOf(leaves.slice(0, k))];
};

/** RFC 9162 section 2.1.3.2: recompute the root from a leaf hash and its audit path. */
export const verifyInclusion = (
  leaf: Buffer,
  index: number,
  treeSize: number,
  proof: readonly Buffer[],
  root: Buffer,
): boolean => {
  if (index >= treeSize || index < 0) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
};
