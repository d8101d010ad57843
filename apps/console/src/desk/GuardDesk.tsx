import { useCallback, useEffect, useRef, useState } from 'react';
import type { AlarmView, AlarmQueue as Queue, BoardDoor, DoorStates, Items } from '@gatehouse/api';
import { api } from '../api';
import { ThemeToggle } from '../components/ThemeToggle';
import { useActionDialog } from '../components/useActionDialog';
import { useLive } from '../shell/live';
import { useCan } from '../shell/permissions';
import { sounding, useAlarmSound } from './alarm-sound';
import { AlarmQueue } from './AlarmQueue';
import { DOOR_FILTER_ID, DoorBoard } from './DoorBoard';
import { siteOverride } from './lockdown';
import { LockdownBanner } from './LockdownBanner';
import { applyDoorEntry, isPhaseEntry, throughOf } from './door-delta';
import { DESK_SHORTCUTS, useShortcuts } from './shortcuts';
import { useSiteNames } from './site-names';
import { useStored } from './useStored';
import './desk.css';
import { SITE_TEXT_HINT } from '../components/privacy-hints';

/** Entries that change the alarm queue, door modes or lockdown: re-read (door phases come as deltas, below). */
const RELOAD_TYPES = /^(alarm|access|door)\./;

/** The guard's desk: every door live, the alarm queue, and the actions the operator's role allows on both. */
export const GuardDesk = ({ me }: { me: string }) => {
  const can = useCan();
  const live = useLive();
  const { subscribe } = live;
  const controlsDoors = can('doors.control');
  const [doors, setDoors] = useState<BoardDoor[]>([]);
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
    alarms.flatMap((a) => (a.cardholderId ? [a.cardholderId] : [])),
  );
  useAlarmSound(alarms, sound === 'muted');

  const load = useCallback(async () => {
    // Re-reads the console makes by itself: they keep no session alive (api.background).
    const [b, s, a] = await Promise.all([
      api.background<Items<BoardDoor>>('/api/v1/doors/board'),
      api.background<DoorStates>('/api/v1/access/door-states'),
      api.background<Queue>('/api/v1/alarms'),
    ]);
    setDoors(b.items);
    setStates(s.items);
    setAlarms(a.items);
  }, []);

  // Read on opening and again after each reconnection (what happened in the gap is not on the stream).
  useEffect(() => void load().catch(() => undefined), [load, live.generation]);
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | null = null;
    const off = subscribe((e) => {
      // A door's phase, since when and who went through come on its entry: applied as they are.
      // A new person's name (and whether the role sees a photo) is the board's to say: re-read.
      // A door's mode or a lockdown (door.lockdown-started…) changes what the board reads: re-read.
      if (isPhaseEntry(e)) {
        setDoors((all) => all.map((d) => applyDoorEntry(d, e)));
        if (!throughOf(e)) return;
      } else if (!RELOAD_TYPES.test(e.type)) return;
      if (pending) return;
      pending = setTimeout(() => {
        pending = null;
        void load().catch(() => undefined);
      }, 100);
    });
    return () => {
      off();
      if (pending) clearTimeout(pending);
    };
    // On `subscribe` (stable), not on `live`: the shell re-renders for its own reasons (the alarm
    // count in the title), and re-running this would cancel a re-read that is pending.
  }, [subscribe, load]);

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
      {override && <LockdownBanner override={override} doorCount={doors.length} />}
      <div className="desk-columns">
        <section aria-labelledby="doors-now">
          <h3 id="doors-now">Doors now</h3>
          <DoorBoard
            doors={doors}
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
          <h3 id="alarms-to-handle">Alarms ({alarms.length})</h3>
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
