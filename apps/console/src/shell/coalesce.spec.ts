import { coalesced } from './coalesce';

describe('coalesced re-reads', () => {
  it('runs a burst of asks made during a run as one more run after it', async () => {
    const finish: (() => void)[] = [];
    let runs = 0;
    const ask = coalesced(() => {
      runs += 1;
      return new Promise<void>((resolve) => finish.push(resolve));
    });
    const first = ask();
    for (let i = 0; i < 5; i++) void ask();
    expect(runs).toBe(1);
    finish[0]!();
    await Promise.resolve();
    await Promise.resolve();
    expect(runs).toBe(2);
    finish[1]!();
    await first;
    expect(runs).toBe(2);
    // Idle again: the next ask runs at once.
    void ask();
    expect(runs).toBe(3);
    finish[2]!();
  });

  it('gives a failed run’s error to the ask that started it, and runs again when asked', async () => {
    let fail = true;
    const ask = coalesced(() => (fail ? Promise.reject(new Error('gateway away')) : Promise.resolve()));
    await expect(ask()).rejects.toThrow('gateway away');
    fail = false;
    await expect(ask()).resolves.toBeUndefined();
  });
});
