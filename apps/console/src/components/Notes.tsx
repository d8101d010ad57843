import { useEffect, useRef, useState } from 'react';

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
 * The part of the page a success message speaks about: its form or panel
 * (a person's detail), else its page section. Moving to anything outside it
 * (opening another person, another page) ends the message: it must not stay
 * under an item it is not about.
 */
const NOTE_SCOPE = 'form, .panel, [role="dialog"], section';

/**
 * A success message: in sight beside its action, faded after a few seconds
 * and then gone, and gone at once when the operator moves on to something
 * outside its form or panel (the subject changed) or the page changes. It is
 * said in a polite live region that is always in the page, so a screen reader
 * announces it, the first one too.
 */
export const SuccessNote = ({ success, testId }: { success: Success | null; testId?: string }) => {
  const [phase, setPhase] = useState<'shown' | 'fading' | 'faded'>('shown');
  const note = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    setPhase('shown');
    if (!success) return;
    const fade = setTimeout(() => setPhase('fading'), FADE_MS);
    const hide = setTimeout(() => setPhase('faded'), FADE_MS + FADING_MS);
    const scope = note.current?.parentElement?.closest(NOTE_SCOPE) ?? null;
    const elsewhere = (e: Event) => {
      if (scope && e.target instanceof Node && !scope.contains(e.target)) setPhase('faded');
    };
    const gone = () => setPhase('faded');
    document.addEventListener('pointerdown', elsewhere, true);
    document.addEventListener('focusin', elsewhere, true);
    window.addEventListener('hashchange', gone);
    return () => {
      clearTimeout(fade);
      clearTimeout(hide);
      document.removeEventListener('pointerdown', elsewhere, true);
      document.removeEventListener('focusin', elsewhere, true);
      window.removeEventListener('hashchange', gone);
    };
  }, [success]);
  return (
    <p
      ref={note}
      className={`ok success-note ${phase}`}
      role="status"
      data-testid={testId}
      data-phase={success ? phase : undefined}
    >
      {success && phase !== 'faded' ? success.text : ''}
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
