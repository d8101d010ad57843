import {
  type Actor,
  type Clock,
  DomainError,
  type GatehouseBus,
  type JournalEntry,
  type JournalEntryInput,
  SLICE_MS,
  entryCategory,
  every,
  timeSlicer,
} from '@gatehouse/contracts';
import { buildEntryAt, serializeEntry, validateInput } from './entry';
import { makeCheckpoint, type CheckpointBody } from './checkpoint';
import { epochStartedInput, epochRetiredInput } from './epoch';
import { leafHash, MerkleFrontier } from './merkle';
import type { CheckpointSigner } from './signer';
import type { JournalStore, TreeState } from './store';
import { type Disclosed, disclosuresOf, openPersonal, type PersonalPrivacy, sealPersonal } from './personal';

/** The first group `resume` commits, before it has timed one: small enough to fit a slice on a slow disk. */
const FIRST_RESUME_GROUP = 32;

export interface JournalOptions {
  batchMaxEntries: number;
  batchMaxDelayMs: number;
  checkpointEveryEntries: number;
  checkpointEverySeconds: number;
}

interface Waiting {
  input: JournalEntryInput;
  /** A change to a view, run inside the entry's commit transaction: both happen or neither. */
  effect?: () => void;
  resolve: (entry: JournalEntry) => void;
  reject: (error: Error) => void;
}

export interface JournalStats {
  /**
   * Entries in the journal, every epoch counted (the last sequence number): the
   * tree size while there is one epoch, as before epochs.
   */
  treeSize: number;
  /** Entries that signed checkpoints cover, every epoch counted (`treeSize` minus this are unsigned). */
  lastCheckpointSize: number;
  /** The current epoch (1 until a journal from before sealed entries began a new one), and its own tree's size. */
  epoch: number;
  epochTreeSize: number;
  lastCheckpointTime: string | null;
  queued: number;
  commits: number;
  failedCommits: number;
  lastCommitError: string | null;
}

/**
 * The append-only journal. `append` resolves only after the entry's transaction
 * committed (group commit: entries arriving together share one transaction and
 * one fsync). Each entry is a leaf of an RFC 6962 Merkle tree whose right edge
 * is kept in memory and in `journal_state`; signed checkpoints are cut every N
 * entries or M seconds.
 */
export class Journal {
  private queue: Waiting[] = [];
  private frontier = MerkleFrontier.empty();
  /** The current epoch and its first sequence number: the tree's leaf i is entry firstSeq + i. */
  private epoch = 1;
  private firstSeq = 1;
  /** The last checkpoint: its tree size in the current epoch (0 when it closed an earlier one), its hash, which the next links to. */
  private lastCheckpoint: { treeSize: number; hash: string | null; time: string | null; atMs: number } = {
    treeSize: 0,
    hash: null,
    time: null,
    atMs: 0,
  };
  /** Cancels the pending group-commit timer (the injected clock's). */
  private flushTimer: (() => void) | undefined;
  private stopCheckpoints: (() => void) | undefined;
  private flushSoon = false;
  /** View changes waiting to ride the next commit (see `alongside`). */
  private viewChanges: (() => void)[] = [];
  private opened = false;
  private closed = false;
  private paused = false;
  /** `resume` is committing what queued during a pause, group by group, between other work. */
  private draining = false;
  /** Waiting for the journal to be neither held nor draining (see `settled`). */
  private settledWaiters: (() => void)[] = [];
  private readonly projectors = new Map<string, (entries: readonly JournalEntry[]) => void>();
  private commits = 0;
  private failedCommits = 0;
  private lastCommitError: string | null = null;

  constructor(
    private readonly store: JournalStore,
    private readonly signer: CheckpointSigner,
    private readonly clock: Clock,
    private readonly options: JournalOptions,
    private readonly bus?: GatehouseBus,
    /** Seals personal values before their leaf is hashed, and opens them for views (issue 12). */
    private readonly privacy?: PersonalPrivacy,
  ) {}

  /**
   * An input with its personal values sealed under the person's key: what
   * `append` does first, and what an import does before its entries go to a
   * worker thread (whose journal then stores them as they are).
   */
  seal(input: JournalEntryInput): JournalEntryInput {
    return sealPersonal(input, this.privacy);
  }

