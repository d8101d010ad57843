import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { CheckpointSigner } from './signer';

/**
 * A signed tree head. Each names the hash of the one before, so the sequence of
 * checkpoints is a chain (as CloudTrail chains its digest files): dropping or
 * replacing one breaks every later link.
 */
export interface CheckpointBody {
  version: 1;
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
): { body: CheckpointBody; bodyJson: string; hash: Buffer; signature: Buffer } => {
  const body: CheckpointBody = {
    version: 1,
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
