import { useState } from 'react';
import { describeError } from './api';

/** A form's error, announced to screen readers; nothing when there is none. */
export const ErrorAlert = ({ error }: { error: string | null }) =>
  error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;

/** Runs an action, shows its error or a confirmation; one pattern for every form in the console. */
export const useAction = () => {
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (done: string, fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await fn();
      setMessage(done);
      return true;
    } catch (e) {
      setError(describeError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const view = (
    <>
      <ErrorAlert error={error} />
      {message && <p className="ok">{message}</p>}
    </>
  );
  return { run, busy, view, setError };
};
