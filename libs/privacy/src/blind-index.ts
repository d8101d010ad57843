import { createHmac } from 'node:crypto';
import type { Db, Statement } from '@gatehouse/storage';
import type { PrivacyKeyring } from './keyring';
import { MAX_NAME_TOKENS, nameTokens, normaliseCardNumber } from './normalise';

export type BlindIndexKind = 'name' | 'card';

/** HKDF labels of the two index keys: a name token's digest never equals a card number's. */
export const BLIND_INDEX_LABELS: Record<BlindIndexKind, string> = {
  name: 'gatehouse/privacy/blind-index/name/v1',
  card: 'gatehouse/privacy/blind-index/card/v1',
};
/**
 * 128 bits of the HMAC: no accidental collision among any site's tokens, half
 * the index size. The index reveals which people share a token (and how many
 * people carry the commonest ones), never the token itself without the key.
 */
const DIGEST_BYTES = 16;
export const DEFAULT_SEARCH_LIMIT = 1000;

export interface IndexedPerson {
  /** Every name of the person (given name, surname, full name): each token is indexed. */
  names: readonly string[];
  cards: readonly string[];
}

/**
 * Search by name and card without their clear text in the database: each
 * normalised name token and card number is stored as a keyed HMAC, and a
 * search computes the same HMACs and looks them up by index.
 */
export class BlindIndex {
  private readonly keys: Record<BlindIndexKind, Buffer>;
  private readonly insert: Statement;
  private readonly removeAll: Statement;
  private readonly byCard: Statement;
  private readonly byName = new Map<number, Statement>();

  constructor(
    private readonly db: Db,
    keyring: PrivacyKeyring,
  ) {
    this.keys = {
      name: keyring.siteKey('blind-index', BLIND_INDEX_LABELS.name),
      card: keyring.siteKey('blind-index', BLIND_INDEX_LABELS.card),
    };
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO privacy_blind_index (kind, digest, person_id) VALUES (?, ?, ?)',
    );
    this.removeAll = db.prepare('DELETE FROM privacy_blind_index WHERE person_id = ?');
    this.byCard = db
      .prepare("SELECT person_id FROM privacy_blind_index WHERE kind = 'card' AND digest = ? LIMIT ?")
      .pluck();
  }

  private digest(kind: BlindIndexKind, normalised: string): Buffer {
    return createHmac('sha256', this.keys[kind])
      .update(normalised, 'utf8')
      .digest()
      .subarray(0, DIGEST_BYTES);
  }

  /** Replaces what is indexed for the person (in the caller's transaction, if any). */
  indexPerson(personId: string, person: IndexedPerson): void {
    this.db.transaction(() => {
      this.removeAll.run(personId);
      for (const token of new Set(person.names.flatMap(nameTokens)))
        this.insert.run('name', this.digest('name', token), personId);
      for (const card of person.cards) {
        const normal = normaliseCardNumber(card);
        if (normal !== '') this.insert.run('card', this.digest('card', normal), personId);
      }
    })();
  }

  removePerson(personId: string): void {
    this.removeAll.run(personId);
  }

  /**
   * The people whose names hold every token of the query ("smith", "anna
   * smith", "Smith, Anna" alike). Whole tokens only: a blind index cannot
   * answer substrings.
   */
  searchName(query: string, limit = DEFAULT_SEARCH_LIMIT): string[] {
    const tokens = nameTokens(query).slice(0, MAX_NAME_TOKENS);
    if (tokens.length === 0) return [];
    let stmt = this.byName.get(tokens.length);
    if (!stmt) {
      stmt = this.db
        .prepare(
          `SELECT person_id FROM privacy_blind_index
           WHERE kind = 'name' AND digest IN (${tokens.map(() => '?').join(', ')})
           GROUP BY person_id HAVING count(*) = ? LIMIT ?`,
        )
        .pluck();
      this.byName.set(tokens.length, stmt);
    }
    return stmt.all(...tokens.map((t) => this.digest('name', t)), tokens.length, limit) as string[];
  }

  searchCard(number: string, limit = DEFAULT_SEARCH_LIMIT): string[] {
    const normal = normaliseCardNumber(number);
    if (normal === '') return [];
    return this.byCard.all(this.digest('card', normal), limit) as string[];
  }
}
