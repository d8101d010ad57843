import { join } from 'node:path';
import { type Auth, AuthStore, createAuth, SecretBox } from '@gatehouse/auth';
import type { GatehouseConfig } from '@gatehouse/config';
import type { Clock, GatehouseBus } from '@gatehouse/contracts';
import { Journal, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { journalPrivacy, PrivacyKeyring } from '@gatehouse/privacy';
import { type Db, openDatabase } from '@gatehouse/storage';
import { loadSiteMasterKey } from './master-key';

/**
 * What the gateway and the CLI both open from the configuration: the database,
 * the journal (neither opened nor joined yet: each does that its own way) and
 * the operators. Nothing here opens a serial port, a broker connection or a
 * listening socket. The master key is read first and checked before
 * anything else is written: without it, or with a wrong one, the start is
 * refused (MasterKeyError) and no key file or journal entry is made.
 */
export interface Foundation {
  db: Db;
  journal: Journal;
  secrets: SecretBox;
  auth: Auth;
  /** Person data keys, opened with the site's master key. */
  keyring: PrivacyKeyring;
}

/**
 * Unwrapped person keys kept in memory (the keyring's cache, least recently used
 * out first). Sized for a site's whole population: at the keyring's default of
 * 4,096, an export or a live-events fan-out over more people than that (an
 * import of 10,000, a journal of 20,000 cardholders) unwrapped each person's
 * key again, on the event loop: a SQLite read and an AES-GCM opening per line,
 * whose native Decipher and Buffers every young collection then has to
 * finalise (measured by `npm run bench -- card-load`, BENCHMARKS.md). About
 * 400 bytes a key with its id and map entry: 26 MB at most.
 */
const PERSON_KEYS_KEPT = 65_536;

export const openFoundation = (
  config: GatehouseConfig,
  clock: Clock,
  warn: (message: string) => void,
  bus?: GatehouseBus,
): Foundation => {
  const masterKey = loadSiteMasterKey(config, warn);
  const db = openDatabase({ path: config.resolved.sqlitePath, synchronous: config.storage.synchronous });
  let keyring: PrivacyKeyring;
  try {
    keyring = PrivacyKeyring.open(db, [masterKey], { cacheSize: PERSON_KEYS_KEPT });
  } catch (error) {
    db.close();
    throw error;
  }
  const signer = loadOrCreateSigningKey(config.resolved.signingKeyFile, warn);
  const journal = new Journal(
    new SqliteJournalStore(db),
    signer,
    clock,
    config.journal,
    bus,
    journalPrivacy(keyring),
  );
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
  return { db, journal, secrets, auth, keyring };
};
