import type { Db, Statement } from '@gatehouse/storage';
import { atomically } from './atomically';
import { hmacSha256 } from './hmac';
import type { PrivacyKeyring } from './keyring';
import { nameTokens, normaliseCardNumber } from './normalise';

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
/** Counting a token's rows stops here: enough to tell a rare token from a common one. */
const RARITY_PROBE = 500;

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
  private readonly macs: Record<BlindIndexKind, (message: string) => Buffer>;
  private readonly insert: Statement;
  private readonly removeAll: Statement;
  private readonly byCard: Statement;
  private readonly byName = new Map<number, Statement>();
  private readonly tokenCount: Statement;

  constructor(
    private readonly db: Db,
    keyring: PrivacyKeyring,
  ) {
    this.macs = {
      name: hmacSha256(keyring.siteKey('blind-index', BLIND_INDEX_LABELS.name)),
      card: hmacSha256(keyring.siteKey('blind-index', BLIND_INDEX_LABELS.card)),
    };
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO privacy_blind_index (kind, digest, person_id) VALUES (?, ?, ?)',
    );
    this.removeAll = db.prepare('DELETE FROM privacy_blind_index WHERE person_id = ?');
    this.tokenCount = db
      .prepare(
        "SELECT count(*) FROM (SELECT 1 FROM privacy_blind_index WHERE kind = 'name' AND digest = ? LIMIT ?)",
      )
      .pluck();
    this.byCard = db
      .prepare("SELECT person_id FROM privacy_blind_index WHERE kind = 'card' AND digest = ? LIMIT ?")
      .pluck();
  }

  private digest(kind: BlindIndexKind, normalised: string): Buffer {
    return this.macs[kind](normalised).subarray(0, DIGEST_BYTES);
  }

  /**
   * The digests of a name's tokens, for a writer that stores them itself (a
   * record sealed on the main thread and written by a worker that holds no key).
   */
  nameDigests(names: readonly string[]): Buffer[] {
    return [...new Set(names.flatMap(nameTokens))].map((t) => this.digest('name', t));
  }

  /** Replaces what is indexed for the person (in the caller's transaction, if any). */
  indexPerson(personId: string, person: IndexedPerson): void {
    atomically(this.db, () => {
      this.removeAll.run(personId);
      for (const token of new Set(person.names.flatMap(nameTokens)))
        this.insert.run('name', this.digest('name', token), personId);
      for (const card of person.cards) {
        const normal = normaliseCardNumber(card);
        if (normal !== '') this.insert.run('card', this.digest('card', normal), personId);
      }
    });
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
    const digests = nameTokens(query).map((t) => this.digest('name', t));
    if (digests.length === 0) return [];
    // Driven by the rarest token, the others checked by primary key per
    // candidate: "anna smith-fam12" reads fam12's hundred rows, not every Anna.
    const rarity = digests.map((d) => this.tokenCount.get(d, RARITY_PROBE) as number);
    const order = digests.map((d, i) => ({ d, n: rarity[i]! })).sort((a, b) => a.n - b.n);
    if (order[0]!.n === 0) return [];
    return this.byNameStatement(digests.length).all(...order.map((o) => o.d), limit) as string[];
  }

  private byNameStatement(tokens: number): Statement {
    let stmt = this.byName.get(tokens);
    if (!stmt) {
      const others = Array.from(
        { length: tokens - 1 },
        () =>
          "AND EXISTS (SELECT 1 FROM privacy_blind_index o WHERE o.kind = 'name' AND o.digest = ? AND o.person_id = c.person_id)",
      );
      stmt = this.db
        .prepare(
          `SELECT c.person_id FROM privacy_blind_index c WHERE c.kind = 'name' AND c.digest = ? ${others.join(' ')} LIMIT ?`,
        )
        .pluck();
      this.byName.set(tokens, stmt);
    }
    return stmt;
  }

  searchCard(number: string, limit = DEFAULT_SEARCH_LIMIT): string[] {
    const normal = normaliseCardNumber(number);
    if (normal === '') return [];
    return this.byCard.all(this.digest('card', normal), limit) as string[];
  }
}
