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

  it('does not renew a session on a request the console makes by itself, so it still idles out', async () => {
    await b.operators.createOperator(
      { username: 'wall', displayName: 'Wall screen', password: PASSWORD, roles: ['guard'] },
      cli,
    );
    const { sessionId } = await b.signIn.login('wall', PASSWORD, ctx);
    const signedIn = lastSeen();
    const idleMs = 30 * 60_000;

    // Background re-reads every ten minutes: the session is kept, never renewed.
    for (let i = 0; i < 2; i++) {
      b.clock.advance(10 * 60_000);
      const seen = b.signIn.resolveSession(sessionId, false);
      expect(seen?.ends?.idleAt).toBe(signedIn + idleMs);
    }
    await new Promise((done) => setImmediate(done));
    expect(lastSeen()).toBe(signedIn);
    b.clock.advance(10 * 60_000 + 1);
    expect(b.signIn.resolveSession(sessionId, false)).toBeNull();
  });

  it('renews a session on a request made by a person, and says when it now idles out', async () => {
    await b.operators.createOperator(
      { username: 'desk', displayName: 'Desk', password: PASSWORD, roles: ['guard'] },
      cli,
    );
    const { sessionId } = await b.signIn.login('desk', PASSWORD, ctx);
    b.clock.advance(20 * 60_000);
    const now = b.clock.now().getTime();
    expect(b.signIn.resolveSession(sessionId)?.ends?.idleAt).toBe(now + 30 * 60_000);
    await new Promise((done) => setTimeout(done, 50)); // the write rides the next group commit
    expect(lastSeen()).toBe(now);
    b.clock.advance(20 * 60_000);
    expect(b.signIn.resolveSession(sessionId, false)).not.toBeNull();
  });
});