  /** Several inputs sealed in one write transaction: the keys an import's new people get are made together. */
  sealAll(inputs: readonly JournalEntryInput[]): JournalEntryInput[] {
    if (!inputs.some((i) => i.personal && !i.personal.sealed)) return [...inputs];
    return this.store.writeTransaction(() => inputs.map((input) => this.seal(input)));
  }

  /** An entry as views show it: personal values opened, "erased person" for an erased one. */
  openForView(entry: JournalEntry): JournalEntry {
    return openPersonal(entry, this.privacy);
  }

  /** The values and salts an evidence export discloses for an entry (see `disclosuresOf`). */
  disclosures(entry: JournalEntry): Record<string, Disclosed> | null {
    return disclosuresOf(entry, this.privacy);
  }

  get publicKeyPem(): string {
    return this.signer.publicKeyPem;
  }

  get keyId(): string {
    return this.signer.keyId;
  }

  /**
   * Loads the tree's state and records the start: `journal.created` on an empty
   * journal, otherwise `journal.restarted` with the last sequence seen and whether
   * the previous run stopped cleanly, so the gap is visible in the record itself.
   */
  async open(details: Record<string, string> = {}): Promise<JournalEntry> {
    this.reload();
    this.opened = true;
    const last = this.store.lastEntry();
    // What the previous run left, said before a new epoch (if one is due) closes its tree.
    const restarted = last && {
      lastSeq: last.seq,
      lastEntryTime: new Date(last.time_ms).toISOString(),
      previousShutdown: this.previousShutdown(),
      lastCheckpointSize: this.firstSeq - 1 + this.lastCheckpoint.treeSize,
      uncheckpointedEntries: this.frontier.treeSize - this.lastCheckpoint.treeSize,
      ...details,
    };
    // A journal written before personal values were sealed (migration 10 says so): its tree is closed
    // and a new epoch begins, so the old one can be retired once exported (README).
    this.beginEpochIfDue('gateway');
    const entry = restarted
      ? await this.append({ type: 'journal.restarted', source: 'gateway', payload: restarted })
      : await this.append({
          type: 'journal.created',
          source: 'gateway',
          payload: { keyId: this.signer.keyId, ...details },
        });
    // Cover whatever the last run left unsigned right away.
    this.checkpointNow();
    this.scheduleCheckpoints();
    return entry;
  }

  /**
   * Whether the last gateway run recorded its stop. Only a gateway run opens and
   * closes the journal: what short-lived writers (the CLI, an import worker)
   * append after a stop, or before the first start, says nothing about it.
   */
  private previousShutdown(): 'clean' | 'unclean' {
    const marker = this.store.lastLifecycleEntry();
    if (!marker || marker.source !== 'gateway') return 'clean';
    return marker.type === 'journal.stopped' ? 'clean' : 'unclean';
  }

  /**
   * Registers a view kept beside the journal: called inside each commit's
   * transaction with the entries being committed, so the view and the journal
   * can never disagree. A projector that throws fails the whole commit.
   */
  addProjector(name: string, project: (entries: readonly JournalEntry[]) => void): void {
    this.projectors.set(name, project);
  }

  /**
   * Joins the journal without recording a start: for short-lived writers such
   * as the CLI, whose appends carry their own actor. A journal that the CLI
   * writes first (an administrator made before the first start) still begins
   * with its creation and the key that signs it.
   */
  attach(source = 'cli'): void {
    this.reload();
    if (this.epoch === 1 && this.frontier.treeSize === 0)
      this.appendAll(
        [{ type: 'journal.created', source, payload: { keyId: this.signer.keyId } }],
        () => undefined,
      );
  }

