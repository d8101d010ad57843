import { randomFromPool } from './random-pool';

describe('random bytes drawn in blocks', () => {
  it('hands out each byte once: bytes already handed out never change when the block is used up', () => {
    const first = randomFromPool(32);
    const kept = Buffer.from(first);
    const seen = new Set<string>([first.toString('hex')]);
    // Well past one block (16 KiB), so the block is replaced at least twice.
    for (let i = 0; i < 2000; i++) {
      const salt = randomFromPool(32);
      expect(salt).toHaveLength(32);
      seen.add(salt.toString('hex'));
    }
    expect(first.equals(kept)).toBe(true);
    expect(seen.size).toBe(2001);
  });

  it('draws a request larger than a quarter block directly', () => {
    const big = randomFromPool(8 * 1024);
    expect(big).toHaveLength(8 * 1024);
    expect(big.equals(Buffer.alloc(8 * 1024))).toBe(false);
  });
});
