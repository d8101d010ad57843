import { useCallback, useEffect, useRef, useState } from 'react';
import type { AlarmView, AlarmQueue as Queue, BoardDoor, DoorStates, Items } from '@gatehouse/api';
import { api } from '../api';
import { useLatestRead } from '../latest-read';
import { ThemeToggle } from '../components/ThemeToggle';
import { useActionDialog } from '../components/useActionDialog';
import { useLive } from '../shell/live';
import { MODE_TYPES } from '../shell/site-override';
import { useCan } from '../shell/permissions';
import { sounding, useAlarmSound } from './alarm-sound';
import { AlarmQueue } from './AlarmQueue';
import { DOOR_FILTER_ID, DoorBoard } from './DoorBoard';
import { siteOverride } from './lockdown';
import { applyDoorEntry, isPhaseEntry } from './door-delta';
import { DESK_SHORTCUTS, useShortcuts } from './shortcuts';
import { useSiteNames } from './site-names';
import { useStored } from './useStored';
import './desk.css';
import { SITE_TEXT_HINT } from '../components/privacy-hints';

/**
 * What a pushed entry makes the desk re-read, and only that: an alarm's change
 * the queue, a door's mode or a lockdown the door modes. Door phases, since
 * when and who went through come as deltas (door-delta.ts); a card decision
 * changes nothing the desk shows by itself (its door's phase entry follows).
 */
const ALARM_TYPES = /^alarm\./;

