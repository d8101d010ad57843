import { createHmac } from 'node:crypto';

/** The keyring's purpose and HKDF label for the account digest key (a site key, wrapped by the master key). */
export const ACCOUNT_DIGEST_PURPOSE = 'logins-account';
export const ACCOUNT_DIGEST_LABEL = 'gatehouse/logins/account-digest/v1';

/** 128 bits: no accidental collision among a site's accounts, short enough to read in a list. */
const DIGEST_HEX = 32;
/** Accounts whose digest is remembered: a burst repeats the same few accounts. */
const CACHE_SIZE = 4096;

/** Turns a normalised account key (`corp\ann`) into what the journal and the sessions keep instead. */
export type AccountDigest = (accountKey: string) => string;

/**
 * A keyed HMAC of the normalised account: the journal's `accountKey`, the
 * rules' account and the sessions' key, so one account is recognised across
 * entries and restarts without its name being stored anywhere in clear. Only
 * a holder of the site key can test a guessed name against it; a plain hash
 * would let anyone holding a copy of the database try a list of names.
 */
export const accountDigester = (key: Buffer): AccountDigest => {
  const cache = new Map<string, string>();
  return (accountKey) => {
    const known = cache.get(accountKey);
    if (known !== undefined) return known;
    const digest = `acct:${createHmac('sha256', key).update(accountKey, 'utf8').digest('hex').slice(0, DIGEST_HEX)}`;
    cache.set(accountKey, digest);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return digest;
  };
};

/**
 * The pseudo-person whose key seals the name of an account that maps to
 * nobody: one key per account, so erasing that account's data is erasing its
 * key, and an entry made before the account was mapped stays readable to
 * whoever may open it. The id carries only the digest.
 */
export const unmappedHolder = (digest: string): string => `unmapped-${digest.replace(':', '-')}`;

/** The holder whose key seals the raw message of a login fact that names no account. */
export const UNATTRIBUTED_HOLDER = 'unmapped-no-account';

/** The site's account digest, its key from the privacy keyring (made at first use, kept wrapped). */
export const siteAccountDigest = (keyring: {
  siteKey(purpose: string, label: string): Buffer;
}): AccountDigest => accountDigester(keyring.siteKey(ACCOUNT_DIGEST_PURPOSE, ACCOUNT_DIGEST_LABEL));
