import { join } from 'node:path';
import type { Logger } from 'pino';
import { AccessService, AccessStore, importWorkerAvailable, workerImportWriter } from '@gatehouse/access';
import { AuthService, AuthStore, SecretBox } from '@gatehouse/auth';
import type { GatehouseConfig } from '@gatehouse/config';
import { type Clock, GatehouseBus, systemClock } from '@gatehouse/contracts';
import { Journal, JournalReader, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { type Db, openDatabase, ReadPool } from '@gatehouse/storage';

export const VERSION = '0.1.0';

/** The objects every part of the gateway shares, built once before Nest starts. */
export interface Core {
  config: GatehouseConfig;
  clock: Clock;
  bus: GatehouseBus;
  db: Db;
  readPool: ReadPool;
  journal: Journal;
  reader: JournalReader;
  auth: AuthService;
  access: AccessService;
  close(): Promise<void>;
}

export interface CoreOptions {
  logger: Logger;
  /** The CLI joins the journal without recording a gateway start. */
  role: 'gateway' | 'cli';
  clock?: Clock;
}

export const createCore = async (config: GatehouseConfig, options: CoreOptions): Promise<Core> => {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const bus = new GatehouseBus((event, owner, error) =>
    logger.error({ err: error, event, owner }, 'event subscriber failed'),
  );
  const db = openDatabase({ path: config.resolved.sqlitePath, synchronous: config.storage.synchronous });
  const signer = loadOrCreateSigningKey(config.resolved.signingKeyFile, (m) => logger.warn(m));
  const journal = new Journal(new SqliteJournalStore(db), signer, clock, config.journal, bus);
  if (options.role === 'gateway') await journal.open({ version: VERSION, site: config.site.name });
  else journal.attach();
  const readPool = new ReadPool(config.resolved.sqlitePath, config.storage.readWorkers);
  const secrets = SecretBox.fromFile(join(config.resolved.dataDir, 'keys', 'secrets.key'));
  const auth = new AuthService(
    new AuthStore(db),
    journal,
    clock,
    { ...config.auth, siteName: config.site.name },
    secrets,
  );
  const access = new AccessService(new AccessStore(db), journal, clock, bus);
  if (options.role === 'gateway' && importWorkerAvailable()) {
    access.useImportWriter(
      workerImportWriter(
        {
          sqlitePath: config.resolved.sqlitePath,
          synchronous: config.storage.synchronous,
          signingKeyFile: config.resolved.signingKeyFile,
          journal: config.journal,
        },
        journal,
      ),
    );
  }
  return {
    config,
    clock,
    bus,
    db,
    readPool,
    journal,
    reader: new JournalReader(readPool),
    auth,
    access,
    async close() {
      if (options.role === 'gateway') await journal.close();
      else journal.flush();
      await readPool.close();
      db.close();
    },
  };
};
