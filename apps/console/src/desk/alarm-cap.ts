import type { AlarmView } from '@gatehouse/api';

/** How many alarms a tablet or phone lists before "All N alarms": the board must stay in view. */
export const NARROW_ALARMS = 3;
/** Where the desk lists only those (desk.css: the same width). */
export const NARROW_DESK = '(max-width: 1199px)';

/**
 * The alarms a narrow screen keeps listed: the first `max` unacknowledged in
 * the queue's order (highest priority, newest first: a fresh critical alarm is
 * always among them), then acknowledged ones only if room is left. The queue
 * alone would not do: it puts an acknowledged critical alarm above a new high
 * one, and a tablet listed three alarms someone handles while saying "5
 * unacknowledged alarms not shown".
 */
export const pinnedAlarms = (alarms: readonly AlarmView[], max = NARROW_ALARMS): Set<string> =>
  new Set(
    [...alarms.filter((a) => a.state === 'new'), ...alarms.filter((a) => a.state !== 'new')]
      .slice(0, Math.max(0, max))
      .map((a) => a.id),
  );

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
