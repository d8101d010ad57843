import { AccessStore, privacySealing } from '@gatehouse/access';
import { MasterKey, PrivacyKeyring } from '@gatehouse/privacy';
import type { Db } from '@gatehouse/storage';

/** The tests' master key: one for every database, so a test can close and reopen its own. */
export const TEST_MASTER_KEY = new MasterKey(Buffer.alloc(32, 0x5a));

/**
 * One keyring per open database, as in the gateway: the journal's entries and
 * the store's records seal under the same per-person keys, and an erasure
 * through one is seen by the other.
 */
const keyrings = new WeakMap<Db, PrivacyKeyring>();
export const testKeyring = (db: Db, masterKey: MasterKey = TEST_MASTER_KEY): PrivacyKeyring => {
  const known = keyrings.get(db);
  if (known) return known;
  const keyring = PrivacyKeyring.open(db, [masterKey]);
  keyrings.set(db, keyring);
  return keyring;
};

/**
 * An access store over `db` whose cardholders are sealed as the gateway's are,
 * under the tests' master key (returned with its keyring, for tests that
 * erase, reopen or look inside).
 */
export const sealedAccessStore = (
  db: Db,
  masterKey: MasterKey = TEST_MASTER_KEY,
): { store: AccessStore; keyring: PrivacyKeyring; masterKey: MasterKey } => {
  const keyring = testKeyring(db, masterKey);
  return { store: new AccessStore(db, privacySealing(keyring)), keyring, masterKey };
};
