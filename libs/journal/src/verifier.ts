import { createHash } from 'node:crypto';
import { entryCategory, type JournalEntry } from '@gatehouse/contracts';
import { canonicalJson } from './canonical-json';
import type { CheckpointBody } from './checkpoint';
import { leafHash, MerkleFrontier } from './merkle';
import { verifySignature } from './signer';
import type { StoredCheckpointRow, StoredEntryRow } from './store';

export interface VerifyProblem {
  /** `entry` names a sequence number; `checkpoint` a checkpoint id and its tree size; `state` the stored tree edge. */
  kind: 'entry' | 'checkpoint' | 'state' | 'subjects';
  seq?: number;
  checkpointId?: number;
  treeSize?: number;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  rootHash: string;
  /** Entries after the last signed checkpoint: checked against their stored hashes only. */
  uncheckpointedEntries: number;
  firstProblem: VerifyProblem | null;
  problems: VerifyProblem[];
}

export interface VerifyInput {
  /** Entry rows in ascending sequence order, in chunks. */
  entries: AsyncIterable<readonly StoredEntryRow[]>;
  checkpoints: readonly StoredCheckpointRow[];
  state?: { treeSize: number; frontier: string[] };
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
 * trusted: the signed roots are the anchor.
 */
export const verifyJournal = async (input: VerifyInput): Promise<VerifyReport> => {
  const max = input.maxProblems ?? 20;
  const problems: VerifyProblem[] = [];
  const report = (p: VerifyProblem) => {
    if (problems.length < max) problems.push(p);
  };
  const checkpoints = [...input.checkpoints].sort((a, b) => a.id - b.id);
  let cpIndex = 0;
  let previousHash: string | null = null;
  let lastCheckpointSize = 0;
  let subjectCount = 0;
  const frontier = MerkleFrontier.empty();
  // Entries since the previous checkpoint whose stored leaf hash matched: if the
  // signed root then differs, the fault lies somewhere in this range.
  let rangeStart = 1;

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
        reason: `signed root differs from the root recomputed over entries 1-${cp.tree_size} (a change in entries ${rangeStart}-${cp.tree_size})`,
      });
    }
    previousHash = sha256hex(cp.body_json);
    lastCheckpointSize = cp.tree_size;
    rangeStart = cp.tree_size + 1;
  };

  const drainCheckpointsAt = (size: number) => {
    while (cpIndex < checkpoints.length && checkpoints[cpIndex]!.tree_size <= size) {
      const cp = checkpoints[cpIndex]!;
      if (cp.tree_size < size || cp.tree_size < frontier.treeSize) {
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

  drainCheckpointsAt(0);
  for await (const chunk of input.entries) {
    for (const row of chunk) {
      const expectedSeq = frontier.treeSize + 1;
      if (row.seq !== expectedSeq) {
        report({ kind: 'entry', seq: expectedSeq, reason: `sequence gap: next stored entry is ${row.seq}` });
        return finish();
      }
      let entry: JournalEntry | undefined;
      try {
        entry = JSON.parse(row.entry_json) as JournalEntry;
      } catch {
        report({ kind: 'entry', seq: row.seq, reason: 'entry is not valid JSON' });
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
    for (; cpIndex < checkpoints.length; cpIndex++) {
      const cp = checkpoints[cpIndex]!;
      report({
        kind: 'checkpoint',
        checkpointId: cp.id,
        treeSize: cp.tree_size,
        reason: 'checkpoint covers entries that are missing',
      });
    }
    if (input.state) {
      if (
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
      entries: frontier.treeSize,
      checkpoints: checkpoints.length,
      rootHash: frontier.root().toString('hex'),
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
    default:
      return `${p.kind}: ${p.reason}`;
  }
};
