import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { describeError } from '../api';
import { SitePasswordRules } from '../setup/PasswordRules';

/** What an action asks before it runs: the question, what will happen, and whether a reason is needed. */
export interface ActionRequest {
  /** The dialog's title and accessible name ("Lock down all 12 doors?"). */
  title: string;
  /** What will happen, in words. */
  consequence?: string;
  /** The confirm button's label ("Lock down", "Resolve"). */
  confirm: string;
  /** A reason is asked for and journaled: required, optional (a comment), or not asked. */
  reason: 'required' | 'optional' | 'none';
  reasonLabel?: string;
  /** What becomes of the reason once written (kept in clear, or sealed under a person's key). */
  reasonHint?: string;
  /** The text asked is a secret (a temporary password), typed in a password field and not journaled. */
  secret?: boolean;
  /** Risky actions get the danger style on their confirm button. */
  risky?: boolean;
  /** Runs the action with the reason typed; a throw keeps the dialog open with the error in words. */
  run: (reason: string) => Promise<unknown>;
  /** Said beside the action's button after it succeeded (it fades). */
  done: string;
}

/**
 * The one dialog for actions (never window.prompt): a modal <dialog> (the rest
 * of the page inert, so focus stays inside), labelled by its title, the reason
 * field focused, Escape or Cancel closes it without acting.
 */
export const ActionDialog = ({
  request,
  onClose,
}: {
  request: ActionRequest;
  onClose: (result: 'done' | 'cancelled') => void;
}) => {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const textId = useId();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const text = reason.trim();
    if (request.reason === 'required' && !text)
      return setError(`${request.reasonLabel ?? 'Reason'} is required.`);
    setBusy(true);
    setError(null);
    try {
      await request.run(text);
      ref.current?.close();
      onClose('done');
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      className="action-dialog"
      aria-labelledby={titleId}
      aria-describedby={request.consequence ? textId : undefined}
      onCancel={() => onClose('cancelled')}
    >
      <form onSubmit={(e) => void submit(e)}>
        <h2 id={titleId}>{request.title}</h2>
        {request.consequence && <p id={textId}>{request.consequence}</p>}
        {request.reason !== 'none' && (
          <label>
            {request.reasonLabel ?? 'Reason'}
            {request.secret
              ? ''
              : request.reason === 'required'
                ? ' (recorded in the journal)'
                : ' (optional)'}
            {request.secret ? (
              <input
                name="secret"
                type="password"
                autoComplete="new-password"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                aria-describedby={`${textId}-rules`}
                required
                autoFocus
              />
            ) : (
              <textarea
                name="reason"
                rows={3}
                maxLength={1000}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                aria-required={request.reason === 'required'}
                aria-invalid={error !== null}
                aria-describedby={request.reasonHint ? `${textId}-hint` : undefined}
                autoFocus
              />
            )}
          </label>
        )}
        {request.reason !== 'none' && request.reasonHint && (
          <p className="hint" id={`${textId}-hint`}>
            {request.reasonHint}
          </p>
        )}
        {request.secret && <SitePasswordRules id={`${textId}-rules`} />}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button
            type="button"
            className="secondary"
            onClick={() => {
              ref.current?.close();
              onClose('cancelled');
            }}
          >
            Cancel
          </button>
          <button
            type="submit"
            className={request.risky ? 'danger' : ''}
            disabled={busy}
            autoFocus={request.reason === 'none'}
          >
            {busy ? 'Working…' : request.confirm}
          </button>
        </div>
      </form>
    </dialog>
  );
};
