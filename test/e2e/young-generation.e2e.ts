import { removeDir, startGateway } from '../support/gateway';

describe('the young generation bound at start (real process)', () => {
  it('warns, naming the flag, when node was started without it, and is silent with it', async () => {
    const without = await startGateway({ nodeArgs: [] });
    expect(await without.stop()).toBe(0);
    expect(without.output()).toContain('started without --max-semi-space-size=2');
    removeDir(without.dataDir);

    const withFlag = await startGateway();
    expect(await withFlag.stop()).toBe(0);
    expect(withFlag.output()).not.toContain('max-semi-space-size');
    removeDir(withFlag.dataDir);
  });
});
