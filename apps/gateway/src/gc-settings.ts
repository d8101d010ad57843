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
 * keeps here is small (the index and the journal live in the old generation;
 * an idle scavenge keeps 0.1-0.3 MB, the import's up to a few MB), so one
 * thread copies it in a few milliseconds. Measured (BENCHMARKS.md, card-load,
 * runs U): idle scavenges' median pause 3.2 -> 1.0 ms under load; the longest
 * stall under the import and export 53-98 ms against 135-193 ms in three
 * alternating pairs at load 4, 46-47 ms against 53-60 ms in two at load 2-3.
 * Not shown on a quiet machine. Marking stays
 * concurrent (beside the loop, not in its pauses).
 *
 * V8 reads this flag at every scavenge, so setting it after the start holds
 * (a test checks it on a live process).
 */
export const GC_FLAGS = ['--no-parallel-scavenge'] as const;

export const applyGcSettings = (): void => {
  for (const flag of GC_FLAGS) setFlagsFromString(flag);
};
