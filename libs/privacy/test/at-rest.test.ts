import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { ManualClock } from '@gatehouse/contracts';
import { openTestJournal } from '@gatehouse/testing';
import { join } from 'node:path';
import { BlindIndex, nameTokens, normaliseName, sealCommitted, sealField, sealFieldBytes } from '../src';
import { freshDatabase } from './support';

/** Values no ciphertext, hash or SQLite structure contains by chance. */
const personAt = (i: number) => ({
  id: `p-at-rest-${i}`,
  name: `Quillon${i} Vexmoor-Ådalsvík${i}`,
  department: `Cryptozoology Wing ${i}`,
  directoryAccount: `CORP\\qvexmoor${i}`,
  employeeNumber: `EMP-77${i}31`,
  email: `quillon.vexmoor${i}@example.org`,
  card: `98765${i}4321`,
  photo: Buffer.concat([Buffer.from(`JFIF-photo-of-person-${i}-`), randomBytes(64)]),
});

describe('a copy of the database alone reveals no personal value', () => {
  it('finds none in the database file or the WAL', async () => {
    const clock = new ManualClock();
    const { dir } = freshDatabase('at-rest');
    // The journal's keyring: the one whose keys seal its entries' personal values.
    const { db, journal, keyring } = await openTestJournal(dir, clock);
    const path = join(dir, 'test.db');
    const index = new BlindIndex(db, keyring);
    const people = Array.from({ length: 25 }, (_, i) => personAt(i));

    for (const p of people) {
      const key = keyring.keyForWriting(p.id);
      const record = {
        id: p.id,
        name: sealField(key, 'name', p.name),
        employeeNumber: sealField(key, 'employeeNumber', p.employeeNumber),
        department: sealField(key, 'department', p.department),
        directoryAccount: sealField(key, 'directoryAccount', p.directoryAccount),
        email: sealField(key, 'email', p.email),
      };
      // The shape the records integration will write: sealed fields in the cardholder document.
      db.prepare('INSERT INTO cardholders (id, data) VALUES (?, ?)').run(p.id, JSON.stringify(record));
      db.prepare('INSERT INTO cardholder_photos (cardholder_id, content_type, data) VALUES (?, ?, ?)').run(
        p.id,
        'image/jpeg',
        Buffer.from(sealFieldBytes(key, 'photo', p.photo)),
      );
      index.indexPerson(p.id, { names: [p.name], cards: [p.card] });
      const name = sealCommitted(key, 'name', p.name);
      await journal.append({
        type: 'cardholder.created',
        source: 'test',
        subjects: [{ kind: 'person', id: p.id }],
        payload: {
          name: { sealed: name.sealed, commitment: name.commitment },
          department: record.department,
        },
      });
    }

    const walPath = `${path}-wal`;
    expect(existsSync(walPath)).toBe(true);
    const wal = readFileSync(walPath);
    expect(wal.length).toBeGreaterThan(0);
    await journal.close();
    db.close();
    const file = readFileSync(path);

    const secrets = people.flatMap((p) => [
      p.name,
      normaliseName(p.name),
      ...nameTokens(p.name),
      p.department,
      p.directoryAccount,
      p.employeeNumber,
      p.email,
      p.card,
      p.photo.subarray(0, 24).toString('latin1'),
    ]);
    for (const [where, bytes] of [
      ['database file', file],
      ['WAL', wal],
    ] as const) {
      // The scan sees what is in clear: person ids are, by design.
      expect(bytes.includes(people[3]!.id)).toBe(true);
      const found = secrets.filter((s) =>
        bytes.includes(Buffer.from(s, s.startsWith('JFIF') ? 'latin1' : 'utf8')),
      );
      expect({ where, found }).toEqual({ where, found: [] });
    }
  });
});
