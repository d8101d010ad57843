/**
 * Runs `run` now, or once more after the run in flight when asked meanwhile:
 * a burst of asks (a notice per committed batch of logins, under a flood of
 * them) is at most two reads, and the last one starts after the last ask. A
 * run that fails ends the round; its caller gets the error.
 */
export const coalesced = (run: () => Promise<void>): (() => Promise<void>) => {
  let busy = false;
  let again = false;
  return async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        await run();
      } while (again);
    } finally {
      busy = false;
    }
  };
};
