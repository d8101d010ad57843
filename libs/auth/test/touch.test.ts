import { cli, ctx, openAuth, PASSWORD, type AuthBench } from './support';

/**
 * "Last seen" writes ride the journal's group commit: while an import holds the
 * journal (paused), a signed-in request never writes on the event loop, where
 * it would wait on the import's write lock; the write lands once it resumes.
 */
describe('session and token bookkeeping', () => {
  let b: AuthBench;
  beforeEach(async () => {
    b = await openAuth({ totpRequiredRoles: [] });
  });
  afterEach(() => b.close());

  const lastSeen = () => b.db.prepare('SELECT last_seen_at FROM sessions').pluck().get() as number;
  const lastUsed = () => b.db.prepare('SELECT last_used_at FROM api_tokens').pluck().get() as number | null;

  it('writes last-seen and last-used only with the next group commit, once per session, after a pause', async () => {
    await b.operators.createOperator(
      { username: 'gus', displayName: 'Gus', password: PASSWORD, roles: ['guard'] },
      cli,
    );
    const { sessionId } = await b.signIn.login('gus', PASSWORD, ctx);
    const token = await b.tokens.createToken({ name: 'feed', roles: ['auditor'], expiresInDays: 30 }, cli);
    const signedIn = lastSeen();

    b.journal.pause();
    b.clock.advance(60_000);
    for (let i = 0; i < 5; i++) {
      expect(b.signIn.resolveSession(sessionId)).not.toBeNull();
      expect(b.tokens.resolveToken(token.token)).not.toBeNull();
    }
    await new Promise((done) => setImmediate(done));
    expect(lastSeen()).toBe(signedIn);
    expect(lastUsed()).toBeNull();

    b.journal.resume();
    expect(lastSeen()).toBe(signedIn + 60_000);
    expect(lastUsed()).toBe(signedIn + 60_000);
  });
});
