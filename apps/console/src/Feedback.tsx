import { useState } from 'react';
import { describeError } from './api';
import { ErrorNote, SuccessNote, type Success } from './components/Notes';

/** A form's error, announced to screen readers; nothing when there is none. */
export const ErrorAlert = ({ error }: { error: string | null }) => <ErrorNote error={error} />;

/** The place of a page's actions that have no place of their own. */
const PAGE = 'page';

/**
 * Runs an action, shows its error or its success beside it; one pattern for
 * every form in the console. `run(done, fn, at)` names the place (a form, a
 * panel) the action belongs to, and `noteAt(at)` renders that place's
 * messages there: a success fades, an error stays until dismissed or the
 * action runs again.
 */
export const useAction = () => {
  const [error, setError] = useState<{ at: string; text: string } | null>(null);
  const [success, setSuccess] = useState<(Success & { at: string }) | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (done: string, fn: () => Promise<unknown>, at: string = PAGE): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setSuccess(null);
    try {
      await fn();
      if (done) setSuccess((s) => ({ at, text: done, n: (s?.n ?? 0) + 1 }));
      return true;
    } catch (e) {
      setError({ at, text: describeError(e) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  const noteAt = (at: string) => (
    <>
      <ErrorNote error={error?.at === at ? error.text : null} onDismiss={() => setError(null)} />
      <SuccessNote success={success?.at === at ? success : null} testId={`note-${at}`} />
    </>
  );
  return {
    run,
    busy,
    view: noteAt(PAGE),
    noteAt,
    setError: (text: string | null) => setError(text ? { at: PAGE, text } : null),
  };
};
