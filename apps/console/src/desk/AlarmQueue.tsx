import type { Alarm } from '@gatehouse/api';
import { api } from '../api';
import type { ActionRequest } from '../components/ActionDialog';
import { age } from './labels';

/** The alarm queue with the actions a role allowed `alarms.act` takes on each row, each through a dialog. */
export const AlarmQueue = ({
  alarms,
  canAct,
  me,
  ask,
  reload,
}: {
  alarms: Alarm[];
  canAct: boolean;
  me: string;
  ask: (r: ActionRequest) => void;
  reload: () => Promise<void>;
}) => {
  const post = (path: string, body: Record<string, unknown>) => async () => {
    await api.post(path, body);
    await reload();
  };
  const act = (a: Alarm, r: Omit<ActionRequest, 'run'> & { path: string; body: (t: string) => object }) =>
    ask({ ...r, run: (t) => post(`/api/v1/alarms/${a.id}/${r.path}`, { ...r.body(t) })() });
  const what = (a: Alarm) => `${a.type}${a.doorId ? ` at ${a.doorId}` : ''}`;
  return (
    <table className="entries" data-testid="alarm-queue">
      <thead>
        <tr>
          <th>Priority</th>
          <th>Alarm</th>
          <th>Where</th>
          <th>Age</th>
          <th>State</th>
          <th>Owner</th>
          {canAct && <th>Actions</th>}
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
                    onClick={() =>
                      act(a, {
                        title: `Acknowledge ${what(a)}?`,
                        confirm: 'Acknowledge',
                        reason: 'optional',
                        reasonLabel: 'Comment',
                        done: 'Acknowledged.',
                        path: 'acknowledge',
                        body: (t) => (t ? { comment: t } : {}),
                      })
                    }
                  >
                    Acknowledge
                  </button>
                )}
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
                      body: (t) => ({ reason: t }),
                    })
                  }
                >
                  Escalate
                </button>
              </td>
            )}
          </tr>
        ))}
        {alarms.length === 0 && (
          <tr>
            <td colSpan={canAct ? 7 : 6} className="empty">
              No open alarms.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
};
