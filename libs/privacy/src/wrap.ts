import { aadOf, open, seal } from './aead';
import { type MasterKey, wrappingKeyOf } from './master-key';

/**
 * Data keys are wrapped with AES-256-GCM under a key derived from the master
 * key, rather than AES-KW (RFC 3394, `id-aes256-wrap`): GCM takes additional
 * data, so each wrapped key is bound to its row (whose key it is, which master
 * key version wrapped it). A wrapped key copied onto another person's row, or a
 * row relabelled with another version, fails to unwrap instead of silently
 * serving the wrong key; AES-KW would need a separate MAC for that. The random
 * 96-bit nonce is safe far beyond the number of people a site wraps keys for.
 */
export type WrapSubject = { kind: 'person'; id: string } | { kind: 'site'; purpose: string };

const aad = (subject: WrapSubject, version: number) =>
  subject.kind === 'person'
    ? aadOf('gatehouse.person-key.v1', subject.id, version)
    : aadOf('gatehouse.site-key.v1', subject.purpose, version);

export const wrapKey = (master: MasterKey, version: number, subject: WrapSubject, raw: Buffer): Buffer =>
  seal(wrappingKeyOf(master), raw, aad(subject, version));

/** The raw key, or null when the row was altered or moved. */
export const unwrapKey = (
  master: MasterKey,
  version: number,
  subject: WrapSubject,
  wrapped: Buffer,
): Buffer | null => open(wrappingKeyOf(master), wrapped, aad(subject, version));
