import { useEffect, useRef } from 'react';

/** Where a key is someone typing, not a shortcut: text fields, lists, editable text. */
const typingIn = (target: EventTarget | null): boolean => {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
};

/** Keys a focused link, button or disclosure acts on itself (Enter follows a link, arrows scroll). */
const CONTROL_KEYS = new Set(['Enter', ' ', 'ArrowUp', 'ArrowDown']);
const onControl = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && target.closest('a, button, summary, [role], dialog') !== null;

/**
 * The desk's single-key shortcuts (keys as `KeyboardEvent.key`). A key never
 * fires while the operator types in a field, with a modifier held (the
 * browser's own shortcuts), or while a dialog is open (its own keys); Enter
 * and the arrows are left to a focused link or button (the skip link).
 */
export const useShortcuts = (keys: Record<string, () => void>) => {
  const current = useRef(keys);
  current.current = keys;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target)) return;
      if (CONTROL_KEYS.has(e.key) && onControl(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const run = current.current[e.key];
      if (!run) return;
      e.preventDefault();
      run();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
};

/** The list the page shows (and "?" opens): what each key does on the desk. */
export const DESK_SHORTCUTS: [keys: string, what: string][] = [
  ['A', 'Acknowledge the selected alarm'],
  ['↓ or J', 'Select the next alarm'],
  ['↑ or K', 'Select the previous alarm'],
  ['Enter', "Open the selected alarm's detail and history"],
  ['Esc', "Close the alarm's history"],
  ['/', 'Find a door by name'],
  ['?', 'Show or hide this list'],
];
