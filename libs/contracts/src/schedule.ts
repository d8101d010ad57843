import type { Clock } from './clock';

export interface EveryOptions {
  /** What a run threw or rejected with: reported here, and the job keeps its schedule. */
  onError: (error: unknown) => void;
  /** A periodic check that must not keep the process alive (see `Clock.after`). */
  background?: boolean;
  /**
   * For a job with a due time of its own (a checkpoint due one period after the
   * last, whoever wrote that one): milliseconds until then, asked before each
   * wait. Nothing, or a value of 0 or less, waits the interval.
   */
  dueInMs?: () => number;
}

/**
 * Runs `job` every `intervalMs` of the clock's time until the returned function
 * is called. A run whose promise has not settled when the next falls due is not
 * started again beside it: that turn is skipped. A run that throws or rejects is
 * reported through `onError`; it neither stops the schedule nor reaches the
 * process as an uncaught error.
 */
export const every = (
  clock: Clock,
  intervalMs: number,
  job: () => void | Promise<unknown>,
  options: EveryOptions,
): (() => void) => {
  let stopped = false;
  let running = false;
  let cancelWait: (() => void) | undefined;

  const report = (error: unknown) => {
    try {
      options.onError(error);
    } catch {
      // A failing reporter must not turn a reported failure into a fatal one.
    }
  };
  const run = () => {
    if (running) return;
    let outcome: void | Promise<unknown>;
    try {
      outcome = job();
    } catch (error) {
      report(error);
      return;
    }
    if (outcome !== undefined) {
      running = true;
      outcome.then(
        () => (running = false),
        (error: unknown) => {
          running = false;
          report(error);
        },
      );
    }
  };
  const dueIn = (): number => {
    try {
      return options.dueInMs?.() ?? 0;
    } catch (error) {
      report(error);
      return 0;
    }
  };
  const wait = () => {
    const due = dueIn();
    cancelWait = clock.after(
      due > 0 ? due : intervalMs,
      () => {
        run();
        if (!stopped) wait();
      },
      options.background,
    );
  };

  wait();
  return () => {
    stopped = true;
    cancelWait?.();
  };
};
