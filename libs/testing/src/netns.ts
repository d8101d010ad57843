import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';

const run = (args: string[]) => {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr || r.error}`);
};

/**
 * A second host for a test: a network namespace joined to this one by a veth
 * pair, addresses on a private /30 (this side .1, the namespace .2). Made by
 * the test and removed by it (`remove` is safe to call twice).
 */
export interface SecondHost {
  name: string;
  /** The address of this (the gateway's) side. */
  hostAddress: string;
  /** The address inside the namespace. */
  peerAddress: string;
  /** argv prefix that runs a program inside the namespace. */
  exec: string[];
  remove(): void;
}

/** Whether this process may make namespaces (root, with `ip`); a test fails loudly when it may not. */
export const netnsProblem = (): string | null => {
  if (process.getuid?.() !== 0) return 'not root: network namespaces need CAP_SYS_ADMIN';
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return r.status === 0 ? null : `ip netns is not usable: ${r.stderr || r.error}`;
};

export const makeSecondHost = (): SecondHost => {
  const tag = randomBytes(3).toString('hex');
  const name = `gh-${tag}`;
  const outside = `gh${tag}a`;
  const inside = `gh${tag}b`;
  // 10.200-250.x.y/30: private, and random enough that parallel runs do not meet.
  const base = [10, randomInt(200, 250), randomInt(0, 256), randomInt(0, 64) * 4];
  const at = (n: number) => [...base.slice(0, 3), base[3]! + n].join('.');
  let made = false;
  const remove = () => {
    if (!made) return;
    made = false;
    // Deleting one end deletes the pair; deleting the namespace frees its end too.
    spawnSync('ip', ['link', 'del', outside], { encoding: 'utf8' });
    spawnSync('ip', ['netns', 'del', name], { encoding: 'utf8' });
  };
  run(['netns', 'add', name]);
  made = true;
  try {
    run(['link', 'add', outside, 'type', 'veth', 'peer', 'name', inside, 'netns', name]);
    run(['addr', 'add', `${at(1)}/30`, 'dev', outside]);
    run(['link', 'set', outside, 'up']);
    run(['-n', name, 'addr', 'add', `${at(2)}/30`, 'dev', inside]);
    run(['-n', name, 'link', 'set', inside, 'up']);
    run(['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (error) {
    remove();
    throw error;
  }
  return { name, hostAddress: at(1), peerAddress: at(2), exec: ['ip', 'netns', 'exec', name], remove };
};
