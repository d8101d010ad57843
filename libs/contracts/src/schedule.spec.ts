import { ManualClock } from './clock';
import { every } from './schedule';

/** Lets settled promises run their callbacks. */
const settle = () => new Promise((done) => setImmediate(done));

describe('every (periodic jobs on the clock)', () => {
  let clock: ManualClock;
  let errors: unknown[];
  const onError = (error: unknown) => errors.push(error);
  beforeEach(() => {
    clock = new ManualClock();
    errors = [];
  });

  it('runs the job once per interval of the clock, and never after it is cancelled', () => {
    const runs: number[] = [];
    const cancel = every(clock, 1000, () => void runs.push(clock.monotonicMs()), { onError });
    clock.advance(999);
    expect(runs).toEqual([]);
    clock.advance(2001);
    expect(runs).toEqual([1000, 2000, 3000]);
    cancel();
    clock.advance(5000);
    expect(runs).toHaveLength(3);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not start a run while the one before is still going: that turn is skipped', async () => {
    let started = 0;
    let finish: () => void = () => undefined;
    const cancel = every(
      clock,
      100,
      () => {
        started += 1;
        return new Promise<void>((done) => (finish = done));
      },
      { onError },
    );
    clock.advance(100);
    expect(started).toBe(1);
    clock.advance(300);
    expect(started).toBe(1);
    finish();
    await settle();
    clock.advance(100);
    expect(started).toBe(2);
    cancel();
  });

  it('reports a job that throws or rejects and keeps the schedule', async () => {
    let turn = 0;
    const cancel = every(
      clock,
      10,
      () => {
        turn += 1;
        if (turn === 1) throw new Error('thrown');
        if (turn === 2) return Promise.reject(new Error('rejected'));
        return undefined;
      },
      { onError },
    );
    clock.advance(10);
    clock.advance(10);
    await settle();
    clock.advance(10);
    expect(turn).toBe(3);
    expect(errors.map((e) => (e as Error).message)).toEqual(['thrown', 'rejected']);
    cancel();
  });

  it('survives a reporter that throws', () => {
    const failing = () => {
      throw new Error('failing');
    };
    const cancel = every(clock, 10, failing, { onError: failing });
    expect(() => clock.advance(30)).not.toThrow();
    expect(clock.pendingTimers).toBe(1);
    cancel();
  });

  it('waits until a due time of the job when it names one, else the interval', () => {
    const runs: number[] = [];
    let dueAt = 250;
    const job = () => {
      runs.push(clock.monotonicMs());
      // As a checkpoint written by someone else moves the next one's due time.
      if (runs.length === 2) dueAt = 1500;
    };
    const cancel = every(clock, 1000, job, { onError, dueInMs: () => dueAt - clock.monotonicMs() });
    clock.advance(300);
    expect(runs).toEqual([250]);
    // Due time passed and not moved: the interval.
    clock.advance(1000);
    expect(runs).toEqual([250, 1250]);
    clock.advance(300);
    expect(runs).toEqual([250, 1250, 1500]);
    cancel();
  });

  it('may be cancelled from inside its own run', () => {
    let runs = 0;
    const cancel: () => void = every(
      clock,
      10,
      () => {
        runs += 1;
        cancel();
      },
      { onError },
    );
    clock.advance(100);
    expect(runs).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });
});
