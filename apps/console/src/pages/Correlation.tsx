import { useEffect, useState } from 'react';
import type { CorrelationAlertsView, CorrelationAlertView } from '@gatehouse/api';
import { api, describeError } from '../api';
import { EvidenceTimeline } from '../correlation/EvidenceTimeline';
import { RULE_NAMES } from '../correlation/rules';
import { ErrorAlert } from '../Feedback';
import { formatTime } from '../format';
import { useLive } from '../shell/live';

/**
 * Correlation alerts of the last day or week for responders and facility
 * managers: each with its state (raised, or withdrawn by a late fact, with
 * the reason), and its evidence as a timeline when chosen.
 */
export const Correlation = () => {
  const [days, setDays] = useState(7);
  const [alerts, setAlerts] = useState<CorrelationAlertsView | null>(null);
  const [chosen, setChosen] = useState<CorrelationAlertView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { subscribe, generation } = useLive();
  const [changes, setChanges] = useState(0);
  useEffect(
    () =>
      subscribe((entry) => {
        if (entry.type.startsWith('correlation.')) setChanges((n) => n + 1);
      }),
    [subscribe],
  );
  useEffect(() => {
    api
      .get<CorrelationAlertsView>(`/api/v1/correlation/alerts?days=${days}`)
      .then((a) => {
        setAlerts(a);
        setError(null);
        // The chosen alert stays chosen, in its newest state (withdrawn since, say).
        setChosen((c) => (c ? (a.items.find((x) => x.seq === c.seq) ?? c) : c));
      })
      .catch((e: unknown) => setError(describeError(e)));
  }, [days, changes, generation]);
  return (
    <section>
      <header className="page-header">
        <h2>Correlation alerts</h2>
        <label>
          Show{' '}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            <option value={1}>the last day</option>
            <option value={7}>the last 7 days</option>
          </select>
        </label>
      </header>
      <ErrorAlert error={error} />
      <p className="hint">
        Badges compared with workstation logins. An alert that waits for a missing event is raised only after
        its grace; one a late event disproves is withdrawn with the reason and stays listed.
      </p>
      <table className="entries" aria-label="Correlation alerts">
        <thead>
          <tr>
            <th>Raised</th>
            <th>Rule</th>
            <th>Person</th>
            <th>State</th>
            <th>Summary</th>
          </tr>
        </thead>
        <tbody>
          {alerts?.items.map((a) => (
            <tr key={a.seq} className={chosen?.seq === a.seq ? 'selected' : undefined}>
              <td>{formatTime(a.raisedAt)}</td>
              <td>
                <button
                  className="link"
                  aria-pressed={chosen?.seq === a.seq}
                  onClick={() => setChosen(a)}
                  title="Show its evidence as a timeline"
                >
                  {RULE_NAMES[a.rule]}
                </button>
              </td>
              <td>{a.person ?? '—'}</td>
              <td>{a.state === 'withdrawn' ? 'Withdrawn' : 'Raised'}</td>
              <td>{a.summary}</td>
            </tr>
          ))}
          {alerts && alerts.items.length === 0 && (
            <tr>
              <td className="empty" colSpan={5}>
                No correlation alert in this period.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {alerts?.more && <p className="hint">Only the newest {alerts.items.length} are listed.</p>}
      {chosen && <EvidenceTimeline alert={chosen} />}
    </section>
  );
};
