import type { Db } from '@gatehouse/storage';
import type { ManualClock } from '@gatehouse/contracts';
import { base32Decode, hotp, totpCode, totpStep, type AuthService } from '@gatehouse/auth';
import { cli, ctx, openAuth, type AuthBench } from './support';

describe('AuthService (real SQLite, real journal)', () => {
  let bench: AuthBench;
  let db: Db;
  let clock: ManualClock;
  let auth: AuthService;
  const types = () => bench.types();

  beforeEach(async () => {
    bench = await openAuth();
    ({ db, clock, auth } = bench);
  });
  afterEach(() => bench.close());

  it('bootstraps the first admin once with the printed token', async () => {
    const token = await auth.issueBootstrapToken();
    expect(token).toMatch(/^gbt_/);
    await expect(
      auth.bootstrap(
        'gbt_wrong',
        { username: 'root', displayName: 'Root', password: 'a long pass phrase here' },
        ctx,
      ),
    ).rejects.toMatchObject({
      code: 'auth.bootstrap-refused',
    });
    const admin = await auth.bootstrap(
      token!,
      { username: 'ada', displayName: 'Ada Admin', password: 'violet anchor meadow 42' },
      ctx,
    );
    expect(admin.roles).toEqual(['admin']);
    await expect(
      auth.bootstrap(
        token!,
        { username: 'eve', displayName: 'Eve', password: 'violet anchor meadow 43' },
        ctx,
      ),
    ).rejects.toMatchObject({
      kind: 'forbidden',
    });
    expect(await auth.issueBootstrapToken()).toBeNull();
    expect(types()).toEqual(
      expect.arrayContaining(['auth.bootstrap-token-issued', 'operator.created', 'auth.bootstrap-refused']),
    );
  });

  it('makes an admin enrol TOTP, then asks for it at every sign-in, with replay refused', async () => {
    await auth.createOperator(
      { username: 'ada', displayName: 'Ada', password: 'violet anchor meadow 42', roles: ['admin'] },
      cli,
    );
    const first = await auth.login('ada', 'violet anchor meadow 42', ctx);
    expect(first.stage).toBe('enroll');
    const pending = auth.resolveSession(first.sessionId)!;
    const { secret, uri } = await auth.beginEnrollment(pending, {}, ctx);
    expect(uri).toContain('otpauth://totp/Test%20site:ada?secret=');
    const withSecret = auth.resolveSession(first.sessionId)!;
    const enrolled = await auth.confirmEnrollment(withSecret, totpCode(secret, clock.now().getTime()), ctx);
    expect(enrolled.stage).toBe('full');
    expect(enrolled.recoveryCodes).toHaveLength(10);
    expect(auth.resolveSession(first.sessionId)).toBeNull(); // rotated
    expect(auth.resolveSession(enrolled.sessionId)?.stage).toBe('full');

    clock.advance(60_000);
    const second = await auth.login('ada', 'violet anchor meadow 42', ctx);
    expect(second.stage).toBe('totp');
    const p2 = auth.resolveSession(second.sessionId)!;
    const code = hotp(base32Decode(secret), totpStep(clock.now().getTime()));
    const done = await auth.verifySecondFactor(p2, { code }, ctx);
    expect(done.stage).toBe('full');
    // The same code again (replay) fails, and a recovery code works exactly once.
    const third = await auth.login('ada', 'violet anchor meadow 42', ctx);
    await expect(
      auth.verifySecondFactor(auth.resolveSession(third.sessionId)!, { code }, ctx),
    ).rejects.toMatchObject({
      code: 'auth.invalid-second-factor',
    });
    const recovered = await auth.verifySecondFactor(
      auth.resolveSession(third.sessionId)!,
      { recoveryCode: enrolled.recoveryCodes[0]! },
      ctx,
    );
    expect(recovered.stage).toBe('full');
    const fourth = await auth.login('ada', 'violet anchor meadow 42', ctx);
    await expect(
      auth.verifySecondFactor(
        auth.resolveSession(fourth.sessionId)!,
        { recoveryCode: enrolled.recoveryCodes[0]! },
        ctx,
      ),
    ).rejects.toMatchObject({ kind: 'unauthenticated' });
  });

  it('locks an account after repeated failures, journals it, and unlocks after the lock time', async () => {
    await auth.createOperator(
      { username: 'gus', displayName: 'Gus Guard', password: 'violet anchor meadow 42', roles: ['guard'] },
      cli,
    );
    for (let i = 0; i < 3; i++) {
      await expect(auth.login('gus', 'wrong password!', ctx)).rejects.toMatchObject({
        code: 'auth.invalid-credentials',
      });
    }
    await expect(auth.login('gus', 'violet anchor meadow 42', ctx)).rejects.toMatchObject({
      code: 'auth.locked',
    });
    expect(types()).toContain('auth.account-locked');
    clock.advance(16 * 60_000);
    await expect(auth.login('gus', 'violet anchor meadow 42', ctx)).resolves.toMatchObject({ stage: 'full' });
  });

  it('throttles an address that keeps failing, for unknown names too', async () => {
    for (let i = 0; i < 6; i++)
      await expect(auth.login(`nobody${i}`, 'whatever', ctx)).rejects.toMatchObject({
        kind: 'unauthenticated',
      });
    await expect(auth.login('nobody', 'whatever', ctx)).rejects.toMatchObject({ code: 'auth.throttled' });
    expect(types()).toContain('auth.address-throttled');
    // Another address is unaffected.
    await expect(auth.login('nobody', 'whatever', { ...ctx, address: '127.0.0.2' })).rejects.toMatchObject({
      code: 'auth.invalid-credentials',
    });
  });

  it('ends sessions when idle or past their absolute lifetime, and on logout', async () => {
    await auth.createOperator(
      { username: 'rita', displayName: 'Rita', password: 'violet anchor meadow 42', roles: ['reception'] },
      cli,
    );
    const a = await auth.login('rita', 'violet anchor meadow 42', ctx);
    clock.advance(31 * 60_000);
    expect(auth.resolveSession(a.sessionId)).toBeNull();
    const b = await auth.login('rita', 'violet anchor meadow 42', ctx);
    for (let i = 0; i < 25; i++) {
      clock.advance(29 * 60_000);
      if (i < 24) expect(auth.resolveSession(b.sessionId)).not.toBeNull();
      // "Last seen" rides the next group commit, as between two requests.
      await new Promise((done) => setImmediate(done));
    }
    expect(auth.resolveSession(b.sessionId)).toBeNull(); // 12 h absolute
    const c = await auth.login('rita', 'violet anchor meadow 42', ctx);
    await auth.logout(auth.resolveSession(c.sessionId)!, ctx);
    expect(auth.resolveSession(c.sessionId)).toBeNull();
    expect(auth.resolveSession('forged-session-value-forged-session-value-x')).toBeNull();
  });

  it('issues API tokens shown once, stored hashed, expiring and revocable', async () => {
    const { token, view } = await auth.createToken(
      { name: 'ingest', roles: ['auditor'], expiresInDays: 1 },
      cli,
    );
    expect(token).toMatch(/^ghk_[A-Za-z0-9]{12}_/);
    const stored = db.prepare('SELECT * FROM api_tokens').get() as Record<string, unknown>;
    expect(JSON.stringify(stored)).not.toContain(token.slice(17));
    expect(auth.resolveToken(token)?.roles).toEqual(['auditor']);
    expect(auth.resolveToken(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    await auth.revokeToken(view.id, cli);
    expect(auth.resolveToken(token)).toBeNull();
    const second = await auth.createToken({ name: 'short', roles: ['guard'], expiresInDays: 1 }, cli);
    clock.advance(86_400_001);
    expect(auth.resolveToken(second.token)).toBeNull();
    await expect(
      auth.createToken({ name: 'x', roles: ['root'], expiresInDays: 1 }, cli),
    ).rejects.toMatchObject({ code: 'auth.bad-roles' });
  });

  it('keeps at least one active admin and journals what changed', async () => {
    const ada = await auth.createOperator(
      { username: 'ada', displayName: 'Ada', password: 'violet anchor meadow 42', roles: ['admin'] },
      cli,
    );
    await expect(auth.updateOperator(ada.id, { disabled: true }, cli)).rejects.toMatchObject({
      code: 'operator.last-admin',
    });
    await auth.updateOperator(ada.id, { roles: ['admin', 'auditor'], displayName: 'Ada L.' }, cli);
    const entry = db
      .prepare("SELECT entry_json FROM journal_entries WHERE type = 'operator.updated'")
      .pluck()
      .get() as string;
    expect(JSON.parse(entry).payload.changes).toEqual({
      displayName: { from: 'Ada', to: 'Ada L.' },
      roles: { from: ['admin'], to: ['admin', 'auditor'] },
    });
    await expect(
      auth.createOperator(
        { username: 'ADA', displayName: 'dup', password: 'violet anchor meadow 42', roles: ['guard'] },
        cli,
      ),
    ).rejects.toMatchObject({ code: 'operator.username-taken' });
    await expect(
      auth.createOperator(
        { username: 'bob', displayName: 'Bob', password: 'password1234', roles: ['guard'] },
        cli,
      ),
    ).rejects.toMatchObject({ code: 'auth.weak-password' });
  });
});
