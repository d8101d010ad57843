/**
 * Long work on the event loop (an import, an export, a live-events fan-out)
 * in slices, so that card reads, decisions and timers get a turn between them.
 */

/**
 * How long a slice of such work may hold the event loop. A turn can carry more
 * than a slice (a journal commit, a card, live events), so the longest gap is a
 * few slices' worth: the card-load bench's longest gap under an import and an
 * export had a median of 16.3 ms with 4 ms slices and 13.4 ms with 2 ms (the
 * export took about 7% longer). BENCHMARKS.md, 2026-12-01.
 */
export const SLICE_MS = 2;

/**
 * Work waiting for its next slice, oldest first. One slice runs per turn of the
 * event loop, whoever it belongs to: when an import, an export and a fan-out
 * all yield at once, a turn carries one of their slices, not one of each
 * (three slices back to back would hold the loop three times as long).
 */
const waiting: (() => void)[] = [];
let turnBooked = false;

const bookTurn = () => {
  if (turnBooked) return;
  turnBooked = true;
  // An immediate booked from inside one runs at the next turn: other callbacks and timers run between.
  setImmediate(runOneSlice);
};

const runOneSlice = () => {
  turnBooked = false;
  const resume = waiting.shift();
  if (waiting.length > 0) bookTurn();
  resume?.();
};

/** Resolves at a later turn of the event loop, after the work that was waiting before this. */
export const nextTurn = (): Promise<void> =>
  new Promise<void>((resume) => {
    waiting.push(resume);
    bookTurn();
  });

/**
 * Returns a function to await inside long loops: it yields to the event loop
 * once `budgetMs` of work has run since the slicer was made or last yielded, so
 * a loop's cost is spread over turns whatever the size of each step (a fixed
 * count of steps between yields is too much when steps are slow and too often
 * when fast). Until then it returns at once, so calling it often is cheap.
 */
export interface TimeSlicer {
  (): Promise<void>;
  /**
   * Whether calling it now would yield. A loop that steps through thousands of
   * small items asks this first (`if (pause.due()) await pause()`): each call
   * of an async function makes a promise, about 600 bytes of garbage with the
   * process's async hooks on, for every item of an export or an import.
   */
  due(): boolean;
}

export const timeSlicer = (budgetMs = SLICE_MS): TimeSlicer => {
  let since = performance.now();
  const due = () => performance.now() - since >= budgetMs;
  const pause = async () => {
    if (!due()) return;
    await nextTurn();
    since = performance.now();
  };
  return Object.assign(pause, { due });
};