  /**
   * Appends an entry; resolves once it is committed. `effect`, when given, is the
   * state change the entry records (a row written to a view): it runs inside the
   * same transaction, so the change and its record are committed together or not at all.
   */
  append(input: JournalEntryInput, effect?: () => void): Promise<JournalEntry> {
    if (this.closed)
      return Promise.reject(new DomainError('unavailable', 'journal.closed', 'the journal is closed'));
    let sealed: JournalEntryInput;
    try {
      validateInput(input);
      sealed = this.seal(input);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ input: sealed, effect, resolve, reject });
      this.scheduleFlush();
    });
  }

  /**
   * A change to a view that entries already appended account for (an alarm's
   * repeat count, from the decisions that repeat it): it rides the next group
   * commit, in the same transaction as the entries queued with it, so whoever
   * caused it (a reader waiting for its feedback) never waits for a disk write.
   * Like a projector, a change that throws fails the commit it rides.
   */
  alongside(change: () => void): void {
    if (this.closed) throw new DomainError('unavailable', 'journal.closed', 'the journal is closed');
    this.viewChanges.push(change);
    this.scheduleFlush();
  }

  /**
   * Appends several entries and one effect in a single transaction, whatever the
   * batch size: an import commits every record and its entries, or nothing.
   */
  appendAll(inputs: readonly JournalEntryInput[], effect: () => void): JournalEntry[] {
    if (this.closed) throw new DomainError('unavailable', 'journal.closed', 'the journal is closed');
    inputs.forEach(validateInput);
    const sealed = this.sealAll(inputs);
    this.flush();
    let failure: Error | undefined;
    const batch: Waiting[] = sealed.map((input) => ({
      input,
      resolve: () => undefined,
      reject: (e) => (failure ??= e),
    }));
    const committed = this.commitGroup(batch, effect);
    if (failure) throw failure;
    return committed;
  }

  private commitGroup(batch: Waiting[], groupEffect?: () => void): JournalEntry[] {
    try {
      const pairs = this.commitBatch(batch, groupEffect);
      this.commits += 1;
      this.lastCommitError = null;
      for (const [w, e] of pairs) w.resolve(e);
      const committed = pairs.map(([, e]) => e);
      if (committed.length > 0) this.bus?.emit('journal.committed', committed);
      return committed;
    } catch (error) {
      // An effect that refuses (a conditional change that found its record changed meanwhile: an alarm
      // escalated by another timer) is an answer to its caller, not a failing disk: health stays as it is.
      if (!(error instanceof DomainError)) {
        this.failedCommits += 1;
        this.lastCommitError = (error as Error).message;
      }
      // Nothing of this batch was acknowledged; the in-memory tree goes back to what is stored.
      this.reload();
      for (const w of batch) w.reject(error as Error);
      throw error;
    }
  }

  /**
   * Holds commits while another writer (an import in a worker thread, on its own
   * connection) holds the database's write lock: appends are still accepted and
   * queued, so nothing on the event loop waits on that lock. `resume` commits
   * what queued, continuing the tree from where the other writer left it.
   */
  pause(): void {
    this.flush();
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.reload();
    if (!this.draining) void this.drain();
  }

  /**
   * Commits what queued during a pause in groups sized to take about a slice
   * each (from the time the last group took per entry), yielding the event loop
   * between them: a long import queues hundreds of entries, and committing them
   * in one go held the loop for tens of milliseconds. Order is kept (groups are
   * taken from the head of the queue and new appends join its tail) and each
   * append still resolves only when its group has committed. A `flush` meanwhile
   * (a close, an `appendAll`, a checkpoint) commits the rest at once as before.
   */
  private async drain(): Promise<void> {
    this.draining = true;
    const yieldTurn = timeSlicer();
    let groupSize = Math.min(FIRST_RESUME_GROUP, this.options.batchMaxEntries);
    try {
      while (!this.paused && (this.queue.length > 0 || this.viewChanges.length > 0)) {
        const started = performance.now();
        const committed = this.commitNext(groupSize);
        const perEntryMs = (performance.now() - started) / Math.max(committed, 1);
        groupSize = Math.max(1, Math.min(this.options.batchMaxEntries, Math.floor(SLICE_MS / perEntryMs)));
        await yieldTurn();
      }
    } finally {
      this.draining = false;
      if (!this.paused) for (const resolve of this.settledWaiters.splice(0)) resolve();
    }
  }

  /**
   * Resolves once the journal is neither held nor committing what queued while
   * held (see `drain`). An `appendAll` commits everything queued first, in one
   * go: one made right after an import would commit the import's backlog in a
   * single turn, the stall the drain is there to avoid. Callers that can wait
   * (a directory leaver) wait for this first.
   */
  settled(): Promise<void> {
    if (!this.paused && !this.draining) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /**
   * Entries that another writer committed (an import in a worker thread, while
   * this journal was paused) go to live subscribers like this journal's own.
   */
  announce(entries: readonly JournalEntry[]): void {
    this.bus?.emit('journal.committed', entries);
  }

  private scheduleFlush(): void {
    // Held, or being drained group by group: `resume`'s drain takes the new entry in its turn.
    if (this.paused || this.draining) return;
    // A full batch, or no wait configured: commit at the next turn of the event loop, after the caller's work.
    if (this.queue.length >= this.options.batchMaxEntries || this.options.batchMaxDelayMs <= 0) {
      this.flushTimer?.();
      this.flushTimer = undefined;
      if (this.flushSoon) return;
      this.flushSoon = true;
      setImmediate(() => {
        this.flushSoon = false;
        if (!this.draining) this.flush();
      });
      return;
    }
    if (this.flushTimer) return;
    this.flushTimer = this.clock.after(this.options.batchMaxDelayMs, () => {
      this.flushTimer = undefined;
      if (!this.draining) this.flush();
    });
  }

  /** Commits everything queued, in batches of at most `batchMaxEntries`. Synchronous by design. */
  flush(): void {
    if (this.paused) return;
    while (this.queue.length > 0 || this.viewChanges.length > 0)
      this.commitNext(this.options.batchMaxEntries);
  }

  /** Commits the head of the queue, at most `maxEntries` of it, with the waiting view changes; returns how many entries it took. */
  private commitNext(maxEntries: number): number {
    // An entry with an effect commits alone, so an effect that fails takes no other entry with it.
    const firstEffect = this.queue.findIndex((w) => w.effect !== undefined);
    const size = firstEffect === 0 ? 1 : firstEffect > 0 ? Math.min(firstEffect, maxEntries) : maxEntries;
    const batch = this.queue.splice(0, size);
    try {
      this.commitGroup(batch);
    } catch {
      // Already rejected to each waiting caller; the next batch goes on.
    }
    return batch.length;
  }

  /** One transaction for the batch; returns each stored entry with its waiter (entries that cannot be stored are rejected). */
  private commitBatch(batch: readonly Waiting[], groupEffect?: () => void): [Waiting, JournalEntry][] {
    return this.store.writeTransaction(() => {
      // Another process (the CLI) may have appended since: continue from what is stored.
      if (this.stale(this.store.readState())) this.reload();
      const frontier = this.frontier.clone();
      const now = this.clock.now();
      const time = now.toISOString();
      const timeMs = now.getTime();
      const stored: [Waiting, JournalEntry][] = [];
      const rejected: [Waiting, Error][] = [];
      for (const w of batch) {
        const seq = this.firstSeq + frontier.treeSize;
        const entry = buildEntryAt(w.input, seq, time);
        let json: string;
        try {
          json = serializeEntry(entry);
        } catch (error) {
          rejected.push([w, error as Error]);
          continue;
        }
        const leaf = leafHash(json);
        this.store.insertEntry(
          {
            seq,
            time_ms: timeMs,
            type: entry.type,
            category: entryCategory(entry.type),
            source: entry.source,
            entry_json: json,
            leaf_hash: leaf,
          },
          entry.subjects,
        );
        frontier.append(leaf);
        stored.push([w, entry]);
        w.effect?.();
      }
      // A group (appendAll) is all or nothing: one bad entry aborts the transaction.
      if (groupEffect && rejected.length > 0) throw rejected[0]![1];
      // Otherwise entries that cannot be stored fail alone; the rest of the batch still commits.
      for (const [w, error] of rejected) w.reject(error);
      groupEffect?.();
      for (const change of this.viewChanges.splice(0)) change();
      const entries = stored.map(([, e]) => e);
      for (const project of this.projectors.values()) project(entries);
      this.store.writeState(frontier.treeSize, frontier.toHex());
      this.frontier = frontier;
      if (frontier.treeSize - this.lastCheckpoint.treeSize >= this.options.checkpointEveryEntries)
        this.writeCheckpoint();
      return stored;
    });
  }

  private writeCheckpoint(): CheckpointBody {
    const now = this.clock.now();
    const cp = makeCheckpoint(
      this.signer,
      this.frontier.treeSize,
      this.frontier.root(),
      now,
      this.lastCheckpoint.hash,
      { epoch: this.epoch, firstSeq: this.firstSeq },
    );
    this.store.insertCheckpoint({
      tree_size: cp.body.treeSize,
      body_json: cp.bodyJson,
      hash: cp.hash,
      signature: cp.signature,
      key_id: cp.body.keyId,
      epoch: this.epoch,
    });
    this.lastCheckpoint = {
      treeSize: cp.body.treeSize,
      hash: cp.hash.toString('hex'),
      time: cp.body.time,
      atMs: this.clock.monotonicMs(),
    };
    return cp.body;
  }

  /** Signs a checkpoint now if entries arrived since the last one. */
  checkpointNow(): CheckpointBody | undefined {
    if (this.paused) return undefined;
    this.flush();
    return this.store.writeTransaction(() => {
      if (this.stale(this.store.readState())) this.reload();
      return this.frontier.treeSize > this.lastCheckpoint.treeSize ? this.writeCheckpoint() : undefined;
    });
  }

  /**
   * Wakes (on the injected clock) when a checkpoint falls due by time, a period
   * after the last one whoever wrote it; when there was nothing to sign, again
   * one period later. Never keeps the process alive.
   */
  private scheduleCheckpoints(): void {
    const everyMs = this.options.checkpointEverySeconds * 1000;
    this.stopCheckpoints = every(this.clock, everyMs, () => this.checkpointIfDue(), {
      background: true,
      dueInMs: () => this.lastCheckpoint.atMs + everyMs - this.clock.monotonicMs(),
      onError: (error) => (this.lastCommitError = error instanceof Error ? error.message : String(error)),
    });
  }

  private checkpointIfDue(): void {
    // While a drain commits group by group, a timed checkpoint would flush the rest in one go; the drain's groups cut checkpoints by count.
    if (this.paused || this.draining) return;
    if (this.clock.monotonicMs() - this.lastCheckpoint.atMs < this.options.checkpointEverySeconds * 1000)
      return;
    // Nothing new here or from another writer: no write transaction at all.
    if (this.queue.length === 0) {
      const state = this.store.readState();
      if (state.epoch === this.epoch && state.treeSize === this.lastCheckpoint.treeSize) return;
    }
    this.checkpointNow();
  }

  /** Whether another writer moved the stored tree since this journal last read it. */
  private stale(state: TreeState): boolean {
    return state.epoch !== this.epoch || state.treeSize !== this.frontier.treeSize;
  }

  private reload(): void {
    const state = this.store.readState();
    this.epoch = state.epoch;
    this.firstSeq = state.firstSeq;
    this.frontier = MerkleFrontier.restore(state.treeSize, state.frontier);
    const cp = this.store.lastCheckpoint();
    this.lastCheckpoint = cp
      ? {
          // The last checkpoint of an earlier epoch signs none of this tree; the next one still links to it.
          treeSize: (cp.epoch ?? 1) === state.epoch ? cp.tree_size : 0,
          hash: cp.hash.toString('hex'),
          time: (JSON.parse(cp.body_json) as CheckpointBody).time,
          atMs: this.clock.monotonicMs(),
        }
      : { treeSize: 0, hash: null, time: null, atMs: this.clock.monotonicMs() };
  }

  /** Begins the epoch a migration left due (a journal from before sealed entries); undefined when none is. */
  beginEpochIfDue(source: string): JournalEntry | undefined {
    return this.store.epochDue()
      ? this.beginEpoch(source, 'personal values are sealed from here on')
      : undefined;
  }

  /**
   * Closes the current epoch's tree and begins the next (issue 12, item 5),
   * in one transaction: a checkpoint signs every entry of the closing epoch,
   * and the new tree's first entry, `journal.epoch-started`, commits to that
   * checkpoint (its hash, root, size and signature). The old tree is kept as
   * it is and verifies as before. Clears the migration's "epoch due" task.
   */
  beginEpoch(source: string, reason: string): JournalEntry {
    this.flush();
    const started = this.inOwnTransaction(() => {
      this.reload();
      if (this.frontier.treeSize > this.lastCheckpoint.treeSize) this.writeCheckpoint();
      const closing = this.store.lastCheckpointOf(this.epoch);
      const input = epochStartedInput(
        source,
        reason,
        { epoch: this.epoch, firstSeq: this.firstSeq, treeSize: this.frontier.treeSize },
        closing,
      );
      this.store.beginEpoch(
        this.epoch + 1,
        this.firstSeq + this.frontier.treeSize,
        this.clock.now().getTime(),
      );
      this.reload();
      const entry = this.commitOne(input);
      this.store.epochDone();
      return entry;
    });
    this.bus?.emit('journal.committed', [started]);
    return started;
  }

  /**
   * Retires an earlier epoch (issue 12, item 5): its entries' bodies are
   * removed (their clear personal values with them) and each leaf hash is
   * kept, so its tree and signed checkpoints, and inclusion proofs of its
   * leaves, still verify. Refused for the current epoch, an unknown or
   * already retired one, or one whose last entries no checkpoint signs.
   * Journaled as `journal.epoch-retired` with who asked and why. The caller
   * compacts the file afterwards (`compactAfterRetirement`): removed bytes
   * otherwise linger in free pages and the WAL.
   */
  retireEpoch(
    epoch: number,
    by: { source: string; actor?: Actor; reason: string },
  ): { entry: JournalEntry; retired: number } {
    this.flush();
    const done = this.inOwnTransaction(() => {
      this.reload();
      const epochs = this.store.epochs();
      const index = epochs.findIndex((e) => e.epoch === epoch);
      const target = epochs[index];
      if (!target)
        throw new DomainError('not-found', 'journal.unknown-epoch', `the journal has no epoch ${epoch}`);
      if (epoch >= this.epoch)
        throw new DomainError(
          'conflict',
          'journal.epoch-current',
          `epoch ${epoch} is the current one: only an epoch closed by a later one can be retired`,
        );
      if (target.retired_at !== null)
        throw new DomainError('conflict', 'journal.epoch-retired', `epoch ${epoch} is already retired`);
      const lastSeq = epochs[index + 1]!.first_seq - 1;
      const closing = this.store.lastCheckpointOf(epoch);
      if (!closing || closing.tree_size !== lastSeq - target.first_seq + 1)
        throw new DomainError(
          'conflict',
          'journal.epoch-unsigned',
          `epoch ${epoch} has entries no signed checkpoint covers: retiring them would lose them`,
        );
      const retired = this.store.retireEntries(target.first_seq, lastSeq);
      this.store.markRetired(epoch, this.clock.now().getTime());
      const entry = this.commitOne(
        epochRetiredInput(by, { epoch, firstSeq: target.first_seq, lastSeq, retired }, closing),
      );
      return { entry, retired };
    });
    this.bus?.emit('journal.committed', [done.entry]);
    return done;
  }

  /** One entry committed inside the caller's transaction; a failure throws (and rolls it all back). */
  private commitOne(input: JournalEntryInput): JournalEntry {
    validateInput(input);
    let failure: Error | undefined;
    const [pair] = this.commitBatch(
      [{ input, resolve: () => undefined, reject: (e) => (failure ??= e) }],
      () => undefined,
    );
    if (failure || !pair) throw failure ?? new Error('journal entry not stored');
    return pair[1];
  }

  /** A write transaction of this journal's own; on failure the in-memory tree goes back to what is stored. */
  private inOwnTransaction<T>(fn: () => T): T {
    if (this.closed) throw new DomainError('unavailable', 'journal.closed', 'the journal is closed');
    try {
      return this.store.writeTransaction(fn);
    } catch (error) {
      this.reload();
      throw error;
    }
  }

  stats(): JournalStats {
    // Earlier epochs are signed to their end (a new epoch begins only then), so counts before firstSeq are all signed.
    const before = this.firstSeq - 1;
    return {
      treeSize: before + this.frontier.treeSize,
      lastCheckpointSize: before + this.lastCheckpoint.treeSize,
      epoch: this.epoch,
      epochTreeSize: this.frontier.treeSize,
      lastCheckpointTime: this.lastCheckpoint.time,
      queued: this.queue.length,
      commits: this.commits,
      failedCommits: this.failedCommits,
      lastCommitError: this.lastCommitError,
    };
  }

  get isOpen(): boolean {
    return this.opened && !this.closed;
  }

  /** Records a clean stop, commits it and signs a final checkpoint. */
  async close(details: Record<string, string> = {}): Promise<void> {
    if (this.closed) return;
    this.stopCheckpoints?.();
    this.flushTimer?.();
    this.flushTimer = undefined;
    if (this.opened) {
      const stopped = this.append({ type: 'journal.stopped', source: 'gateway', payload: { ...details } });
      this.flush();
      await stopped;
      this.checkpointNow();
    }
    this.closed = true;
    for (const resolve of this.settledWaiters.splice(0)) resolve();
  }
}
