import type { PrivacyKeyring } from './keyring';
import { openCommitted, sealCommitted } from './commitment';

/**
 * The journal's sealer and opener (libs/journal, `PersonalPrivacy`) over a
 * keyring: each personal value of an entry sealed with its commitment under
 * the person's key, bound to its path in the payload, so a value copied to
 * another path or another person's entry does not open.
 */
export const journalPrivacy = (keyring: PrivacyKeyring) => ({
  seal: (personId: string, path: string, value: string) => {
    // A known key comes from the cache without a transaction; only a first value makes one.
    const found = keyring.keyOf(personId);
    const key = found.kind === 'key' ? found.key : keyring.keyForWriting(personId);
    const { sealed, commitment } = sealCommitted(key, path, value);
    return { sealed, commitment };
  },
  open: (personId: string, path: string, sealed: string) => {
    const found = keyring.keyOf(personId);
    if (found.kind === 'key') return openCommitted(found.key, path, sealed);
    // The key is gone: erased, or its row lost (a database restored without its keys). Either way
    // nothing can open the value again, so it shows as an erased person's.
    return { ok: false as const, reason: 'erased' as const };
  },
});
