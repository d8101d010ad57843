import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers this process's CPU priority to `nice` (0 leaves it), every thread it
 * has now (Linux: a nice value is a thread's, and a thread made later takes its
 * maker's). For the bench's load generators, the simulated readers and the
 * HTTP clients: on a site they are other machines, here they share the
 * gateway's two cores; at a lower priority they still run whenever a core is
 * free, but no longer take one from the gateway's event loop. Processes started
 * before the call keep their priority (the readers' socat, which stands for the
 * serial line itself).
 */
export const lowerOwnPriority = (nice: number): void => {
  if (nice === 0) return;
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    threads = [String(process.pid)];
  }
  for (const tid of threads) setPriority(Number(tid), nice);
};
