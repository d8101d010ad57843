import type { Db } from '@gatehouse/storage';
import type { ManualClock } from '@gatehouse/contracts';
import {
  type ApiTokens,
  base32Decode,
  hotp,
  type Operators,
  type SignIn,
  totpCode,
  totpStep,
} from '@gatehouse/auth';
import { cli, ctx, openAuth, type AuthBench } from './support';

describe('auth: operators, sign-in and tokens (real SQLite, real journal)', () => {
  let bench: AuthBench;
  let db: Db;
  let clock: ManualClock;
  let operators: Operators;
  let signIn: SignIn;
  let tokens: ApiTokens;
  const types = () => bench.types();

  beforeEach(async () => {
    bench = await openAuth();
    ({ db, clock, operators, signIn, tokens } = bench);
  });
  afterEach(() => bench.close());

  it('bootstraps the first admin once with the printed token', async () => {
    const token = await operators.issueBootstrapToken();
    expect(token).toMatch(/^gbt_/);
    await expect(
      operators.bootstrap(
        'gbt_wrong',
        { username: 'root', displayName: 'Root', password: 'a long pass phrase here' },
        ctx,
      ),
    ).rejects.toMatchObject({
      code: 'auth.bootstrap-refused',
    });
    const admin = await operators.bootstrap(
      token!,
      { username: 'ada', displayName: 'Ada Admin', password: 'violet anchor meadow 42' },
      ctx,
    );
    expect(admin.roles).toEqual(['admin']);
    await expect(
      operators.bootstrap(
        token!,
        { username: 'eve', displayName: 'Eve', password: 'violet anchor meadow 43' },
        ctx,
      ),
    ).rejects.toMatchObject({
      kind: 'forbidden',
    });
    expect(await operators.issueBootstrapToken()).toBeNull();
    expect(types()).toEqual(
      expect.arrayContaining(['auth.bootstrap-token-issued', 'operator.created', 'auth.bootstrap-refused']),
    );
  });

  it('makes an admin enrol TOTP, then asks for it at every sign-in, with replay refused', async () => {
    await operators.createOperator(
      { username: 'ada', displayName: 'Ada', password: 'violet anchor meadow 42', roles: ['admin'] },
      cli,
    );
    const first = await signIn.login('ada', 'violet anchor meadow 42', ctx);
    expect(first.stage).toBe('enroll');
    const pending = signIn.resolveSession(first.sessionId)!;
    const { secret, uri } = await signIn.beginEnrollment(pending, {}, ctx);
    expect(uri).toContain('otpauth://totp/Test%20site:ada?secret=');
    const withSecret = signIn.resolveSession(first.sessionId)!;
    const enrolled = await signIn.confirmEnrollment(withSecret, totpCode(secret, clock.now().getTime()), ctx);
    expect(enrolled.stage).toBe('full');
    expect(enrolled.recoveryCodes).toHaveLength(10);
    expect(signIn.resolveSession(first.sessionId)).toBeNull(); // rotated
    expect(signIn.resolveSession(enrolled.sessionId)?.stage).toBe('full');

    clock.advance(60_000);
    const second = await signIn.login('ada', 'violet anchor meadow 42', ctx);
    expect(second.stage).toBe('totp');
    const p2 = signIn.resolveSession(second.sessionId)!;
    const code = hotp(base32Decode(secret), totpStep(clock.now().getTime()));
    const done = await signIn.verifySecondFactor(p2, { code }, ctx);
    expect(done.stage).toBe('full');
    // The same code again (replay) fails, and a recovery code works exactly once.
    const third = await signIn.login('ada', 'violet anchor meadow 42', ctx);
    await expect(
      signIn.verifySecondFactor(signIn.resolveSession(third.sessionId)!, { code }, ctx),
    ).rejects.toMatchObject({
      code: 'auth.invalid-second-factor',
    });
    const recovered = await signIn.verifySecondFactor(
      signIn.resolveSession(third.sessionId)!,
      { recoveryCode: enrolled.recoveryCodes[0]! },
      ctx,
    );
    expect(recovered.stage).toBe('full');
    const fourth = await signIn.login('ada', 'violet anchor meadow 42', ctx);
    await expect(
      signIn.verifySecondFactor(
        signIn.resolveSession(fourth.sessionId)!,
        { recoveryCode: enrolled.recoveryCodes[0]! },
        ctx,
      ),
    ).rejects.toMatchObject({ kind: 'unauthenticated' });
  });

  it('locks an account after repeated failures, journals it, and unlocks after the lock time', async () => {
    await operators.createOperator(
      { username: 'gus', displayName: 'Gus Guard', password: 'violet anchor meadow 42', roles: ['guard'] },
      cli,
    );
    for (let i = 0; i < 3; i++) {
      await expect(signIn.login('gus', 'wrong password!', ctx)).rejects.toMatchObject({
        code: 'auth.invalid-credentials',
      });
    }
    await expect(signIn.login('gus', 'violet anchor meadow 42', ctx)).rejects.toMatchObject({
      code: 'auth.locked',
    });
    expect(types()).toContain('auth.account-locked');
    clock.advance(16 * 60_000);
    await expect(signIn.login('gus', 'violet anchor meadow 42', ctx)).resolves.toMatchObject({
      stage: 'full',
    });
  });

  it('throttles an address that keeps failing, for unknown names too', async () => {
    for (let i = 0; i < 6; i++)
      await expect(signIn.login(`nobody${i}`, 'whatever', ctx)).rejects.toMatchObject({
        kind: 'unauthenticated',
      });
    await expect(signIn.login('nobody', 'whatever', ctx)).rejects.toMatchObject({ code: 'auth.throttled' });
    expect(types()).toContain('auth.address-throttled');
    // Another address is unaffected.
    await expect(signIn.login('nobody', 'whatever', { ...ctx, address: '127.0.0.2' })).rejects.toMatchObject({
      code: 'auth.invalid-credentials',
    });
  });

  it('ends sessions when idle or past their absolute lifetime, and on logout', async () => {
    await operators.createOperator(
      { username: 'rita', displayName: 'Rita', password: 'violet anchor meadow 42', roles: ['reception'] },
      cli,
    );
    const a = await signIn.login('rita', 'violet anchor meadow 42', ctx);
    clock.advance(31 * 60_000);
    expect(signIn.resolveSession(a.sessionId)).toBeNull();
    const b = await signIn.login('rita', 'violet anchor meadow 42', ctx);
    for (let i = 0; i < 25; i++) {
      clock.advance(29 * 60_000);
      if (i < 24) expect(signIn.resolveSession(b.sessionId)).not.toBeNull();
      // "Last seen" rides the next group commit, as between two requests.
      await new Promise((done) => setImmediate(done));
    }
    expect(signIn.resolveSession(b.sessionId)).toBeNull(); // 12 h absolute
    const c = await signIn.login('rita', 'violet anchor meadow 42', ctx);
    await signIn.logout(signIn.resolveSession(c.sessionId)!, ctx);
    expect(signIn.resolveSession(c.sessionId)).toBeNull();
    expect(signIn.resolveSession('forged-session-value-forged-session-value-x')).toBeNull();
  });

  it('issues API tokens shown once, stored hashed, expiring and revocable', async () => {
    const { token, view } = await tokens.createToken(
      { name: 'ingest', roles: ['auditor'], expiresInDays: 1 },
      cli,
    );
    expect(token).toMatch(/^ghk_[A-Za-z0-9]{12}_/);
    const stored = db.prepare('SELECT * FROM api_tokens').get() as Record<string, unknown>;
    expect(JSON.stringify(stored)).not.toContain(token.slice(17));
    expect(tokens.resolveToken(token)?.roles).toEqual(['auditor']);
    expect(tokens.resolveToken(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    await tokens.revokeToken(view.id, cli);
    expect(tokens.resolveToken(token)).toBeNull();
    const second = await tokens.createToken({ name: 'short', roles: ['guard'], expiresInDays: 1 }, cli);
    clock.advance(86_400_001);
    expect(tokens.resolveToken(second.token)).toBeNull();
    await expect(
      tokens.createToken({ name: 'x', roles: ['root'], expiresInDays: 1 }, cli),
    ).rejects.toMatchObject({ code: 'auth.bad-roles' });
  });

  it('refuses an administrator what would lock them out of their own account, with the reason, and journals nothing', async () => {
    const create = (username: string) =>
      operators.createOperator(
        { username, displayName: username, password: 'violet anchor meadow 42', roles: ['admin'] },
        cli,
      );
    const ada = await create('ada');
    const bob = await create('bob');
    const asAda = { kind: 'operator' as const, id: ada.id, name: 'ada' };
    const before = types().length;
    const selfLockout = (why: RegExp) => ({ kind: 'conflict', code: 'operator.self-lockout', message: why });
    // Another administrator exists: the last-admin rule would let each of these through.
    await expect(operators.updateOperator(ada.id, { disabled: true }, asAda)).rejects.toMatchObject(
      selfLockout(/cannot disable your own account/),
    );
    await expect(operators.updateOperator(ada.id, { roles: ['auditor'] }, asAda)).rejects.toMatchObject(
      selfLockout(/cannot remove your own admin role/),
    );
    await expect(operators.resetPassword(ada.id, 'granite lantern harbour 7', asAda)).rejects.toMatchObject(
      selfLockout(/Change it under My account/),
    );
    await expect(operators.resetSecondFactor(ada.id, 'lost phone', asAda)).rejects.toMatchObject(
      selfLockout(/under My account/),
    );
    expect(types()).toHaveLength(before);
    // What does not lock her out is hers to change; the same changes to another administrator are allowed.
    await operators.updateOperator(ada.id, { displayName: 'Ada L.', roles: ['admin', 'auditor'] }, asAda);
    await operators.updateOperator(bob.id, { roles: ['auditor'] }, asAda);
    await operators.updateOperator(bob.id, { disabled: true }, asAda);
    expect(
      (await operators.resetPassword(bob.id, 'granite lantern harbour 7', asAda)).mustChangePassword,
    ).toBe(true);

    // A token cannot revoke itself; another caller can.
    const { token, view } = await tokens.createToken({ name: 'ci', roles: ['admin'], expiresInDays: 1 }, cli);
    const itself = tokens.resolveToken(token)!;
    await expect(
      tokens.revokeToken(view.id, { kind: 'token', id: itself.id, name: itself.name }),
    ).rejects.toMatchObject({ code: 'token.self-revoke' });
    expect(tokens.resolveToken(token)).not.toBeNull();
    expect((await tokens.revokeToken(view.id, asAda)).revokedAt).not.toBeNull();
  });

  it('keeps at least one active admin and journals what changed', async () => {
    const ada = await operators.createOperator(
      { username: 'ada', displayName: 'Ada', password: 'violet anchor meadow 42', roles: ['admin'] },
      cli,
    );
    await expect(operators.updateOperator(ada.id, { disabled: true }, cli)).rejects.toMatchObject({
      code: 'operator.last-admin',
    });
    await operators.updateOperator(ada.id, { roles: ['admin', 'auditor'], displayName: 'Ada L.' }, cli);
    const entry = db
      .prepare("SELECT entry_json FROM journal_entries WHERE type = 'operator.updated'")
      .pluck()
      .get() as string;
    expect(JSON.parse(entry).payload.changes).toEqual({
      displayName: { from: 'Ada', to: 'Ada L.' },
      roles: { from: ['admin'], to: ['admin', 'auditor'] },
    });
    await expect(
      operators.createOperator(
        { username: 'ADA', displayName: 'dup', password: 'violet anchor meadow 42', roles: ['guard'] },
        cli,
      ),
    ).rejects.toMatchObject({ code: 'operator.username-taken' });
    await expect(
      operators.createOperator(
        { username: 'bob', displayName: 'Bob', password: 'password1234', roles: ['guard'] },
        cli,
      ),
    ).rejects.toMatchObject({ code: 'auth.weak-password' });
  });
});
