import { join } from 'node:path';
import type { Clock, GatehouseBus } from '@gatehouse/contracts';
import { Journal, type JournalOptions, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { journalPrivacy, type PrivacyKeyring } from '@gatehouse/privacy';
import { testKeyring } from './access-store';
import { type Db, openDatabase } from '@gatehouse/storage';

/** Commits at once (no group-commit wait) and checkpoints rarely: what medium tests want. */
export const TEST_JOURNAL_OPTIONS: JournalOptions = {
  batchMaxEntries: 500,
  batchMaxDelayMs: 0,
  checkpointEveryEntries: 1000,
  checkpointEverySeconds: 60,
};

/**
 * A real SQLite file and an opened journal in `dir`, for tests that keep real
 * records; personal values are sealed under per-person keys as the gateway's
 * are, under the tests' master key (one keyring per database, shared with
 * `sealedAccessStore`).
 */
export const openTestJournal = async (
  dir: string,
  clock: Clock,
  options: Partial<JournalOptions> = {},
  /** Where committed entries are announced (`journal.committed`), for parts that follow the journal. */
  bus?: GatehouseBus,
): Promise<{ db: Db; journal: Journal; keyring: PrivacyKeyring; path: string }> => {
  const path = join(dir, 'test.db');
  const db = openDatabase({ path, synchronous: 'normal' });
  const keyring = testKeyring(db);
  const journal = new Journal(
    new SqliteJournalStore(db),
    loadOrCreateSigningKey(join(dir, 'k.pem')),
    clock,
    { ...TEST_JOURNAL_OPTIONS, ...options },
    bus,
    journalPrivacy(keyring),
  );
  await journal.open();
  return { db, journal, keyring, path };
};
