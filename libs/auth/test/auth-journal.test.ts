import { totpCode } from '@gatehouse/auth';
import { cli, createOperator as operator, ctx, openAuth, PASSWORD, type AuthBench } from './support';

/**
 * Every auth change commits in its journal entry's transaction. Each case runs
 * once with the journal failing (no record may change), once with the records
 * failing (no entry may be written), and once with neither, to show that the
 * case does change something and write an entry.
 */
const AUTH_TABLES = ['operators', 'sessions', 'api_tokens', 'address_failures', 'bootstrap_tokens'];

const snapshot = (b: AuthBench): string =>
  JSON.stringify(AUTH_TABLES.map((t) => b.db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()));

const FAULTS = {
  journal: [
    "CREATE TRIGGER fault_journal BEFORE INSERT ON journal_entries BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
  ],
  records: AUTH_TABLES.flatMap((t) =>
    ['INSERT', 'UPDATE', 'DELETE'].map(
      (op) =>
        `CREATE TRIGGER fault_${t}_${op} BEFORE ${op} ON ${t} BEGIN SELECT RAISE(ABORT, 'injected fault'); END`,
    ),
  ),
};
const inject = (b: AuthBench, fault: keyof typeof FAULTS) => FAULTS[fault].forEach((sql) => b.db.exec(sql));
const heal = (b: AuthBench) => {
  const triggers = b.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'fault_%'")
    .pluck()
    .all() as string[];
  triggers.forEach((t) => b.db.exec(`DROP TRIGGER ${t}`));
};

const signIn = async (b: AuthBench, username: string) => {
  const login = await b.signIn.login(username, PASSWORD, ctx);
  return { login, principal: () => b.signIn.resolveSession(login.sessionId)! };
};

/** An admin with TOTP enrolled, and a session of theirs waiting for the code. */
const enrolledAdmin = async (b: AuthBench) => {
  await operator(b, 'ada', ['admin']);
  const first = await signIn(b, 'ada');
  const { secret } = await b.signIn.beginEnrollment(first.principal(), {}, ctx);
  const enrolled = await b.signIn.confirmEnrollment(
    first.principal(),
    totpCode(secret, b.clock.now().getTime()),
    ctx,
  );
  b.clock.advance(60_000);
  const pending = await signIn(b, 'ada');
  return { secret, recoveryCodes: enrolled.recoveryCodes, pending };
};

/**
 * The message a change was refused with. SQLite's errors are not matched with
 * toThrow: when another test file loaded better-sqlite3 first in the same jest
 * worker, they belong to that file's realm and are not `instanceof Error` here.
 */
const refusal = (change: Promise<unknown>): Promise<string> =>
  change.then(
    () => 'no refusal',
    (e: unknown) => String((e as { message?: unknown }).message),
  );

