import { commitAll } from './commitment';
import type { KeyLookup, PrivacyKeyring } from './keyring';
import type { PersonKey } from './person-key';
import { openFieldBytes, sealFieldBytes } from './person-key';

/** The keys the journal's sealing needs: a keyring's, or a test's in memory. */
export type JournalKeys = { keyOf(personId: string): KeyLookup; keyForWriting(personId: string): PersonKey };

/** What the ciphertext of an entry's personal values is bound to, besides the person. */
const SCOPE = 'journal-entry';

type Opening =
  | { ok: true; values: Record<string, { value: string; salt: string }> }
  | { ok: false; reason: 'erased' | 'unreadable' };

/**
 * The journal's sealer and opener (libs/journal, `PersonalPrivacy`) over a
 * keyring: an entry's personal values, each with a fresh 32-byte salt, sealed
 * as one AES-256-GCM ciphertext under the person's key (bound to the person),
 * and one salted SHA-256 commitment per value for the entry's payload.
 */
export const journalPrivacy = (keyring: JournalKeys | PrivacyKeyring) => ({
  sealValues: (personId: string, values: Readonly<Record<string, string>>) => {
    // A known key comes from the cache without a transaction; only a person's first value makes one.
    const found = keyring.keyOf(personId);
    const key = found.kind === 'key' ? found.key : keyring.keyForWriting(personId);
    const inside: Record<string, [string, string]> = {};
    const commitments: Record<string, string> = {};
    const paths = Object.keys(values);
    const committed = commitAll(paths.map((p) => values[p]!));
    paths.forEach((path, i) => {
      inside[path] = [committed[i]!.salt, values[path]!];
      commitments[path] = committed[i]!.commitment;
    });
    return { sealed: sealFieldBytes(key, SCOPE, Buffer.from(JSON.stringify(inside), 'utf8')), commitments };
  },
  openValues: (personId: string, sealed: string): Opening => {
    const found = keyring.keyOf(personId);
    // The key is gone: erased, or its row lost (a database restored without its keys). Either way
    // nothing can open the values again, so they show as an erased person's.
    if (found.kind !== 'key') return { ok: false, reason: 'erased' };
    const opened = openFieldBytes(found.key, SCOPE, sealed);
    if (!opened.ok) return opened;
    const inside = JSON.parse(opened.plain.toString('utf8')) as Record<string, [string, string]>;
    const values: Record<string, { value: string; salt: string }> = {};
    for (const [path, [salt, value]] of Object.entries(inside)) values[path] = { value, salt };
    return { ok: true, values };
  },
});
