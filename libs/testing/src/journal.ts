import { join } from 'node:path';
import type { Clock } from '@gatehouse/contracts';
import { Journal, type JournalOptions, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { journalPrivacy, MasterKey, PrivacyKeyring } from '@gatehouse/privacy';
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
 * are, with a master key made for the test.
 */
export const openTestJournal = async (
  dir: string,
  clock: Clock,
  options: Partial<JournalOptions> = {},
): Promise<{ db: Db; journal: Journal; keyring: PrivacyKeyring }> => {
  const db = openDatabase({ path: join(dir, 'test.db'), synchronous: 'normal' });
  const keyring = PrivacyKeyring.open(db, [MasterKey.generate()]);
  const journal = new Journal(
    new SqliteJournalStore(db),
    loadOrCreateSigningKey(join(dir, 'k.pem')),
    clock,
    { ...TEST_JOURNAL_OPTIONS, ...options },
    undefined,
    journalPrivacy(keyring),
  );
  await journal.open();
  return { db, journal, keyring };
};
