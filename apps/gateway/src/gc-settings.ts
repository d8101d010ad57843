import { setFlagsFromString } from 'node:v8';

/**
 * The collector's settings for the gateway's process, applied first thing at
 * start (`main.ts`; the card-load bench applies the same to the gateway it
 * runs in its own process).
 *
 * `--no-parallel-scavenge`: a young collection is copied by the event loop's
 * thread alone. With parallel scavenging the thread hands pieces to V8's helper
 * threads and waits for all of them; on an edge box of two cores, shared with
 * the import worker, the journal's read pool and the serial buses, a helper
 * often waits for a core, and the event loop waits with it. What a scavenge
 * copies here is small (the index and the journal live in the old generation; a
 * young collection keeps 0.1-1.5 MB), so one thread does it in a few
 * milliseconds, while the parallel one was measured at 10-17 ms on a quiet
 * machine (BENCHMARKS.md, card-load). Marking stays concurrent (it runs beside
 * the loop, not in its pauses).
 *
 * V8 reads this flag at every scavenge, so setting it after the start holds
 * (a test checks it on a live process).
 */
export const GC_FLAGS = ['--no-parallel-scavenge'] as const;

export const applyGcSettings = (): void => {
  for (const flag of GC_FLAGS) setFlagsFromString(flag);
};
