import { may, PERSON_ROLES, visibleCategories } from '@gatehouse/auth';
import { ACTIONS, type Action } from '../src/permissions';
import { cli, openAuth, PASSWORD, type AuthBench } from './support';

describe('the workstation role: one desk’s token asking about its own logins (real SQLite, real journal)', () => {
  let bench: AuthBench;
  beforeEach(async () => {
    bench = await openAuth();
  });
  afterEach(() => bench.close());

  it('may ask the gating question and nothing else, and reads no journal category', () => {
    const allowed = (Object.keys(ACTIONS) as Action[]).filter((a) => may(['workstation'], a));
    expect(allowed).toEqual(['gating.decide']);
    expect(PERSON_ROLES).not.toContain('workstation');
    expect(visibleCategories(['workstation'])).toEqual([]);
  });

  it('is given to a token alone: never beside another role, never to an operator', async () => {
    const { view } = await bench.tokens.createToken(
      { name: 'ws-12', roles: ['workstation'], expiresInDays: 365 },
      cli,
    );
    expect(view.roles).toEqual(['workstation']);
    for (const other of ['admin', 'login-source'])
      await expect(
        bench.tokens.createToken({ name: 'ws-12', roles: ['workstation', other], expiresInDays: 1 }, cli),
      ).rejects.toMatchObject({ code: 'token.workstation-alone' });
    await expect(
      bench.operators.createOperator(
        { username: 'wes', displayName: 'Wes', password: PASSWORD, roles: ['workstation'] },
        cli,
      ),
    ).rejects.toMatchObject({ code: 'auth.bad-roles' });
  });
});
