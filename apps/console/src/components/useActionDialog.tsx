import { useState } from 'react';
import { describeError } from '../api';
import { ActionDialog, type ActionRequest } from './ActionDialog';
import { ErrorNote, SuccessNote, type Success } from './Notes';

/**
 * Actions that ask first: `ask(request)` opens the dialog (an action with
 * neither a reason nor a risk runs at once); `view` renders it and, after
 * success, the action's own message, which fades. A dialog's error stays in it.
 */
export const useActionDialog = () => {
  const [request, setRequest] = useState<ActionRequest | null>(null);
  const [done, setDoneNote] = useState<Success | null>(null);
  const [error, setError] = useState<string | null>(null);
  const setDone = (text: string) => setDoneNote((s) => ({ text, n: (s?.n ?? 0) + 1 }));

  const ask = (r: ActionRequest) => {
    setError(null);
    setDoneNote(null);
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
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      <SuccessNote success={done} testId="action-status" />
    </>
  );
  return { ask, view };
};
