import type { Db } from '@gatehouse/storage';

/**
 * Runs `fn` inside the caller's transaction when there is one (a record write,
 * an import batch), else in its own immediate one. A nested better-sqlite3
 * transaction would add a savepoint and its release to every person written.
 */
export const atomically = <T>(db: Db, fn: () => T): T =>
  db.inTransaction ? fn() : db.transaction(fn).immediate();
