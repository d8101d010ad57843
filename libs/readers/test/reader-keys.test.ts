import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox } from '@gatehouse/auth';
import { openDatabase } from '@gatehouse/storage';
import { ReaderKeyStore } from '../src';

describe('reader keys made by the gateway (real SQLite)', () => {
  it('makes a random key once, keeps it sealed, and remembers that it was installed across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-keys-'));
    const box = SecretBox.fromFile(join(dir, 'secrets.key'));
    const db = openDatabase({ path: join(dir, 'g.db'), synchronous: 'normal' });
    const store = new ReaderKeyStore(db, box);
    const first = store.keyFor('front-out');
    expect(first.installed).toBe(false);
    expect(first.key).toHaveLength(16);
    expect(store.keyFor('front-out').key).toEqual(first.key);
    expect(store.keyFor('floor-in').key).not.toEqual(first.key);
    store.markInstalled('front-out');
    db.close();

    const again = openDatabase({ path: join(dir, 'g.db'), synchronous: 'normal' });
    const reopened = new ReaderKeyStore(again, SecretBox.fromFile(join(dir, 'secrets.key')));
    expect(reopened.keyFor('front-out')).toEqual({ key: first.key, installed: true, nextKey: null });
    const { sealed } = again
      .prepare('SELECT sealed FROM reader_keys WHERE reader_id = ?')
      .get('front-out') as { sealed: string };
    expect(sealed).not.toContain(Buffer.from(first.key).toString('hex'));
    // Without the secret box's key, the database alone does not open it.
    expect(() => new ReaderKeyStore(again, SecretBox.ephemeral()).keyFor('front-out')).toThrow();
    again.close();
  });

  it('keeps the old key beside the new one while a rotation is under way, and commits or rolls back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-keys-'));
    const db = openDatabase({ path: join(dir, 'g.db'), synchronous: 'normal' });
    const store = new ReaderKeyStore(db, SecretBox.fromFile(join(dir, 'secrets.key')));
    const old = store.keyFor('r1').key;
    store.markInstalled('r1');
    const next = store.beginRotation('r1');
    expect(store.beginRotation('r1')).toEqual(next); // one rotation at a time
    expect(store.keyFor('r1')).toEqual({ key: old, installed: true, nextKey: next }); // what a restart sees
    store.markInstalled('r1');
    expect(store.keyFor('r1')).toEqual({ key: next, installed: true, nextKey: null });
    const refused = store.beginRotation('r1');
    expect(refused).not.toEqual(next);
    store.abortRotation('r1');
    expect(store.keyFor('r1')).toEqual({ key: next, installed: true, nextKey: null });
    db.close();
  });
});
