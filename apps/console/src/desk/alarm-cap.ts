import type { AlarmView } from '@gatehouse/api';

/** How many alarms a tablet or phone lists before "All N alarms": the board must stay in view. */
export const NARROW_ALARMS = 3;
/** Where the desk lists only those (desk.css: the same width). */
export const NARROW_DESK = '(max-width: 1199px)';

const RANK = ['critical', 'high', 'medium', 'low'];
const rank = (p: string) => {
  const i = RANK.indexOf(p);
  return i < 0 ? RANK.length : i;
};

/**
 * The alarms a narrow screen keeps listed: the newest of the highest priority
 * open (the queue lists the oldest first within a priority, so a fresh
 * critical alarm could sit below the cut), then the queue's first ones, up to
 * `max`. The queue's order is kept; the others are one tap away.
 */
export const pinnedAlarms = (alarms: readonly AlarmView[], max = NARROW_ALARMS): Set<string> => {
  const pinned = new Set<string>();
  let newest: AlarmView | undefined;
  for (const a of alarms) {
    if (
      !newest ||
      rank(a.priority) < rank(newest.priority) ||
      (rank(a.priority) === rank(newest.priority) && a.raisedAt > newest.raisedAt)
    )
      newest = a;
  }
  if (newest && max > 0) pinned.add(newest.id);
  for (const a of alarms) {
    if (pinned.size >= max) break;
    pinned.add(a.id);
  }
  return pinned;
};

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
