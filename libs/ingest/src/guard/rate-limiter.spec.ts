import { ManualClock } from '@gatehouse/contracts';
import { PerSourceRateLimiter } from './rate-limiter';

describe('PerSourceRateLimiter', () => {
  it('lets a burst through, then the average rate, per source', () => {
    const clock = new ManualClock();
    const limiter = new PerSourceRateLimiter({ perSecond: 10, burst: 5, maxSources: 10 }, () =>
      clock.monotonicMs(),
    );
    const passed = (source: string, count: number) =>
      Array.from({ length: count }, () => limiter.take(source)).filter(Boolean).length;
    expect(passed('a', 20)).toBe(5);
    // Another source is not affected by the first one's flood.
    expect(passed('b', 5)).toBe(5);
    clock.advance(1000);
    expect(passed('a', 20)).toBe(5); // refilled to the burst, not beyond
    clock.advance(300);
    expect(passed('a', 20)).toBe(3);
  });

  it('tracks at most maxSources; the stalest is forgotten', () => {
    const clock = new ManualClock();
    const limiter = new PerSourceRateLimiter({ perSecond: 1, burst: 1, maxSources: 2 }, () =>
      clock.monotonicMs(),
    );
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
    limiter.take('b');
    limiter.take('c');
    expect(limiter.trackedSources).toBe(2);
    // 'a' was forgotten, so it starts again with a full bucket.
    expect(limiter.take('a')).toBe(true);
  });

  it.each([
    [{ perSecond: 0, burst: 1, maxSources: 1 }],
    [{ perSecond: 1, burst: 0, maxSources: 1 }],
    [{ perSecond: 1, burst: 1, maxSources: 0 }],
  ])('refuses the limit %p', (limit) => {
    expect(() => new PerSourceRateLimiter(limit, () => 0)).toThrow();
  });
});
