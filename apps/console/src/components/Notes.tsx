import { useEffect, useState } from 'react';

/** How long a success message stays in sight beside the action that caused it. */
export const FADE_MS = 6000;
/** The fade itself (styles.css .success-note.fading), after which the message is visually hidden. */
const FADING_MS = 600;

/** A success to say: `n` tells two equal messages apart (saving twice says so twice). */
export interface Success {
  text: string;
  n: number;
}

/**
 * A success message: in sight beside its action, faded after a few seconds,
 * and kept in a polite live region (visually hidden once faded) so a
 * screen-reader user hears it and can still read it. The region is always in
 * the page, so its first message is announced too.
 */
export const SuccessNote = ({ success, testId }: { success: Success | null; testId?: string }) => {
  const [phase, setPhase] = useState<'shown' | 'fading' | 'faded'>('shown');
  useEffect(() => {
    setPhase('shown');
    if (!success) return;
    const fade = setTimeout(() => setPhase('fading'), FADE_MS);
    const hide = setTimeout(() => setPhase('faded'), FADE_MS + FADING_MS);
    return () => {
      clearTimeout(fade);
      clearTimeout(hide);
    };
  }, [success]);
  return (
    <p
      className={`ok success-note ${phase}`}
      role="status"
      data-testid={testId}
      data-phase={success ? phase : undefined}
    >
      {success?.text ?? ''}
    </p>
  );
};

/**
 * An error: stays, announced at once (role=alert), until the operator
 * dismisses it or the action runs again (corrected).
 */
export const ErrorNote = ({ error, onDismiss }: { error: string | null; onDismiss?: () => void }) =>
  error ? (
    <div className="error-note" role="alert">
      <p className="error">{error}</p>
      {onDismiss && (
        <button type="button" className="link" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  ) : null;
