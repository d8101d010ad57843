/** Given names and surnames with accents and apostrophes, as a site's directory holds them. */
export const GIVEN_NAMES = [
  'Anna',
  'Björn',
  'Chloé',
  'Dmitri',
  'Élodie',
  'Farah',
  'Grzegorz',
  'Hana',
  'Inès',
  'Jürgen',
];
export const SURNAMES = [
  'Smith',
  'Müller',
  "O'Brien",
  'Nguyen',
  'García',
  'Kowalski',
  'Dubois',
  'Rossi',
  'Jensen',
  'Sato',
];

/**
 * Cardholder i of a synthetic site: 10 given names × 10 surnames × a family
 * suffix shared by 100 people, so a surname matches a tenth of the site and a
 * family name a hundred people. Used by the privacy bench and its medium test.
 */
export const syntheticCardholder = (i: number) => ({
  id: `ch-${i}`,
  name: `${GIVEN_NAMES[i % 10]} ${SURNAMES[Math.floor(i / 10) % 10]}-Fam${Math.floor(i / 100)}`,
  employeeNumber: `E${100_000 + i}`,
  department: `Department ${i % 40}`,
  directoryAccount: `CORP\\user${i}`,
  kind: 'employee',
  state: 'active',
  privileged: false,
  watchListed: false,
  levelIds: [`level-${i % 30}`],
  groupIds: [],
  hasPhoto: false,
  card: String(1_000_000 + i),
});
