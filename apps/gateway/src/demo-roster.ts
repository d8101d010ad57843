/**
 * The demo site's people, desks and accounts: data only, read both by the
 * seed (demo.ts) and by the simulated workstations and badges (apps/sim), so
 * the simulator's logins name accounts the seed mapped to people.
 */

const FIRST = [
  'Ann',
  'Bram',
  'Chloe',
  'Dev',
  'Esme',
  'Farid',
  'Greta',
  'Hugo',
  'Ines',
  'Jon',
  'Kofi',
  'Lena',
  'Milo',
  'Nora',
  'Omar',
  'Pia',
];
const LAST = ['Archer', 'Brook', 'Cole', 'Dale', 'Ellis', 'Frost', 'Grant', 'Hale'];

/** The demo cards' facility code (H10301). */
export const DEMO_FACILITY = 21;

export interface RosterPerson {
  name: string;
  employeeNumber: string;
  /** IT staff: a PIN for the server room, level "always", Linux desks with local accounts. */
  it: boolean;
  /** The account their desks report: `CORP\first.last` on Windows, `first.last` on Linux. */
  account: string;
  /** H10301 card number under DEMO_FACILITY. */
  card: number;
  /** Someone who has left: card and account should be dead; their use is the leaver rule's. */
  left: boolean;
}

const person = (i: number, first: string, last: string, left = false): RosterPerson => {
  const it = i % 8 === 0;
  const user = `${first.toLowerCase()}.${last.toLowerCase()}`;
  return {
    name: `${first} ${last}`,
    employeeNumber: `CC${1000 + i}`,
    it,
    account: it ? user : `CORP\\${user}`,
    card: 10100 + i,
    left,
  };
};

/** Call agents (Windows desks) and every eighth person IT (Linux desks), and one leaver. */
export const DEMO_ROSTER: readonly RosterPerson[] = [
  ...Array.from({ length: 24 }, (_, i) =>
    person(i, FIRST[i % FIRST.length]!, LAST[Math.floor(i / 3) % LAST.length]!),
  ),
  person(25, 'Rory', 'Quill', true),
];

/** An account no cardholder holds (a contractor's): its logins are journaled and counted, never alerted on. */
export const DEMO_UNMAPPED_ACCOUNT = { user: 'temp.contractor', domain: 'CORP' } as const;

/** The demo's desks on the call floor, as `logins.workstations` in config/demo-site.yaml names them. */
export const DEMO_DESKS = [
  { host: 'WS-01', os: 'windows' },
  { host: 'WS-02', os: 'windows' },
  { host: 'WS-03', os: 'windows' },
  { host: 'WS-04', os: 'windows' },
  { host: 'lnx-01', os: 'linux' },
  { host: 'lnx-02', os: 'linux' },
] as const;
