import { DomainError, type JournalEntry } from '@gatehouse/contracts';
import type { ReadPool } from '@gatehouse/storage';
import type { CheckpointBody } from './checkpoint';
import { buildJournalQuery, decodeCursor, encodeCursor, type JournalFilter, type JournalPage } from './query';
import type { StoredCheckpointRow } from './store';
import { verifyStoredJournal } from './stored-verify';
import type { VerifyReport } from './verifier';

export const MAX_PAGE = 500;

/** A signed checkpoint as the API lists it: its body's fields, hash in hex, signature in base64. */
export type CheckpointView = CheckpointBody & { id: number; hash: string; signature: string };

/** The read side of the journal. Every query runs in the read pool's workers, never on the event loop's connection. */
export class JournalReader {
  constructor(private readonly pool: ReadPool) {}

  async page(filter: JournalFilter, limit: number, cursor?: string): Promise<JournalPage> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new DomainError('invalid', 'journal.bad-limit', `limit must be 1-${MAX_PAGE}`);
    }
    const beforeSeq = cursor ? decodeCursor(cursor) : undefined;
    const q = buildJournalQuery(filter, 'desc', { beforeSeq, limit: limit + 1 });
    const rows = await this.pool.all<{ seq: number; entry_json: string }>(q.sql, q.params);
    const items = rows.slice(0, limit).map((r) => JSON.parse(r.entry_json) as JournalEntry);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
  }

  /** Entries after `afterSeq`, oldest first, at most `limit` (for resuming live streams). */
  async since(afterSeq: number, filter: JournalFilter, limit: number): Promise<JournalEntry[]> {
    const q = buildJournalQuery(filter, 'asc', { beforeSeq: afterSeq, limit });
    const rows = await this.pool.all<{ entry_json: string }>(q.sql, q.params);
    return rows.map((r) => JSON.parse(r.entry_json) as JournalEntry);
  }

  /** Streams every matching entry oldest first, as raw canonical JSON, in chunks. */
  async *exportRaw(filter: JournalFilter, chunk = 250): AsyncGenerator<string[]> {
    const q = buildJournalQuery(filter, 'asc');
    for await (const rows of this.pool.iterate<{ entry_json: string }>(q.sql, q.params, chunk)) {
      yield rows.map((r) => r.entry_json);
    }
  }

  async checkpoints(limit = 100): Promise<CheckpointView[]> {
    const rows = await this.pool.all<StoredCheckpointRow>(
      'SELECT * FROM journal_checkpoints ORDER BY id DESC LIMIT ?',
      [limit],
    );
    return rows.map((r) => ({
      ...(JSON.parse(r.body_json) as CheckpointBody),
      id: r.id,
      hash: r.hash.toString('hex'),
      signature: r.signature.toString('base64'),
    }));
  }

  /** The same verification as the CLI's, against the read pool. */
  verify(publicKeys: ReadonlyMap<string, string>): Promise<VerifyReport> {
    return verifyStoredJournal(this.pool.pinned(), publicKeys);
  }
}
