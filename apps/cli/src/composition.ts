import type { Auth } from '@gatehouse/auth';
import type { GatehouseConfig } from '@gatehouse/config';
import type { Journal } from '@gatehouse/journal';
import type { Db } from '@gatehouse/storage';
import { systemClock } from '@gatehouse/contracts';
import { openFoundation } from '../../gateway/src/foundation';

/** What the CLI's writing commands use: the gateway's operators, recorded in its journal. */
export interface CliRecords {
  auth: Auth;
  journal: Journal;
  db: Db;
  /** Commits what the command appended and closes the database. */
  close(): void;
}

/**
 * The CLI's own composition: storage, the journal and the operators, nothing
 * else (no serial port, broker or HTTP). It joins the journal without
 * recording a gateway start, so a gateway running meanwhile, or started next,
 * continues the same tree and sees no crash in between.
 */
export const openCliRecords = (config: GatehouseConfig, warn: (message: string) => void): CliRecords => {
  const { db, journal, auth } = openFoundation(config, systemClock, warn);
  journal.attach();
  return {
    auth,
    journal,
    db,
    close() {
      journal.flush();
      db.close();
    },
  };
};
