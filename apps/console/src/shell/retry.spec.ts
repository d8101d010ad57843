import { retryWaitMs } from './retry';

describe('the live stream reconnection wait', () => {
  it('grows 1, 2, 4 s and stays at 5 s however long the gateway is away', () => {
    expect([0, 1, 2, 3, 4, 50].map((n) => retryWaitMs(n, 0.5))).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('moves each wait by up to a fifth either way, never past 5 s', () => {
    expect([retryWaitMs(0, 0), retryWaitMs(0, 1)]).toEqual([800, 1200]);
    expect([retryWaitMs(2, 0), retryWaitMs(2, 1)]).toEqual([3200, 4800]);
    for (let n = 0; n < 10; n++)
      for (const r of [0, 0.25, 0.5, 0.75, 0.999]) expect(retryWaitMs(n, r)).toBeLessThanOrEqual(5000);
  });
});
