import { useCallback, useEffect, useRef, useState } from 'react';
import type { Alarm, AlarmQueue as Queue, BoardDoor, DoorStates, Items } from '@gatehouse/api';
import { api } from '../api';
import { useActionDialog } from '../components/useActionDialog';
import { useLive } from '../shell/live';
import { useCan } from '../shell/permissions';
import { AlarmQueue } from './AlarmQueue';
import { chime, PHASE_LABEL } from './labels';
import { siteOverride } from './lockdown';
import { LockdownBanner } from './LockdownBanner';

const LIVE_TYPES = /^(door|alarm|access)\./;

/** The guard's desk: every door live, the alarm queue, and the actions the operator's role allows on both. */
export const GuardDesk = ({ me }: { me: string }) => {
  const can = useCan();
  const live = useLive();
  const controlsDoors = can('doors.control');
  const [doors, setDoors] = useState<BoardDoor[]>([]);
  const [states, setStates] = useState<DoorStates['items']>([]);
  const [alarms, setAlarms] = useState<Alarm[]>([]);
  const [sound, setSound] = useState(true);
  const seen = useRef<Set<string> | null>(null);
  const soundRef = useRef(sound);
  soundRef.current = sound;
  const { ask, view } = useActionDialog();

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
    const ids = new Set(a.items.map((x) => x.id));
    if (seen.current) {
      const fresh = a.items.filter(
        (x) =>
          !seen.current!.has(x.id) && (x.priority === 'critical' || x.priority === 'high') && !x.escalations,
      );
      if (fresh.length > 0 && soundRef.current) chime();
    }
    seen.current = ids;
  }, []);

  // Read on opening and again after each reconnection (what happened in the gap is not on the stream).
  useEffect(() => void load().catch(() => undefined), [load, live.generation]);
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | null = null;
    const off = live.subscribe((e) => {
      if (!LIVE_TYPES.test(e.type) || pending) return;
      pending = setTimeout(() => {
        pending = null;
        void load().catch(() => undefined);
      }, 100);
    });
    return () => {
      off();
      if (pending) clearTimeout(pending);
    };
  }, [live, load]);

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
                done: 'Lockdown released.',
                run: post('/api/v1/access/lockdown/release'),
              })
            }
          >
            Release lockdown
          </button>
        )}
        <label className="check">
          <input type="checkbox" checked={sound} onChange={(e) => setSound(e.target.checked)} />
          Sound
        </label>
      </header>
      {view}
      {override && <LockdownBanner override={override} doorCount={doors.length} />}
      <div className="board" data-testid="door-board">
        {doors.map((d) => (
          <div
            key={d.doorId}
            className={`door-tile phase-${d.phase}${d.sensors.some((s) => s.neverHeard) ? ' sensor-silent' : ''}${override?.doorIds.has(d.doorId) ? ` ${override.kind}` : ''}`}
            data-door={d.doorId}
            data-testid={`door-${d.doorId}`}
          >
            <strong>{d.name}</strong>
            <span className="phase" data-testid={`phase-${d.doorId}`}>
              {PHASE_LABEL[d.phase] ?? d.phase}
            </span>
            {override?.doorIds.has(d.doorId) && (
              <span className="override-badge" data-testid={`override-${d.doorId}`}>
                {override.kind === 'lockdown' ? 'LOCKDOWN' : 'EMERGENCY OPEN'}
              </span>
            )}
            <span className="hint">
              {d.sensors
                .map(
                  (s) =>
                    `${s.sensorId}${s.neverHeard ? ' NEVER HEARD' : ''}${s.online === false ? ' OFFLINE' : ''}${s.tamper ? ' TAMPER' : ''}${s.battery !== null ? ` ${s.battery}%` : ''}`,
                )
                .join(' · ') || 'no sensor'}
            </span>
            {controlsDoors && (
              <button
                className="link"
                onClick={() =>
                  ask({
                    title: `Unlock ${d.name} once?`,
                    consequence: 'The door unlocks for its unlock time, then locks again.',
                    confirm: 'Unlock once',
                    reason: 'required',
                    done: `${d.name} unlocked.`,
                    run: post(`/api/v1/access/doors/${d.doorId}/unlock`),
                  })
                }
              >
                Unlock once
              </button>
            )}
          </div>
        ))}
      </div>
      <h3>Alarms ({alarms.length})</h3>
      <AlarmQueue alarms={alarms} canAct={can('alarms.act')} me={me} ask={ask} reload={load} />
    </section>
  );
};
