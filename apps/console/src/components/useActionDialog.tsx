import { useEffect, useState } from 'react';
import { describeError } from '../api';
import { ActionDialog, type ActionRequest } from './ActionDialog';

/** How long a success message stays beside the action that caused it. */
const FADE_MS = 6000;

/**
 * Actions that ask first: `ask(request)` opens the dialog (an action with
 * neither a reason nor a risk runs at once); `view` renders it and, after
 * success, the action's own message, which fades. A dialog's error stays in it.
 */
export const useActionDialog = () => {
  const [request, setRequest] = useState<ActionRequest | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!done) return;
    const timer = setTimeout(() => setDone(null), FADE_MS);
    return () => clearTimeout(timer);
  }, [done]);

  const ask = (r: ActionRequest) => {
    setError(null);
    setDone(null);
    if (r.reason !== 'none' || r.risky) return setRequest(r);
    r.run('').then(
      () => setDone(r.done),
      (e: unknown) => setError(describeError(e)),
    );
  };

  const view = (
    <>
      {request && (
        <ActionDialog
          request={request}
          onClose={(result) => {
            if (result === 'done') setDone(request.done);
            setRequest(null);
          }}
        />
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <p className="ok" role="status" data-testid="action-status">
        {done ?? ''}
      </p>
    </>
  );
  return { ask, view };
};
