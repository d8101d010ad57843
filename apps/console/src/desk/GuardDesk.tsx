import { useCallback, useEffect, useRef, useState } from 'react';
import { api, parseForDisplay, type JournalEntry, type Role } from '../api';
import type { Alarm, AlarmQueue, BoardDoor, Items } from '@gatehouse/api';
import { useAction } from '../Feedback';

const PHASE_LABEL: Record<string, string> = {
  secure: 'Secure',
  unlocked: 'Unlocked (grant)',
  open: 'Open',
  'held-warning': 'Held open: warning',
  held: 'HELD OPEN',
  forced: 'FORCED',
  'closed-unlocked': 'Closed, unlocked',
  unknown: 'No contact data',
};

/** A short two-tone chime from WebAudio: no sound file to serve, works offline. */
const chime = () => {
  try {
    const ctx = new AudioContext();
    [880, 660].forEach((f, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = f;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + i * 0.18);
      osc.stop(ctx.currentTime + i * 0.18 + 0.15);
    });
  } catch {
    /* no audio device */
  }
};

const ask = (what: string) => window.prompt(`${what} (recorded in the journal):`)?.trim();
const age = (ms: number) => {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 3600)} h`;
};

/** The guard's desk: every door live, the alarm queue, and the actions a guard takes on both. */
export const GuardDesk = ({ roles, me }: { roles: Role[]; me: string }) => {
  const canAct = roles.includes('guard') || roles.includes('responder');
  const [doors, setDoors] = useState<BoardDoor[]>([]);
  const [alarms, setAlarms] = useState<Alarm[]>([]);
  const [sound, setSound] = useState(true);
  const seen = useRef<Set<string> | null>(null);
  const soundRef = useRef(sound);
  soundRef.current = sound;
  const { run, view } = useAction();

  const load = useCallback(async () => {
    const [b, a] = await Promise.all([
      api.get<Items<BoardDoor>>('/api/v1/doors/board'),
      api.get<AlarmQueue>('/api/v1/alarms'),
    ]);
    setDoors(b.items);
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

  useEffect(() => {
    void load().catch(() => undefined);
    // Live: any door or alarm entry on the journal stream refreshes the board (coalesced).
    const source = new EventSource('/api/v1/events');
    let pending: ReturnType<typeof setTimeout> | null = null;
    source.addEventListener('entry', (ev) => {
      const e = parseForDisplay<JournalEntry>((ev as MessageEvent<string>).data);
      if (!/^(door|alarm|access)\./.test(e.type) || pending) return;
      pending = setTimeout(() => {
        pending = null;
        void load().catch(() => undefined);
      }, 100);
    });
    return () => {
      source.close();
      if (pending) clearTimeout(pending);
    };
  }, [load]);

  const act = (done: string, path: string, body: Record<string, unknown>) =>
    void run(done, async () => {
      await api.post(path, body);
      await load();
    });
  const withReason = (what: string, path: string, body: Record<string, unknown> = {}) => {
    const reason = ask(what);
    if (reason) act(`${what}: done.`, path, { ...body, reason });
  };

  return (
    <section>
      <header className="page-header">
        <h2>Guard desk</h2>
        {canAct && (
          <>
            <button
              className="danger"
              onClick={() =>
                withReason('Reason for the lockdown', '/api/v1/access/lockdown', {
                  kind: 'lockdown',
                  doors: 'all',
                })
              }
            >
              Lockdown
            </button>
            <button
              onClick={() => withReason('Reason to end the lockdown', '/api/v1/access/lockdown/release')}
            >
              Release
            </button>
          </>
        )}
        <label className="check">
          <input type="checkbox" checked={sound} onChange={(e) => setSound(e.target.checked)} />
          Sound
        </label>
      </header>
      {view}
      <div className="board" data-testid="door-board">
        {doors.map((d) => (
          <div
            key={d.doorId}
            className={`door-tile phase-${d.phase}${d.sensors.some((s) => s.neverHeard) ? ' sensor-silent' : ''}`}
            data-door={d.doorId}
            data-testid={`door-${d.doorId}`}
          >
            <strong>{d.name}</strong>
            <span className="phase" data-testid={`phase-${d.doorId}`}>
              {PHASE_LABEL[d.phase] ?? d.phase}
            </span>
            <span className="hint">
              {d.sensors
                .map(
                  (s) =>
                    `${s.sensorId}${s.neverHeard ? ' NEVER HEARD' : ''}${s.online === false ? ' OFFLINE' : ''}${s.tamper ? ' TAMPER' : ''}${s.battery !== null ? ` ${s.battery}%` : ''}`,
                )
                .join(' · ') || 'no sensor'}
            </span>
            {canAct && (
              <button
                className="link"
                onClick={() =>
                  withReason(`Reason to unlock ${d.name}`, `/api/v1/access/doors/${d.doorId}/unlock`)
                }
              >
                Unlock once
              </button>
            )}
          </div>
        ))}
      </div>
      <h3>Alarms ({alarms.length})</h3>
      <table className="entries" data-testid="alarm-queue">
        <thead>
          <tr>
            <th>Priority</th>
            <th>Alarm</th>
            <th>Where</th>
            <th>Age</th>
            <th>State</th>
            <th>Owner</th>
            {canAct && <th />}
          </tr>
        </thead>
        <tbody>
          {alarms.map((a) => (
            <tr key={a.id} className={`priority-${a.priority}`}>
              <td>
                {a.priority}
                {a.escalations ? ` ↑${a.escalations}` : ''}
              </td>
              <td>
                {a.type}
                {a.count > 1 ? ` ×${a.count}` : ''}
                {a.detail ? ` — ${a.detail}` : ''}
              </td>
              <td>{a.doorId ?? (a.readerId ? `reader ${a.readerId}` : '')}</td>
              <td>{age(a.raisedAt)}</td>
              <td>
                {a.state}
                {a.active ? '' : ' (cause ended)'}
              </td>
              <td>{a.owner ?? ''}</td>
              {canAct && (
                <td className="row-actions">
                  {a.state === 'new' && (
                    <button
                      className="link"
                      onClick={() => {
                        const comment = window.prompt('Comment (optional):');
                        if (comment !== null)
                          act(
                            'Acknowledged.',
                            `/api/v1/alarms/${a.id}/acknowledge`,
                            comment.trim() ? { comment: comment.trim() } : {},
                          );
                      }}
                    >
                      Acknowledge
                    </button>
                  )}
                  {a.owner !== me && (
                    <button
                      className="link"
                      onClick={() => act('Assigned to you.', `/api/v1/alarms/${a.id}/assign`, { owner: me })}
                    >
                      Assign to me
                    </button>
                  )}
                  <button
                    className="link"
                    onClick={() => {
                      const c = ask('What was found');
                      if (c) act('Resolved.', `/api/v1/alarms/${a.id}/resolve`, { comment: c });
                    }}
                  >
                    Resolve
                  </button>
                  <button
                    className="link"
                    onClick={() => {
                      const c = ask('Why it is a false alarm');
                      if (c)
                        act('Marked as a false alarm.', `/api/v1/alarms/${a.id}/resolve`, {
                          comment: c,
                          falseAlarm: true,
                        });
                    }}
                  >
                    False alarm
                  </button>
                  <button
                    className="link"
                    onClick={() => withReason('Reason to escalate', `/api/v1/alarms/${a.id}/escalate`)}
                  >
                    Escalate
                  </button>
                </td>
              )}
            </tr>
          ))}
          {alarms.length === 0 && (
            <tr>
              <td colSpan={7} className="empty">
                No open alarms.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
};
