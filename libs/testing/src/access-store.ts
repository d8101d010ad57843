import { AccessStore, privacySealing } from '@gatehouse/access';
import { MasterKey, PrivacyKeyring } from '@gatehouse/privacy';
import type { Db } from '@gatehouse/storage';

/** The tests' master key: one for every database, so a test can close and reopen its own. */
export const TEST_MASTER_KEY = new MasterKey(Buffer.alloc(32, 0x5a));

/**
 * An access store over `db` whose cardholders are sealed as the gateway's are,
 * under the tests' master key (returned with its keyring, for tests that
 * erase, reopen or look inside).
 */
export const sealedAccessStore = (
  db: Db,
  masterKey: MasterKey = TEST_MASTER_KEY,
): { store: AccessStore; keyring: PrivacyKeyring; masterKey: MasterKey } => {
  const keyring = PrivacyKeyring.open(db, [masterKey]);
  return { store: new AccessStore(db, privacySealing(keyring)), keyring, masterKey };
};
