import type { AlarmView } from '@gatehouse/api';

/** How many alarms a tablet or phone lists before "All N alarms": the board must stay in view. */
export const NARROW_ALARMS = 3;
/** Where the desk lists only those (desk.css: the same width). */
export const NARROW_DESK = '(max-width: 1199px)';

/**
 * The alarms a narrow screen keeps listed: the queue's first `max`. The queue
 * puts the unacknowledged of the highest priority first, newest first
 * (queueOrder), so a fresh critical alarm is always among them.
 */
export const pinnedAlarms = (alarms: readonly AlarmView[], max = NARROW_ALARMS): Set<string> =>
  new Set(alarms.slice(0, Math.max(0, max)).map((a) => a.id));

/**
 * The alarms the guard can see in the queue: every one on a wide screen or
 * once "All N alarms" is open; on a narrow one capped, the pinned ones and the
 * row the keys act on (desk.css shows that one too). What acts on "every"
 * alarm acts on these: a guard acknowledges what they have looked at.
 */
export const visibleAlarms = (
  alarms: readonly AlarmView[],
  view: { narrow: boolean; all: boolean; selectedId: string | null },
): AlarmView[] => {
  if (!view.narrow || view.all || alarms.length <= NARROW_ALARMS) return [...alarms];
  const pinned = pinnedAlarms(alarms);
  return alarms.filter((a) => pinned.has(a.id) || a.id === view.selectedId);
};
