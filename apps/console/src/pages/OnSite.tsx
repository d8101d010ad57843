import { useCallback, useEffect, useState } from 'react';
import type { Items, PresenceRow } from '@gatehouse/api';
import { api, describeError } from '../api';
import { ErrorAlert } from '../Feedback';
import { formatTime, formatTimeOfDay } from '../format';
import { useLive } from '../shell/live';

/** The access model's zone beyond every door: someone believed there has left the site. */
const OUTSIDE_ZONE = 'outside';
/** Reception may not see the access entries of the live stream: the list is also re-read on this beat. */
const REREAD_MS = 15_000;

/** Who is on site, where and since when: reception's page, re-read when someone passes a door. */
export const OnSite = () => {
  // The stream's subscribe is stable; a new generation (a reconnection) re-reads what was missed.
  const { subscribe, generation } = useLive();
  const [rows, setRows] = useState<PresenceRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [readAt, setReadAt] = useState<Date | null>(null);

  const load = useCallback(async () => {
    try {
      // Whoever last passed a door outwards is not on site: the guard's forgive screen lists them, not this.
      const all = (await api.background<Items<PresenceRow>>('/api/v1/access/presence')).items;
      setRows(all.filter((r) => r.zone !== OUTSIDE_ZONE));
      setReadAt(new Date());
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  }, []);

  useEffect(() => {
    void load();
    const beat = setInterval(() => void load(), REREAD_MS);
    // Presence is learned from grants: a granted access (or a presence change) may move someone.
    const off = subscribe((entry) => {
      if (entry.type.startsWith('access.') || entry.type.startsWith('presence.')) void load();
    });
    return () => {
      clearInterval(beat);
      off();
    };
  }, [load, subscribe, generation]);

  const needle = filter.trim().toLowerCase();
  const shown = (rows ?? [])
    .filter((r) => !needle || `${r.name ?? ''} ${r.zoneName} ${r.doorName}`.toLowerCase().includes(needle))
    .sort((a, b) => (a.name ?? a.cardholderId).localeCompare(b.name ?? b.cardholderId));
  return (
    <section>
      <header className="page-header">
        <h2>Who is on site</h2>
      </header>
      <ErrorAlert error={error} />
      <p data-testid="on-site-count">
        {rows === null
          ? 'Reading…'
          : rows.length === 0
            ? 'Nobody is known to be on site.'
            : `${rows.length} ${rows.length === 1 ? 'person is' : 'people are'} on site.`}
        {readAt && (
          <span className="hint">
            {' '}
            As of {formatTimeOfDay(readAt)}
            {error ? ': the list could not be read again since, so it may be out of date.' : '.'}
          </span>
        )}
      </p>
      <label>
        Find a person or zone{' '}
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      <table className="entries" data-testid="on-site">
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Where</th>
            <th scope="col">Since</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.cardholderId}>
              <th scope="row">{r.name ?? 'Name not shown'}</th>
              <td>
                {r.zoneName} <span className="hint">(by {r.doorName})</span>
              </td>
              <td>{formatTime(r.since)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
};
