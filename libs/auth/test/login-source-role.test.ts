import { may, PERSON_ROLES } from '@gatehouse/auth';
import { ACTIONS, type Action } from '../src/permissions';
import { cli, openAuth, PASSWORD, type AuthBench } from './support';

describe('the login-source role: a login agent’s token, never a person (real SQLite, real journal)', () => {
  let bench: AuthBench;
  beforeEach(async () => {
    bench = await openAuth();
  });
  afterEach(() => bench.close());

  it('may post logins and nothing else', () => {
    const allowed = (Object.keys(ACTIONS) as Action[]).filter((a) => may(['login-source'], a));
    expect(allowed).toEqual(['logins.ingest']);
    expect(PERSON_ROLES).not.toContain('login-source');
  });

  it('is given to an API token, refused to an operator created or changed', async () => {
    const { view } = await bench.tokens.createToken(
      { name: 'nxlog', roles: ['login-source'], expiresInDays: 30 },
      cli,
    );
    expect(view.roles).toEqual(['login-source']);
    await expect(
      bench.operators.createOperator(
        { username: 'lee', displayName: 'Lee', password: PASSWORD, roles: ['login-source'] },
        cli,
      ),
    ).rejects.toMatchObject({ code: 'auth.bad-roles' });
    const gus = await bench.operators.createOperator(
      { username: 'gus', displayName: 'Gus', password: PASSWORD, roles: ['guard'] },
      cli,
    );
    await expect(
      bench.operators.updateOperator(gus.id, { roles: ['guard', 'login-source'] }, cli),
    ).rejects.toMatchObject({ code: 'auth.bad-roles' });
  });
});
