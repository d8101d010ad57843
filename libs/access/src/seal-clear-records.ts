import type { AccessStore } from './store';

export interface SealingReport {
  cardholders: number;
  photos: number;
}

/** Rows per transaction: a kill loses at most one batch's work, which the next start redoes. */
const BATCH = 500;
/** Bounds the loop: a database never holds more rows than this many batches' worth. */
const MAX_BATCHES = 1_000_000;

/**
 * Seals the cardholders and photos stored in clear by an earlier release
 * (migration 8 moved the columns; only the gateway holds the keys to fill
 * them). At start, before the decision index is built, in batches of one
 * transaction each: a start killed halfway leaves every row either clear or
 * sealed, and the next start seals the rest (a row is clear while its `data`
 * has a name, a photo while it has no ciphertext). Overwritten content is
 * zeroed (secure_delete); then the file is rewritten once (VACUUM) and the
 * WAL, which held the clear pages, checkpointed and truncated. `log` hears
 * counts, never a value.
 */
export const sealClearRecords = (store: AccessStore, log: (message: string) => void): SealingReport => {
  const db = store.db;
  const report: SealingReport = { cardholders: 0, photos: 0 };
  db.pragma('secure_delete = ON');
  try {
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const done = store.transaction(() => {
        const ids = store.clearCardholderIds(BATCH);
        for (const id of ids) store.put('cardholders', store.get('cardholders', id)!);
        const photos = store.clearPhotoIds(BATCH);
        for (const id of photos) {
          const p = store.photo(id)!;
          if (store.sealing.isErased(id)) store.removePhoto(id);
          else store.putPhoto(id, p.contentType, p.data);
        }
        report.cardholders += ids.length;
        report.photos += photos.length;
        return ids.length + photos.length;
      });
      if (done === 0) break;
      log(
        `sealing records stored in clear: ${report.cardholders} cardholders, ${report.photos} photos so far`,
      );
    }
    if (report.cardholders + report.photos > 0)
      log(`sealed ${report.cardholders} cardholders and ${report.photos} photos stored in clear`);
    if (db.prepare("SELECT 1 FROM upgrade_tasks WHERE task = 'vacuum-after-sealing'").get()) {
      // The pages a rewrite rebalanced may keep old cells in their gaps, and the
      // indexes migration 8 dropped were freed before: rewriting the file leaves
      // neither. Done once, after the last row is sealed; the task is struck off
      // only when it is done, so a start killed in between does it again.
      log('rewriting the database file so that no clear copy of the sealed rows remains (VACUUM, once)');
      db.exec('VACUUM');
      db.prepare("DELETE FROM upgrade_tasks WHERE task = 'vacuum-after-sealing'").run();
      db.pragma('wal_checkpoint(TRUNCATE)');
      log('database file rewritten');
    }
  } finally {
    db.pragma('secure_delete = OFF');
  }
  return report;
};
