import type { BoardDoor } from '@gatehouse/api';

/** Door phases in words (state by word as well as colour, CONSOLE.md). */
export const PHASE_LABEL: Record<string, string> = {
  secure: 'Secure',
  unlocked: 'Unlocked (grant)',
  open: 'Open',
  'held-warning': 'Held open: warning',
  held: 'HELD OPEN',
  forced: 'FORCED OPEN',
  'closed-unlocked': 'Closed, unlocked',
  unknown: 'No contact data',
};

/** Phases a guard must look at now (red and amber); the "needs attention" filter keeps these and offline doors. */
const ATTENTION = new Set(['held-warning', 'held', 'forced']);

/** A door whose sensors are silent, offline or tampered: its state on the board cannot be vouched for. */
export const sensorsDown = (d: BoardDoor) =>
  d.sensors.some((s) => s.neverHeard || s.online === false || s.tamper);
export const needsAttention = (d: BoardDoor) => ATTENTION.has(d.phase) || sensorsDown(d);

/** Phases in which a door is not shut and locked: blue (a grant) on a normal day, never in a lockdown. */
const NOT_SECURED = new Set(['unlocked', 'open', 'closed-unlocked', 'held-warning']);

/**
 * A door that is open or unlocked while the site holds it: in a lockdown that
 * is the one thing a guard must see (red, "OPEN IN LOCKDOWN"), never the blue
 * "Open" of a grant; in an emergency release it is what was asked for (amber).
 */
export const overrideState = (d: BoardDoor, held: 'lockdown' | 'emergency' | null) =>
  held && NOT_SECURED.has(d.phase) ? held : null;

/** The tile's state word: an offline door says Offline rather than its last (stale) phase. */
export const stateWord = (d: BoardDoor, held: 'lockdown' | 'emergency' | null = null) => {
  if (d.sensors.length > 0 && d.sensors.every((s) => s.online === false || s.neverHeard)) return 'Offline';
  const open = d.open === true || ['open', 'held-warning'].includes(d.phase);
  switch (overrideState(d, held)) {
    case 'lockdown':
      return open ? 'OPEN IN LOCKDOWN' : 'UNLOCKED IN LOCKDOWN';
    case 'emergency':
      return open ? 'Open (emergency release)' : 'Unlocked (emergency release)';
  }
  if (held === 'lockdown' && d.phase === 'secure') return 'Secure (locked down)';
  // Without contact data the machine cannot tell a grant from an unlocked mode: no "(grant)".
  if (d.phase === 'unlocked' && d.open === null) return 'Unlocked';
  return PHASE_LABEL[d.phase] ?? d.phase;
};

/** The lock and the contact, each in its own words (a door can be unlocked and shut, or locked and open). */
export const lockWord = (d: BoardDoor) =>
  d.phase === 'unlocked' || d.phase === 'closed-unlocked' ? 'Unlocked' : 'Locked';
export const contactWord = (d: BoardDoor) =>
  d.open === null ? 'Contact unknown' : d.open ? 'Open' : 'Closed';

/** A sensor's battery in words: the number alone does not say whether to act. */
export const batteryWord = (battery: number | null) =>
  battery === null
    ? null
    : battery <= 10
      ? `Battery empty soon (${battery}%)`
      : battery <= 25
        ? `Battery low (${battery}%)`
        : `Battery good (${battery}%)`;
export const signalWord = (s: BoardDoor['sensors'][number]) =>
  s.neverHeard
    ? 'Never heard'
    : s.online === false
      ? 'Signal lost'
      : s.online
        ? 'Signal good'
        : 'Signal unknown';

export const age = (ms: number, now = Date.now()) => {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 60
    ? `${s} s`
    : s < 3600
      ? `${Math.floor(s / 60)} min`
      : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
};
