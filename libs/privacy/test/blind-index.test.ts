import { MasterKey, PrivacyKeyring } from '../src';
import { BlindIndex } from '../src/blind-index';
import { SURNAMES, syntheticCardholder } from '../../../bench/privacy-people';
import { freshDatabase } from './support';

const percentile = (values: number[], p: number): number =>
  [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1]!;

describe('blind index (real SQLite)', () => {
  it('finds people by any name token, full name or card, ignoring case and accents', () => {
    const { db } = freshDatabase('index');
    const index = new BlindIndex(db, PrivacyKeyring.open(db, [MasterKey.generate()]));
    index.indexPerson('p-1', { names: ['Zoë Müller-Lüdenscheidt'], cards: ['000123'] });
    index.indexPerson('p-2', { names: ["Seán O'Brien"], cards: ['4567'] });
    index.indexPerson('p-3', { names: ['Zoe Mueller'], cards: [] });

    expect(index.searchName('müller').sort()).toEqual(['p-1']);
    expect(index.searchName('MULLER')).toEqual(['p-1']);
    expect(index.searchName('zoe').sort()).toEqual(['p-1', 'p-3']);
    expect(index.searchName('lüdenscheidt zoë')).toEqual(['p-1']);
    expect(index.searchName('Zoë Müller-Lüdenscheidt')).toEqual(['p-1']);
    expect(index.searchName('obrien')).toEqual(['p-2']);
    expect(index.searchName('sean')).toEqual(['p-2']);
    expect(index.searchName('mül')).toEqual([]); // whole tokens only
    expect(index.searchName('zoe smith')).toEqual([]);
    expect(index.searchName('  ')).toEqual([]);
    expect(index.searchCard('123')).toEqual(['p-1']);
    expect(index.searchCard('0000123')).toEqual(['p-1']);
    expect(index.searchCard('45 67')).toEqual(['p-2']);
    // A name token is not a card number: separate keys.
    expect(index.searchCard('zoe')).toEqual([]);

    // Re-indexing replaces what was there.
    index.indexPerson('p-1', { names: ['Zoë Schmidt'], cards: [] });
    expect(index.searchName('muller')).toEqual([]);
    expect(index.searchName('schmidt')).toEqual(['p-1']);
    expect(index.searchCard('123')).toEqual([]);

    const stored = db.prepare('SELECT digest FROM privacy_blind_index').pluck().all() as Buffer[];
    for (const digest of stored) expect(digest.toString('latin1')).not.toMatch(/zo|schmidt|brien/i);
    db.close();
  });

  it('answers name searches over 100,000 people (p95 printed)', () => {
    const { db } = freshDatabase('index-100k');
    const index = new BlindIndex(db, PrivacyKeyring.open(db, [MasterKey.generate()]));
    const people = 100_000;
    db.transaction(() => {
      for (let i = 0; i < people; i++) {
        const p = syntheticCardholder(i);
        index.indexPerson(p.id, { names: [p.name], cards: [p.card] });
      }
    })();

    const nameTimes: number[] = [];
    const timed = <T>(times: number[], search: () => T): T => {
      const started = performance.now();
      const found = search();
      times.push(performance.now() - started);
      return found;
    };
    for (let q = 0; q < 300; q++) {
      const i = (q * 7919) % people;
      const p = syntheticCardholder(i);
      expect(timed(nameTimes, () => index.searchName(`fam${Math.floor(i / 100)}`))).toHaveLength(100);
      expect(timed(nameTimes, () => index.searchName(p.name))).toContain(p.id);
      expect(timed(nameTimes, () => index.searchName(SURNAMES[Math.floor(i / 10) % 10]!)).length).toBe(1000);
      expect(index.searchCard(p.card)).toEqual([p.id]);
    }
    // A common token: 10,000 people named Anna, capped by the limit.
    expect(index.searchName('anna', 20_000)).toHaveLength(10_000);
    expect(index.searchName('anna')).toHaveLength(1000);
    process.stdout.write(
      `blind index over ${people} people: name search p95 ${percentile(nameTimes, 95).toFixed(2)} ms (a family name, a full name, a surname 10,000 people share)\n`,
    );
    db.close();
  }, 300_000);
});
