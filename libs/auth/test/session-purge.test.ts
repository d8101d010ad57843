import { purgeSessionsPeriodically } from '@gatehouse/auth';
import { cli, ctx, openAuth, PASSWORD, type AuthBench } from './support';

describe('the periodic purge of idle sessions, on the clock', () => {
  let b: AuthBench;
  beforeEach(async () => {
    b = await openAuth({ totpRequiredRoles: [], sessionIdleMinutes: 30 });
  });
  afterEach(() => b.close());

  const sessions = () => b.db.prepare('SELECT count(*) FROM sessions').pluck().get() as number;

  it('deletes a session once it is idle past its time, every ten minutes, until stopped', async () => {
    await b.operators.createOperator(
      { username: 'gus', displayName: 'Gus', password: PASSWORD, roles: ['guard'] },
      cli,
    );
    await b.signIn.login('gus', PASSWORD, ctx);
    const others = b.clock.pendingTimers; // the journal's checkpoint timer
    const stop = purgeSessionsPeriodically(b.signIn, b.clock, (e) => {
      throw e;
    });
    b.clock.advance(29 * 60_000);
    expect(sessions()).toBe(1);
    b.clock.advance(60_000);
    expect(sessions()).toBe(0);
    expect(b.clock.pendingTimers).toBe(others + 1);
    stop();
    expect(b.clock.pendingTimers).toBe(others);
  });
});
