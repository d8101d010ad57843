import { BlindIndex, MasterKey, PrivacyKeyring, rotateMasterKey, sealField } from '../src';
import { freshDatabase } from './support';
import { problemOf } from './problem-of';

const PEOPLE = 230;
const BATCH = 20;

describe('master key rotation (real SQLite)', () => {
  it('rewraps every key; killed halfway it resumes, and every key still opens', () => {
    const { db } = freshDatabase('rotate');
    const oldKey = MasterKey.generate();
    const newKey = MasterKey.generate();
    const keyring = PrivacyKeyring.open(db, [oldKey]);
    const index = new BlindIndex(db, keyring);
    const sealed = new Map<string, string>();
    for (let i = 0; i < PEOPLE; i++) {
      const id = `p-${i}`;
      sealed.set(id, sealField(keyring.keyForWriting(id), 'name', `Person Number${i}`));
      index.indexPerson(id, { names: [`Person Number${i}`], cards: [String(1000 + i)] });
    }

    // The process dies after three committed batches.
    let batches = 0;
    expect(() =>
      rotateMasterKey(db, oldKey, newKey, {
        batchSize: BATCH,
        onBatch: () => {
          if (++batches === 3) throw new Error('killed');
        },
      }),
    ).toThrow('killed');
    const versions = db
      .prepare('SELECT key_version, count(*) AS n FROM privacy_person_keys GROUP BY key_version')
      .all();
    expect(versions).toEqual([
      { key_version: 1, n: PEOPLE - 3 * BATCH },
      { key_version: 2, n: 3 * BATCH },
    ]);
    expect(db.prepare('SELECT version, state FROM privacy_master_keys ORDER BY version').all()).toEqual([
      { version: 1, state: 'current' },
      { version: 2, state: 'next' },
    ]);

    // Halfway, one key alone does not open the database; both do.
    expect(problemOf(() => PrivacyKeyring.open(db, [oldKey]))).toBe('missing-version');
    expect(problemOf(() => PrivacyKeyring.open(db, [newKey]))).toBe('missing-version');
    const halfway = PrivacyKeyring.open(db, [oldKey, newKey]);
    for (const [id, value] of sealed) expect(halfway.readField(id, 'name', value).kind).toBe('clear');
    // A person added halfway gets a key under the new version.
    halfway.keyForWriting('p-new');
    expect(
      db.prepare("SELECT key_version FROM privacy_person_keys WHERE person_id = 'p-new'").pluck().get(),
    ).toBe(2);

    // Another new key cannot take over a rotation under way.
    expect(problemOf(() => rotateMasterKey(db, oldKey, MasterKey.generate()))).toBe('wrong-key');

    const progress: number[] = [];
    const resumed = rotateMasterKey(db, oldKey, newKey, {
      batchSize: BATCH,
      onBatch: (p) => progress.push(p.remaining),
    });
    expect(resumed).toEqual({
      fromVersion: 1,
      toVersion: 2,
      rewrapped: PEOPLE - 3 * BATCH,
      alreadyDone: false,
    });
    expect(progress.at(-1)).toBe(0);
    expect(rotateMasterKey(db, oldKey, newKey).alreadyDone).toBe(true);

    // Only the new key opens it now; the old one is refused as retired.
    expect(problemOf(() => PrivacyKeyring.open(db, [oldKey]))).toBe('wrong-key');
    expect(() => PrivacyKeyring.open(db, [oldKey])).toThrow(/retired/);
    const after = PrivacyKeyring.open(db, [newKey]);
    for (const [id, value] of sealed)
      expect(after.readField(id, 'name', value)).toEqual({
        kind: 'clear',
        value: `Person ${id.replace('p-', 'Number')}`,
      });
    // The blind index key was rewrapped, not replaced: the index still answers.
    const afterIndex = new BlindIndex(db, after);
    expect(afterIndex.searchName('number17')).toEqual(['p-17']);
    expect(afterIndex.searchCard('1017')).toEqual(['p-17']);
    expect(
      db
        .prepare(
          'SELECT DISTINCT key_version FROM privacy_person_keys UNION SELECT key_version FROM privacy_site_keys',
        )
        .pluck()
        .all(),
    ).toEqual([2]);
    db.close();
  });

  it('refuses to rotate from a key that is not the current one, or to the same key', () => {
    const { db } = freshDatabase('rotate-wrong');
    const current = MasterKey.generate();
    PrivacyKeyring.open(db, [current]).keyForWriting('p-1');
    expect(problemOf(() => rotateMasterKey(db, MasterKey.generate(), MasterKey.generate()))).toBe(
      'wrong-key',
    );
    expect(problemOf(() => rotateMasterKey(db, current, current))).toBe('wrong-key');
    expect(db.prepare('SELECT count(*) FROM privacy_master_keys').pluck().get()).toBe(1);
    db.close();
  });
});
