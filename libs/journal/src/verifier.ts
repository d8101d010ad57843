import { createHash } from 'node:crypto';
import { entryCategory, type JournalEntry } from '@gatehouse/contracts';
import { canonicalJson } from './canonical-json';
import type { CheckpointBody } from './checkpoint';
import { leafHash, MerkleFrontier } from './merkle';
import { verifySignature } from './signer';
import { epochLinkProblem } from './epoch';
import type { EpochRow, StoredCheckpointRow, VerifiedRow } from './store';

export interface VerifyProblem {
  /** `entry` names a sequence number; `checkpoint` a checkpoint id and its tree size; `state` the stored tree edge. */
  kind: 'entry' | 'checkpoint' | 'state' | 'subjects' | 'epoch';
  epoch?: number;
  seq?: number;
  checkpointId?: number;
  treeSize?: number;
  reason: string;
}

/** One epoch's tree as verified. */
export interface EpochReport {
  epoch: number;
  firstSeq: number;
  entries: number;
  /** Entries whose bodies were retired: their leaf hashes alone were checked, against the signed roots. */
  retiredEntries: number;
  retired: boolean;
  checkpoints: number;
  rootHash: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Entries of every epoch, retired ones included. */
  entries: number;
  checkpoints: number;
  /** The current epoch's root. */
  rootHash: string;
  epochs: EpochReport[];
  /** Entries after the last signed checkpoint: checked against their stored hashes only. */
  uncheckpointedEntries: number;
  firstProblem: VerifyProblem | null;
  problems: VerifyProblem[];
}

export interface VerifyInput {
  /** Entry rows in ascending sequence order, in chunks; a retired entry's `entry_json` is null. */
  entries: AsyncIterable<readonly VerifiedRow[]>;
  checkpoints: readonly StoredCheckpointRow[];
  /** The journal's epochs; absent, one epoch from sequence 1. */
  epochs?: readonly EpochRow[];
  state?: { treeSize: number; frontier: string[]; epoch?: number; firstSeq?: number };
  /** Total rows of the subject index, compared with the subjects the entries name. */
  subjectRows?: number;
  /** Public keys by key id. */
  publicKeys: ReadonlyMap<string, string>;
  /** Stop collecting after this many problems (the first is what matters). */
  maxProblems?: number;
}

const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Recomputes the whole tree from the stored entries: each entry's canonical form
 * and index columns, its leaf hash, the root at every checkpoint, each
 * checkpoint's signature and its link to the one before. Stored hashes are never
 * trusted: the signed roots are the anchor. Each epoch is its own tree; the
 * first entry of an epoch after the first must commit to the last checkpoint
 * of the one before, which must sign that whole tree, and the checkpoint chain
 * runs on across epochs. A retired entry (body removed, leaf hash kept) is
 * allowed only in a retired epoch: its leaf hash counts toward the recomputed
 * root, so a changed one fails that epoch's signed checkpoints.
 */
