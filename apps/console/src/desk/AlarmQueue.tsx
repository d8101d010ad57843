import { useEffect, useState } from 'react';
import type { AlarmView as Alarm, BulkAcknowledged } from '@gatehouse/api';
import { api } from '../api';
import type { ActionRequest } from '../components/ActionDialog';
import { formatTime } from '../format';
import { AlarmDetail } from './AlarmDetail';
import { NARROW_ALARMS, NARROW_DESK, pinnedAlarms, visibleAlarms } from './alarm-cap';
import { age } from './labels';
import { useShortcuts } from './shortcuts';
import type { SiteNames } from './site-names';
import { useMedia, useNow } from './useStored';
import { PERSON_TEXT_HINT, SITE_TEXT_HINT } from '../components/privacy-hints';
import { alarmTypeWords as typeWords } from '../words';
import { alarmPriority, alarmState, alarmTitle, alarmWhere, alarmWho } from './alarm-words';

/** The alarm queue with the actions a role allowed `alarms.act` takes on each row, each through a dialog. */
export const AlarmQueue = ({
  alarms,
  canAct,
  me,
  ask,
  reload,
  names,
}: {
  alarms: Alarm[];
  canAct: boolean;
  me: string;
  ask: (r: ActionRequest) => void;
  reload: () => Promise<void>;
  names: SiteNames;
}) => {
  const now = useNow();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<string | null>(null);
  /** Alarms the guard opened besides the selected one (Details). */
  const [opened, setOpened] = useState<Set<string>>(new Set());
  const flip = (id: string) =>
    setOpened((o) => {
      const next = new Set(o);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const toggle = (id: string, on: boolean) =>
    setPicked((p) => {
      const next = new Set(p);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const bulk = () =>
    ask({
      title: `Acknowledge ${chosen.length} alarm${chosen.length === 1 ? '' : 's'}?`,
      consequence: 'Each is acknowledged and journaled with the same reason; the sound stops for them.',
      confirm: 'Acknowledge all',
      // As for one alarm: a comment if the guard has one to write, not a reason asked for.
      reason: 'optional',
      reasonLabel: 'Comment',
      reasonHint: chosen.every((a) => a.cardholderId) ? PERSON_TEXT_HINT : SITE_TEXT_HINT,
      done: `${chosen.length} acknowledged.`,
      run: async (reason) => {
        await api.post<BulkAcknowledged>('/api/v1/alarms/acknowledge', {
          ids: chosen.map((a) => a.id),
          ...(reason ? { reason } : {}),
        });
        setPicked(new Set());
        await reload();
      },
    });
  const post = (path: string, body: Record<string, unknown>) => async () => {
    await api.post(path, body);
    await reload();
  };
  const act = (a: Alarm, r: Omit<ActionRequest, 'run'> & { path: string; body: (t: string) => object }) =>
    ask({
      // What is written on an alarm about a person is sealed under their key; on any other, kept in clear.
      reasonHint: a.cardholderId ? PERSON_TEXT_HINT : SITE_TEXT_HINT,
      ...r,
      run: (t) => post(`/api/v1/alarms/${a.id}/${r.path}`, { ...r.body(t) })(),
    });
  const what = (a: Alarm) => alarmTitle(a, names);
  const detail = alarms.find((a) => a.id === open);
  // Tablet and phone list a few alarms so the board stays in view (desk.css hides the rest there).
  const [all, setAll] = useState(false);
  const pinned = pinnedAlarms(alarms);
  const capped = !all && alarms.length > NARROW_ALARMS;
  // The row the keys act on (A, Enter); the first unacknowledged alarm until the guard moves (not an
  // acknowledged one the queue puts above it, which a tablet would then list beside the pinned ones).
  const [selected, setSelected] = useState<string | null>(null);
  const current = alarms.find((a) => a.id === selected) ?? alarms.find((a) => a.state === 'new') ?? alarms[0];
  // Bulk acknowledgement takes only the alarms the guard can see, as Genetec Security Desk acts on
  // the rows selected in its alarm list: an acknowledgement says "I have looked at this", and on a
  // phone showing three alarms, ticking "every" one must not acknowledge nine nobody has read (and
  // silence their sound). The box says how many more are not shown; "All N alarms" lists them.
  const narrow = useMedia(NARROW_DESK);
  const unacknowledged = alarms.filter((a) => a.state === 'new');
  const shownUnacknowledged = visibleAlarms(alarms, {
    narrow,
    all,
    selectedId: current?.id ?? null,
  }).filter((a) => a.state === 'new');
  const notShown = unacknowledged.length - shownUnacknowledged.length;
  // A tick on an alarm since hidden (the list folded, a newer alarm took its place) does not count.
  const chosen = shownUnacknowledged.filter((a) => picked.has(a.id));
  const plural = (n: number) => `${n} unacknowledged alarm${n === 1 ? '' : 's'}`;
  const move = (by: number) => {
    if (alarms.length === 0) return;
    const i = current ? alarms.indexOf(current) : -1;
    setSelected(alarms[Math.min(alarms.length - 1, Math.max(0, i + by))]!.id);
  };
  useEffect(() => {
    if (current)
      document.querySelector(`[data-testid="alarm-${current.id}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [current]);
  const acknowledge = (a: Alarm) =>
    act(a, {
      title: `Acknowledge ${what(a)}?`,
      confirm: 'Acknowledge',
      reason: 'optional',
      reasonLabel: 'Comment',
      done: 'Acknowledged.',
      path: 'acknowledge',
      body: (t) => (t ? { comment: t } : {}),
    });
  useShortcuts({
    ArrowDown: () => move(1),
    j: () => move(1),
    ArrowUp: () => move(-1),
    k: () => move(-1),
    Enter: () => current && setOpen(current.id),
    a: () => canAct && current?.state === 'new' && acknowledge(current),
    A: () => canAct && current?.state === 'new' && acknowledge(current),
  });
  return (
    <>
      {canAct && unacknowledged.length > 0 && (
        <div className="bulk-bar">
          {shownUnacknowledged.length > 0 ? (
            <label className="check">
              <input
                type="checkbox"
                checked={chosen.length === shownUnacknowledged.length}
                onChange={(e) =>
                  setPicked(new Set(e.target.checked ? shownUnacknowledged.map((a) => a.id) : []))
                }
                data-testid="select-shown"
              />
              {notShown === 0
                ? 'Select every unacknowledged alarm'
                : `Select the ${plural(shownUnacknowledged.length)} shown (${notShown} more not shown)`}
            </label>
          ) : (
            <span data-testid="none-shown">
              {plural(notShown)} not shown: “All {alarms.length} alarms” lists them
            </span>
          )}
          <button
            disabled={chosen.length === 0}
            onClick={bulk}
            title="Acknowledge every ticked alarm with one reason"
          >
            Acknowledge selected ({chosen.length})
          </button>
        </div>
      )}
      <table className={`entries alarm-table${capped ? ' capped' : ''}`} data-testid="alarm-queue">
        <thead>
          <tr>
            {canAct && (
              <th>
                <span className="sr-only">Select</span>
              </th>
            )}
            <th>Priority</th>
            <th>Alarm</th>
            <th>Where</th>
            <th>Who</th>
            <th>Age</th>
            <th>State</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {alarms.map((a) => {
            // One line per alarm; the selected one (and any the guard opens) shows its instructions,
            // detail, owner and every action: ten alarms fit the column on a 1080p screen.
            const expanded = a === current || opened.has(a.id);
            return (
              <tr
                key={a.id}
                className={`priority-${a.priority}${a === current ? ' selected' : ''}${expanded ? ' expanded' : ''}${pinned.has(a.id) ? ' pinned' : ''}`}
                data-testid={`alarm-${a.id}`}
                data-selected={a === current ? 'true' : undefined}
              >
                {canAct && (
                  <td className="pick">
                    {a.state === 'new' && (
                      <input
                        type="checkbox"
                        aria-label={`Select ${what(a)}`}
                        checked={picked.has(a.id)}
                        onChange={(e) => toggle(a.id, e.target.checked)}
                      />
                    )}
                  </td>
                )}
                <td className="prio" data-label="Priority">
                  {alarmPriority(a)}
                </td>
                <td className="what" data-label="Alarm">
                  <button
                    className="link alarm-open"
                    onClick={() => {
                      setSelected(a.id);
                      setOpen(a.id);
                    }}
                    title="Show its history (Enter on the selected alarm)"
                  >
                    {typeWords(a.type)}
                  </button>
                  {a === current && <span className="sr-only"> (selected)</span>}
                  {a.count > 1 ? ` ×${a.count}` : ''}
                  {expanded && (
                    <div className="alarm-more" data-testid="alarm-more">
                      {a.detail && <div className="alarm-detail-text">{a.detail}</div>}
                      <div className="instructions">{a.instructions}</div>
                      {a.ownerName && <div className="owner">Owner: {a.ownerName}</div>}
                    </div>
                  )}
                </td>
                <td className="where" data-label="Where">
                  {alarmWhere(a, names)}
                </td>
                <td className="who" data-label="Who">
                  {alarmWho(a, names)}
                </td>
                <td
                  className="age"
                  data-label="Age"
                  title={formatTime(new Date(a.raisedAt).toISOString())}
                  data-testid="alarm-age"
                >
                  {age(a.lastAt, now)}
                  {a.count > 1 ? ` (first ${age(a.raisedAt, now)} ago)` : ''}
                </td>
                <td className="state" data-label="State">
                  {alarmState(a)}
                </td>
                <td className="row-actions">
                  {canAct && a.state === 'new' && (
                    <button
                      className="link"
                      onClick={() => acknowledge(a)}
                      title="Acknowledge (A on the selected alarm)"
                    >
                      Acknowledge
                    </button>
                  )}
                  {canAct && expanded && (
                    <>
                      {a.owner !== me && (
                        <button
                          className="link"
                          onClick={() =>
                            act(a, {
                              title: `Take ${what(a)}?`,
                              consequence: 'You become its owner.',
                              confirm: 'Assign to me',
                              reason: 'none',
                              done: 'Assigned to you.',
                              path: 'assign',
                              body: () => ({ owner: me }),
                            })
                          }
                        >
                          Assign to me
                        </button>
                      )}
                      <button
                        className="link"
                        onClick={() =>
                          act(a, {
                            title: `Resolve ${what(a)}?`,
                            confirm: 'Resolve',
                            reason: 'required',
                            reasonLabel: 'What was found',
                            done: 'Resolved.',
                            path: 'resolve',
                            body: (t) => ({ comment: t }),
                          })
                        }
                      >
                        Resolve
                      </button>
                      <button
                        className="link"
                        onClick={() =>
                          act(a, {
                            title: `Mark ${what(a)} as a false alarm?`,
                            confirm: 'False alarm',
                            reason: 'required',
                            reasonLabel: 'Why it is a false alarm',
                            done: 'Marked as a false alarm.',
                            path: 'resolve',
                            body: (t) => ({ comment: t, falseAlarm: true }),
                          })
                        }
                      >
                        False alarm
                      </button>
                      {/* Critical is the top: the gateway refuses to escalate it further. */}
                      {a.priority !== 'critical' && (
                        <button
                          className="link"
                          onClick={() =>
                            act(a, {
                              title: `Escalate ${what(a)}?`,
                              consequence: 'Its priority rises one step.',
                              confirm: 'Escalate',
                              reason: 'required',
                              done: 'Escalated.',
                              path: 'escalate',
                              // The priority seen: sent twice, the request escalates once.
                              body: (t) => ({ reason: t, from: a.priority }),
                            })
                          }
                        >
                          Escalate
                        </button>
                      )}
                    </>
                  )}
                  {a !== current && (
                    <button
                      className="link more-toggle"
                      aria-expanded={expanded}
                      onClick={() => flip(a.id)}
                      title="Instructions, detail and every action"
                    >
                      {expanded ? 'Less' : 'Details'}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
          {alarms.length === 0 && (
            <tr>
              <td colSpan={canAct ? 8 : 7} className="empty">
                No open alarms.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {alarms.length > NARROW_ALARMS && (
        <button
          className="link alarm-all"
          aria-expanded={all}
          onClick={() => setAll((v) => !v)}
          data-testid="alarm-all"
        >
          {all ? `Only the ${NARROW_ALARMS} first alarms` : `All ${alarms.length} alarms`}
        </button>
      )}
      {detail && (
        <AlarmDetail
          alarmId={detail.id}
          version={`${detail.state}|${detail.count}|${detail.escalations}|${detail.owner}|${detail.comments.length}`}
          title={what(detail)}
          priority={{ level: detail.priority, words: alarmPriority(detail) }}
          onClose={() => setOpen(null)}
        />
      )}
    </>
  );
};