/** The guard's desk: every door live, the alarm queue, and the actions the operator's role allows on both. */
export const GuardDesk = ({ me }: { me: string }) => {
  const can = useCan();
  const live = useLive();
  const { subscribe } = live;
  const controlsDoors = can('doors.control');
  const [doors, setDoors] = useState<BoardDoor[]>([]);
  /** Whether the board answered once: before, the board says "Loading…", not that no door matches. */
  const [boardRead, setBoardRead] = useState(false);
  const [states, setStates] = useState<DoorStates['items']>([]);
  const [alarms, setAlarms] = useState<AlarmView[]>([]);
  const [sound, setSound] = useStored('gatehouse.desk.sound', 'on', ['on', 'muted']);
  const { ask, view } = useActionDialog();
  const shortcutList = useRef<HTMLDetailsElement>(null);
  useShortcuts({
    '/': () => document.getElementById(DOOR_FILTER_ID)?.focus(),
    '?': () => {
      const list = shortcutList.current;
      if (!list) return;
      list.open = !list.open;
      if (list.open) list.querySelector('summary')?.focus();
    },
  });
  const names = useSiteNames(
    live.generation,
    [
      ...alarms.flatMap((a) => (a.cardholderId ? [a.cardholderId] : [])),
      // People a pushed delta put on a tile: named here, one read each, not by the board's re-read.
      ...(can('cardholders.read')
        ? doors.flatMap((d) => (d.lastThrough?.name === null ? [d.lastThrough.cardholderId] : []))
        : []),
    ],
    can('cardholders.photo'),
  );
  useAlarmSound(alarms, sound === 'muted');

  // Re-reads the console makes by itself: they keep no session alive (api.background).
  const loadStates = useLatestRead(
    () => api.background<DoorStates>('/api/v1/access/door-states'),
    (r) => setStates(r.items),
  );
  const loadAlarms = useLatestRead(
    () => api.background<Queue>('/api/v1/alarms'),
    (r) => setAlarms(r.items),
  );
  const load = useCallback(async () => {
    const [b] = await Promise.all([
      api.background<Items<BoardDoor>>('/api/v1/doors/board'),
      loadStates(),
      loadAlarms(),
    ]);
    setDoors(b.items);
    setBoardRead(true);
  }, [loadStates, loadAlarms]);

  // Read on opening and again after each reconnection (what happened in the gap is not on the stream).
  useEffect(() => void load().catch(() => undefined), [load, live.generation]);
  useEffect(() => {
    // One re-read of each kind per burst of entries (a lockdown journals one entry per door).
    const pending = new Map<() => Promise<void>, ReturnType<typeof setTimeout>>();
    const soon = (read: () => Promise<void>) => {
      if (pending.has(read)) return;
      pending.set(
        read,
        setTimeout(() => {
          pending.delete(read);
          void read().catch(() => undefined);
        }, 100),
      );
    };
    const off = subscribe((e) => {
      // A door's phase, since when and who went through come on its entry: applied as they are.
      if (isPhaseEntry(e)) setDoors((all) => all.map((d) => applyDoorEntry(d, e)));
      else if (ALARM_TYPES.test(e.type)) soon(loadAlarms);
      else if (MODE_TYPES.test(e.type)) soon(loadStates);
    });
    return () => {
      off();
      for (const t of pending.values()) clearTimeout(t);
    };
    // On `subscribe` (stable), not on `live`: the shell re-renders for its own reasons (the alarm
    // count in the title), and re-running this would cancel a re-read that is pending.
  }, [subscribe, loadAlarms, loadStates]);

  const override = siteOverride(states);
  const post =
    (path: string, body: object = {}) =>
    async (reason: string) => {
      await api.post(path, { ...body, reason });
      await load();
    };

  return (
    <section className={override ? `desk in-${override.kind}` : 'desk'}>
      <header className="page-header">
        <h2>Guard desk</h2>
        {/*
         * Fifty tiles come before the alarms in the tab order: the first key a keyboard user
         * reaches on the desk takes them to the alarms (audit 2: 114 presses to an Acknowledge).
         */}
        <a
          className="skip-link"
          href="#alarms-to-handle"
          onClick={(e) => {
            e.preventDefault();
            document.getElementById('alarms-to-handle')?.focus();
          }}
        >
          Skip to the alarms
        </a>
        {controlsDoors && !override && (
          <button
            className="danger"
            onClick={() =>
              ask({
                title: `Lock down all ${doors.length} doors of the site?`,
                consequence: 'Only privileged credentials will open them until the lockdown is released.',
                confirm: 'Lock down',
                reason: 'required',
                reasonHint: SITE_TEXT_HINT,
                risky: true,
                done: 'Lockdown started.',
                run: post('/api/v1/access/lockdown', { kind: 'lockdown', doors: 'all' }),
              })
            }
          >
            Lockdown
          </button>
        )}
        {controlsDoors && override && (
          <button
            onClick={() =>
              ask({
                title: `Release the ${override.kind === 'lockdown' ? 'lockdown' : 'emergency release'}?`,
                consequence: `The ${override.doorIds.size} doors return to their normal mode; none unlocks by itself.`,
                confirm: 'Release lockdown',
                reason: 'required',
                reasonHint: SITE_TEXT_HINT,
                done: 'Lockdown released.',
                run: post('/api/v1/access/lockdown/release'),
              })
            }
          >
            Release lockdown
          </button>
        )}
        <label className="check">
          <input
            type="checkbox"
            checked={sound === 'muted'}
            onChange={(e) => setSound(e.target.checked ? 'muted' : 'on')}
          />
          Mute alarm sound
        </label>
        {sound === 'on' && sounding(alarms).length > 0 && (
          <span className="sounding" role="status">
            Sounding until acknowledged
          </span>
        )}
        <ThemeToggle />
      </header>
      {view}
      <details className="shortcuts" ref={shortcutList} data-testid="shortcut-list">
        <summary>Keyboard shortcuts (?)</summary>
        <dl>
          {DESK_SHORTCUTS.map(([keys, what]) => (
            <div key={keys}>
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <p className="hint">Keys do nothing while you type in a field or a dialog is open.</p>
      </details>
      {/* The lockdown banner itself is the shell's: above every page, this one included. */}
      <div className="desk-columns">
        <section aria-labelledby="doors-now">
          <h3 id="doors-now">Doors now</h3>
          <DoorBoard
            doors={doors}
            read={boardRead}
            names={names}
            override={override}
            unlock={
              controlsDoors
                ? (d) =>
                    ask({
                      title: `Unlock ${d.name} once?`,
                      consequence: 'The door unlocks for its unlock time, then locks again.',
                      confirm: 'Unlock once',
                      reason: 'required',
                      reasonHint: SITE_TEXT_HINT,
                      done: `${d.name} unlocked.`,
                      run: post(`/api/v1/access/doors/${d.doorId}/unlock`),
                    })
                : null
            }
          />
        </section>
        <section aria-labelledby="alarms-to-handle" className="alarm-column">
          <h3 id="alarms-to-handle" tabIndex={-1}>
            Alarms ({alarms.length})
          </h3>
          <AlarmQueue
            alarms={alarms}
            canAct={can('alarms.act')}
            me={me}
            ask={ask}
            reload={load}
            names={names}
          />
        </section>
      </div>
    </section>
  );
};