export const verifyJournal = async (input: VerifyInput): Promise<VerifyReport> => {
  const max = input.maxProblems ?? 20;
  const problems: VerifyProblem[] = [];
  const report = (p: VerifyProblem) => {
    if (problems.length < max) problems.push(p);
  };
  const checkpoints = [...input.checkpoints].sort((a, b) => a.id - b.id);
  const epochs = [...(input.epochs ?? [{ epoch: 1, first_seq: 1, started_at: 0, retired_at: null }])].sort(
    (a, b) => a.epoch - b.epoch,
  );
  let cpIndex = 0;
  let previousHash: string | null = null;
  let lastCheckpointSize = 0;
  let subjectCount = 0;
  let lastSeq = 0;
  let epochIndex = 0;
  let current = epochs[0]!;
  let frontier = MerkleFrontier.empty();
  // Entries since the previous checkpoint whose stored leaf hash matched: if the
  // signed root then differs, the fault lies somewhere in this range (sequence numbers).
  let rangeStart = 1;
  let lastCheckpointOfEpoch: StoredCheckpointRow | undefined;
  const epochReports: EpochReport[] = [];
  let epochCheckpoints = 0;
  let epochRetired = 0;
  if (epochs[0]!.epoch !== 1 || epochs[0]!.first_seq !== 1)
    report({ kind: 'epoch', epoch: epochs[0]!.epoch, reason: 'the first epoch does not begin at entry 1' });
  const cpEpoch = (cp: StoredCheckpointRow) => cp.epoch ?? 1;

  const checkCheckpoint = (cp: StoredCheckpointRow) => {
    let body: CheckpointBody;
    try {
      body = JSON.parse(cp.body_json) as CheckpointBody;
    } catch {
      report({
        kind: 'checkpoint',
        checkpointId: cp.id,
        treeSize: cp.tree_size,
        reason: 'checkpoint body is not JSON',
      });
      return;
    }
    const where = { kind: 'checkpoint' as const, checkpointId: cp.id, treeSize: cp.tree_size };
    if (
      (body.epoch ?? 1) !== current.epoch ||
      (body.epoch !== undefined && body.firstSeq !== current.first_seq)
    )
      report({
        ...where,
        reason: `signed for another epoch than ${current.epoch} from entry ${current.first_seq}`,
      });
    if (canonicalJson(body) !== cp.body_json)
      report({ ...where, reason: 'checkpoint body is not in canonical form' });
    if (body.treeSize !== cp.tree_size)
      report({ ...where, reason: 'tree size column differs from the signed body' });
    if (sha256hex(cp.body_json) !== cp.hash.toString('hex'))
      report({ ...where, reason: 'stored checkpoint hash differs' });
    const key = input.publicKeys.get(body.keyId);
    if (!key) report({ ...where, reason: `signed by unknown key ${body.keyId}` });
    else if (!verifySignature(key, Buffer.from(cp.body_json), cp.signature))
      report({ ...where, reason: 'signature does not verify' });
    if (body.previousHash !== previousHash)
      report({ ...where, reason: 'does not link to the previous checkpoint' });
    if (body.rootHash !== frontier.root().toString('hex')) {
      report({
        ...where,
        reason: `signed root differs from the root recomputed over entries ${current.first_seq}-${lastSeq} (a change in entries ${rangeStart}-${lastSeq})`,
      });
    }
    previousHash = sha256hex(cp.body_json);
    lastCheckpointSize = cp.tree_size;
    rangeStart = lastSeq + 1;
    lastCheckpointOfEpoch = cp;
    epochCheckpoints += 1;
  };

  const drainCheckpointsAt = (size: number) => {
    while (
      cpIndex < checkpoints.length &&
      cpEpoch(checkpoints[cpIndex]!) <= current.epoch &&
      checkpoints[cpIndex]!.tree_size <= size
    ) {
      const cp = checkpoints[cpIndex]!;
      if (cpEpoch(cp) < current.epoch || cp.tree_size < size || cp.tree_size < frontier.treeSize) {
        report({
          kind: 'checkpoint',
          checkpointId: cp.id,
          treeSize: cp.tree_size,
          reason: 'checkpoints are out of order',
        });
      }
      checkCheckpoint(cp);
      cpIndex += 1;
    }
  };

  /** Closes the current epoch's tree: checkpoints of it left over cover entries it does not have. */
  const endEpoch = () => {
    while (cpIndex < checkpoints.length && cpEpoch(checkpoints[cpIndex]!) <= current.epoch) {
      const cp = checkpoints[cpIndex]!;
      report({
        kind: 'checkpoint',
        checkpointId: cp.id,
        treeSize: cp.tree_size,
        reason: 'checkpoint covers entries that are missing',
      });
      cpIndex += 1;
    }
    epochReports.push({
      epoch: current.epoch,
      firstSeq: current.first_seq,
      entries: frontier.treeSize,
      retiredEntries: epochRetired,
      retired: current.retired_at !== null,
      checkpoints: epochCheckpoints,
      rootHash: frontier.root().toString('hex'),
    });
  };

  /** The row begins the next epoch: the closing tree is finished, and the new one must commit to its last checkpoint. */
  const beginEpoch = () => {
    const closing = lastCheckpointOfEpoch;
    const closingSize = frontier.treeSize;
    endEpoch();
    epochIndex += 1;
    current = epochs[epochIndex]!;
    frontier = MerkleFrontier.empty();
    lastCheckpointOfEpoch = undefined;
    lastCheckpointSize = 0;
    rangeStart = current.first_seq;
    epochCheckpoints = 0;
    epochRetired = 0;
    return { closing, closingSize };
  };

  drainCheckpointsAt(0);
  for await (const chunk of input.entries) {
    for (const row of chunk) {
      const expectedSeq = lastSeq + 1;
      if (row.seq !== expectedSeq) {
        report({ kind: 'entry', seq: expectedSeq, reason: `sequence gap: next stored entry is ${row.seq}` });
        return finish();
      }
      const link = epochs[epochIndex + 1]?.first_seq === row.seq ? beginEpoch() : undefined;
      lastSeq = row.seq;
      if (row.entry_json === null) {
        // Retired: the body is gone, the leaf hash stays and is checked by the signed roots.
        epochRetired += 1;
        if (current.retired_at === null)
          report({
            kind: 'entry',
            seq: row.seq,
            reason: `entry removed, but epoch ${current.epoch} is not retired`,
          });
        frontier.append(row.leaf_hash);
        drainCheckpointsAt(frontier.treeSize);
        continue;
      }
      let entry: JournalEntry | undefined;
      try {
        entry = JSON.parse(row.entry_json) as JournalEntry;
      } catch {
        report({ kind: 'entry', seq: row.seq, reason: 'entry is not valid JSON' });
      }
      if (link) {
        const problem = entry
          ? epochLinkProblem(entry, current.epoch, current.first_seq, link.closing, link.closingSize)
          : 'entry is not valid JSON';
        if (problem) report({ kind: 'epoch', epoch: current.epoch, seq: row.seq, reason: problem });
      }
      if (entry) {
        subjectCount += Array.isArray(entry.subjects) ? entry.subjects.length : 0;
        if (canonicalJson(entry) !== row.entry_json)
          report({ kind: 'entry', seq: row.seq, reason: 'entry is not in canonical form' });
        else if (entry.seq !== row.seq)
          report({ kind: 'entry', seq: row.seq, reason: 'sequence inside the entry differs' });
        else if (
          entry.type !== row.type ||
          entryCategory(entry.type) !== row.category ||
          entry.source !== row.source
        )
          report({ kind: 'entry', seq: row.seq, reason: 'type or source columns differ from the entry' });
        else if (new Date(entry.time).getTime() !== row.time_ms)
          report({ kind: 'entry', seq: row.seq, reason: 'time column differs from the entry' });
      }
      const leaf = leafHash(row.entry_json);
      if (!leaf.equals(row.leaf_hash))
        report({ kind: 'entry', seq: row.seq, reason: 'entry does not match its stored leaf hash' });
      frontier.append(leaf);
      drainCheckpointsAt(frontier.treeSize);
    }
  }
  return finish();

  function finish(): VerifyReport {
    endEpoch();
    for (; cpIndex < checkpoints.length; cpIndex++) {
      const cp = checkpoints[cpIndex]!;
      report({
        kind: 'checkpoint',
        checkpointId: cp.id,
        treeSize: cp.tree_size,
        reason: 'checkpoint covers entries that are missing',
      });
    }
    for (const missing of epochs.slice(epochIndex + 1))
      report({ kind: 'epoch', epoch: missing.epoch, reason: `epoch ${missing.epoch} has no entries` });
    if (input.state) {
      if (
        (input.state.epoch ?? 1) !== current.epoch ||
        (input.state.firstSeq ?? 1) !== current.first_seq ||
        input.state.treeSize !== frontier.treeSize ||
        input.state.frontier.join() !== frontier.toHex().join()
      ) {
        report({
          kind: 'state',
          treeSize: input.state.treeSize,
          reason: 'stored tree edge differs from the recomputed tree',
        });
      }
    }
    if (input.subjectRows !== undefined && input.subjectRows !== subjectCount) {
      report({
        kind: 'subjects',
        reason: `subject index has ${input.subjectRows} rows, entries name ${subjectCount}`,
      });
    }
    const ordered = [...problems].sort(
      (a, b) => (a.seq ?? a.treeSize ?? Infinity) - (b.seq ?? b.treeSize ?? Infinity),
    );
    return {
      ok: problems.length === 0,
      entries: lastSeq,
      checkpoints: checkpoints.length,
      rootHash: frontier.root().toString('hex'),
      epochs: epochReports,
      uncheckpointedEntries: frontier.treeSize - lastCheckpointSize,
      firstProblem: ordered[0] ?? null,
      problems: ordered,
    };
  }
};

/** One line per problem, for the CLI and logs. */
export const describeProblem = (p: VerifyProblem): string => {
  switch (p.kind) {
    case 'entry':
      return `entry ${p.seq}: ${p.reason}`;
    case 'checkpoint':
      return `checkpoint ${p.checkpointId} (tree size ${p.treeSize}): ${p.reason}`;
    case 'epoch':
      return `epoch ${p.epoch}${p.seq !== undefined ? ` (entry ${p.seq})` : ''}: ${p.reason}`;
    default:
      return `${p.kind}: ${p.reason}`;
  }
};