type Case = [string, (b: AuthBench) => Promise<() => Promise<unknown>>];
const CASES: Case[] = [
  ['bootstrap token issued', async (b) => () => b.operators.issueBootstrapToken()],
  [
    'bootstrap',
    async (b) => {
      const token = (await b.operators.issueBootstrapToken())!;
      return () =>
        b.operators.bootstrap(token, { username: 'root', displayName: 'Root', password: PASSWORD }, ctx);
    },
  ],
  ['operator created', async (b) => () => operator(b, 'gus', ['guard'])],
  [
    'operator updated',
    async (b) => {
      const gus = await operator(b, 'gus', ['guard']);
      return () =>
        b.operators.updateOperator(gus.id, { displayName: 'Gus G.', roles: ['guard', 'auditor'] }, cli);
    },
  ],
  [
    'operator disabled, sessions ended',
    async (b) => {
      const gus = await operator(b, 'gus', ['guard']);
      await signIn(b, 'gus');
      return () => b.operators.updateOperator(gus.id, { disabled: true }, cli);
    },
  ],
  [
    'password reset by an admin',
    async (b) => {
      const gus = await operator(b, 'gus', ['guard']);
      return () => b.operators.resetPassword(gus.id, 'granite lantern harbour', cli);
    },
  ],
  [
    'second factor reset by an admin',
    async (b) => {
      await enrolledAdmin(b);
      const id = b.operators.listOperators()[0]!.id;
      return () => b.operators.resetSecondFactor(id, 'lost phone', cli);
    },
  ],
  [
    'account unlocked',
    async (b) => {
      const gus = await operator(b, 'gus', ['guard']);
      for (let i = 0; i < 3; i++) await b.signIn.login('gus', 'wrong password!', ctx).catch(() => undefined);
      return () => b.operators.unlock(gus.id, cli);
    },
  ],
  [
    'sign-in (session made, failures cleared)',
    async (b) => {
      await operator(b, 'gus', ['guard']);
      await b.signIn.login('gus', 'wrong password!', ctx).catch(() => undefined);
      return () => b.signIn.login('gus', PASSWORD, ctx);
    },
  ],
  [
    'failed sign-in counted',
    async (b) => {
      await operator(b, 'gus', ['guard']);
      return () => b.signIn.login('gus', 'wrong password!', ctx);
    },
  ],
  ['failed sign-in of an unknown name counted', async (b) => () => b.signIn.login('nobody', 'whatever', ctx)],
  [
    'account locked',
    async (b) => {
      await operator(b, 'gus', ['guard']);
      for (let i = 0; i < 2; i++) await b.signIn.login('gus', 'wrong password!', ctx).catch(() => undefined);
      return () => b.signIn.login('gus', 'wrong password!', ctx);
    },
  ],
  [
    'own password changed',
    async (b) => {
      await operator(b, 'gus', ['guard']);
      const s = await signIn(b, 'gus');
      return () => b.signIn.changeOwnPassword(s.principal(), PASSWORD, 'granite lantern harbour', ctx);
    },
  ],
  [
    'signed out',
    async (b) => {
      await operator(b, 'gus', ['guard']);
      const s = await signIn(b, 'gus');
      return () => b.signIn.logout(s.principal(), ctx);
    },
  ],
  [
    'second factor verified (step kept, session rotated)',
    async (b) => {
      const { secret, pending } = await enrolledAdmin(b);
      return () =>
        b.signIn.verifySecondFactor(
          pending.principal(),
          { code: totpCode(secret, b.clock.now().getTime()) },
          ctx,
        );
    },
  ],
  [
    'recovery code used',
    async (b) => {
      const { recoveryCodes, pending } = await enrolledAdmin(b);
      return () => b.signIn.verifySecondFactor(pending.principal(), { recoveryCode: recoveryCodes[0]! }, ctx);
    },
  ],
  [
    'enrolment started',
    async (b) => {
      await operator(b, 'rita', ['reception']);
      const s = await signIn(b, 'rita');
      return () => b.signIn.beginEnrollment(s.principal(), { currentPassword: PASSWORD }, ctx);
    },
  ],
  [
    'enrolment confirmed',
    async (b) => {
      await operator(b, 'ada', ['admin']);
      const s = await signIn(b, 'ada');
      const { secret } = await b.signIn.beginEnrollment(s.principal(), {}, ctx);
      return () => b.signIn.confirmEnrollment(s.principal(), totpCode(secret, b.clock.now().getTime()), ctx);
    },
  ],
  [
    'API token created',
    async (b) => () => b.tokens.createToken({ name: 'ingest', roles: ['auditor'], expiresInDays: 1 }, cli),
  ],
  [
    'API token revoked',
    async (b) => {
      const { view } = await b.tokens.createToken(
        { name: 'ingest', roles: ['auditor'], expiresInDays: 1 },
        cli,
      );
      return () => b.tokens.revokeToken(view.id, cli);
    },
  ],
];

describe('auth changes commit with their journal entry (real SQLite, real journal)', () => {
  let b: AuthBench;
  beforeEach(async () => {
    b = await openAuth();
  });
  afterEach(async () => {
    heal(b);
    await b.close();
  });

  it.each(CASES)('%s: a failed journal write leaves every record as it was', async (_name, prepare) => {
    const run = await prepare(b);
    const before = snapshot(b);
    const entries = b.types().length;
    inject(b, 'journal');
    expect(await refusal(run())).toBe('injected fault');
    expect(snapshot(b)).toBe(before);
    heal(b);
    expect(b.types()).toHaveLength(entries);
    // The same change goes through once the journal works: the case did exercise a write.
    await run().catch(() => undefined);
    expect(snapshot(b)).not.toBe(before);
    expect(b.types().length).toBeGreaterThan(entries);
  });

  it.each(CASES)('%s: a failed record write leaves no journal entry', async (_name, prepare) => {
    const run = await prepare(b);
    const before = snapshot(b);
    const entries = b.types();
    inject(b, 'records');
    expect(await refusal(run())).toBe('injected fault');
    heal(b);
    expect(b.types()).toEqual(entries);
    expect(snapshot(b)).toBe(before);
  });
});
