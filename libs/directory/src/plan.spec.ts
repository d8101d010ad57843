import type { DirectoryPerson } from './answer';
import { type PlanInput, planSync, type SyncCardholder } from './plan';

/** The logins' key, written out: `DOMAIN\user` or `user@domain` to `domain\user`, lower case. */
const key = (a: string | null): string | null => {
  if (!a) return null;
  const [user, domain] = a.includes('\\') ? [a.split('\\')[1]!, a.split('\\')[0]!] : a.split('@');
  return domain ? `${domain.toLowerCase()}\\${user!.toLowerCase()}` : user!.toLowerCase();
};

const holder = (id: string, over: Partial<SyncCardholder> = {}): SyncCardholder => ({
  id,
  name: id.toUpperCase(),
  department: null,
  directoryAccount: `CORP\\${id}`,
  state: 'active',
  levelIds: [],
  ...over,
});
const person = (sam: string, over: Partial<DirectoryPerson> = {}): DirectoryPerson => ({
  dn: `cn=${sam},ou=people,dc=corp`,
  accounts: [`CORP\\${sam}`, `${sam}@corp.example`],
  name: sam.toUpperCase(),
  department: null,
  employeeNumber: null,
  disabled: false,
  groups: [],
  ...over,
});

const input = (over: Partial<PlanInput>): PlanInput => ({
  answer: { people: [], groupCount: 0 },
  cardholders: [],
  accountKey: key,
  linkedBefore: new Set(),
  groupLevels: {},
  levelExists: () => true,
  safety: { maxLeaverFraction: 0.1, alwaysAllow: 1 },
  ...over,
});

const ten = 'abcdefghij'.split('');

describe('planning a directory sync', () => {
  it('matches by account in any case, and changes only what differs', () => {
    const plan = planSync(
      input({
        answer: {
          people: [person('ANN', { name: 'Ann Archer', department: 'Security' }), person('bob')],
          groupCount: 0,
        },
        cardholders: [holder('ann'), holder('bob', { name: 'BOB' })],
      }),
    );
    expect(plan.updates).toEqual([
      { cardholderId: 'ann', patch: { name: 'Ann Archer', department: 'Security' } },
    ]);
    expect(plan.linked).toEqual(['ann', 'bob']);
    expect(plan.refused).toBeNull();
  });

  it('grants the levels of mapped groups, withdraws mapped ones no longer held, keeps unmapped levels', () => {
    const plan = planSync(
      input({
        answer: { people: [person('ann', { name: 'ANN', groups: ['door staff'] })], groupCount: 1 },
        cardholders: [holder('ann', { levelIds: ['manual', 'server'] })],
        groupLevels: { 'Door Staff': ['doors', 'gone'], admins: ['server'] },
        levelExists: (id) => id !== 'gone',
      }),
    );
    expect(plan.updates).toEqual([{ cardholderId: 'ann', patch: { levelIds: ['manual', 'doors'] } }]);
  });

  it('a disabled account is a leaver; a linked one gone from the answer too; a never-linked local one never', () => {
    const plan = planSync(
      input({
        answer: { people: [...ten.map((x) => person(x)), person('ann', { disabled: true })], groupCount: 0 },
        cardholders: [...ten.map((x) => holder(x)), holder('ann'), holder('bob'), holder('local')],
        linkedBefore: new Set([...ten, 'ann', 'bob']),
        safety: { maxLeaverFraction: 0.2, alwaysAllow: 0 },
      }),
    );
    expect(plan.leavers).toEqual([
      { cardholderId: 'ann', reason: 'disabled', account: 'CORP\\ann' },
      { cardholderId: 'bob', reason: 'removed', account: null },
    ]);
    expect(plan.refused).toBeNull();
  });

  it('refuses an answer that would make leavers of more than the share allowed, and an empty one', () => {
    const cardholders = ten.map((x) => holder(x));
    const linkedBefore = new Set(ten);
    const partial = planSync(
      input({
        answer: { people: ten.slice(0, 7).map((x) => person(x)), groupCount: 0 },
        cardholders,
        linkedBefore,
      }),
    );
    expect(partial.refused).toEqual({ reason: 'too-many-leavers', leavers: 3, linked: 10, allowed: 1 });
    const empty = planSync(input({ cardholders, linkedBefore }));
    expect(empty.refused?.reason).toBe('empty-answer');
    // A first sync with nobody linked yet has nothing to protect.
    expect(planSync(input({ cardholders })).refused).toBeNull();
  });

  it('lists accounts that map to nobody, counts entries with none, and does not reinstate a person marked left', () => {
    const plan = planSync(
      input({
        answer: {
          people: [person('zed', { name: 'Zed' }), person('ann'), person('svc', { accounts: [] })],
          groupCount: 0,
        },
        cardholders: [holder('ann', { state: 'left' })],
      }),
    );
    expect(plan.unmapped).toEqual([{ account: 'CORP\\zed', name: 'Zed', disabled: false }]);
    expect(plan.returned).toEqual(['ann']);
    expect(plan.withoutAccount).toBe(1);
    expect(plan.updates).toEqual([]);
  });
});
