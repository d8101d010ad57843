import { join } from 'node:path';
import { type Auth, AuthStore, createAuth, SecretBox } from '@gatehouse/auth';
import type { GatehouseConfig } from '@gatehouse/config';
import type { Clock, GatehouseBus } from '@gatehouse/contracts';
import { Journal, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { type Db, openDatabase } from '@gatehouse/storage';

/**
 * What the gateway and the CLI both open from the configuration: the database,
 * the journal (neither opened nor joined yet: each does that its own way) and
 * the operators. Nothing here opens a serial port, a broker connection or a
 * listening socket.
 */
export interface Foundation {
  db: Db;
  journal: Journal;
  secrets: SecretBox;
  auth: Auth;
}

export const openFoundation = (
  config: GatehouseConfig,
  clock: Clock,
  warn: (message: string) => void,
  bus?: GatehouseBus,
): Foundation => {
  const db = openDatabase({ path: config.resolved.sqlitePath, synchronous: config.storage.synchronous });
  const signer = loadOrCreateSigningKey(config.resolved.signingKeyFile, warn);
  const journal = new Journal(new SqliteJournalStore(db), signer, clock, config.journal, bus);
  const secrets = SecretBox.fromFile(join(config.resolved.dataDir, 'keys', 'secrets.key'));
  const auth = createAuth(
    new AuthStore(db),
    journal,
    clock,
    {
      ...config.auth,
      siteName: config.site.name,
      passwordNeedsLettersAndDigits: config.security.profile === 'pci',
    },
    secrets,
  );
  return { db, journal, secrets, auth };
};
