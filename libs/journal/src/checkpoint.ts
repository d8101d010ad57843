import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { CheckpointSigner } from './signer';

/**
 * A signed tree head. Each names the hash of the one before, so the sequence of
 * checkpoints is a chain (as CloudTrail chains its digest files): dropping or
 * replacing one breaks every later link.
 */
export interface CheckpointBody {
  /** 1: the first epoch's (as signed before epochs); 2: a later epoch's, which names it. */
  version: 1 | 2;
  /** The epoch whose tree this heads (version 2); absent means the first. */
  epoch?: number;
  /** Sequence number of the epoch's first entry (version 2): leaf index = seq - firstSeq. */
  firstSeq?: number;
  treeSize: number;
  rootHash: string;
  time: string;
  previousHash: string | null;
  keyId: string;
}

export interface Checkpoint {
  id: number;
  body: CheckpointBody;
  bodyJson: string;
  hash: string;
  signature: string;
}

export const makeCheckpoint = (
  signer: CheckpointSigner,
  treeSize: number,
  root: Buffer,
  time: Date,
  previousHash: string | null,
  /** The epoch and its first sequence number; the first epoch's bodies stay as they were signed before epochs. */
  epoch: { epoch: number; firstSeq: number } = { epoch: 1, firstSeq: 1 },
): { body: CheckpointBody; bodyJson: string; hash: Buffer; signature: Buffer } => {
  const body: CheckpointBody = {
    version: epoch.epoch === 1 ? 1 : 2,
    ...(epoch.epoch === 1 ? {} : { epoch: epoch.epoch, firstSeq: epoch.firstSeq }),
    treeSize,
    rootHash: root.toString('hex'),
    time: time.toISOString(),
    previousHash,
    keyId: signer.keyId,
  };
  const bodyJson = canonicalJson(body);
  const bytes = Buffer.from(bodyJson);
  return { body, bodyJson, hash: createHash('sha256').update(bytes).digest(), signature: signer.sign(bytes) };
};
