import { useCallback, useEffect, useState } from 'react';
import { formatTime, formatTimeOfDay } from '../format';
import type { SystemComponentView, SystemStatusView } from '@gatehouse/api';
import { api, describeError } from '../api';
import { ErrorAlert } from '../Feedback';
import { useLive } from '../shell/live';
import './System.css';

/** Re-read this often: health changes without a journal entry (a disk filling, a probe going down). */
const REFRESH_MS = 10_000;

const STATE_WORDS: Record<SystemComponentView['status'], string> = {
  up: 'Working',
  degraded: 'Working with problems',
  down: 'Not working',
};

/** "3.2 GB": sizes in words a person reads at a glance. */
export const formatBytes = (bytes: number): string => {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
};

/** "2 days 3 hours": an uptime in words. */
export const formatDuration = (seconds: number): string => {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (days > 0) return `${plural(days, 'day')} ${plural(hours, 'hour')}`;
  if (hours > 0) return `${plural(hours, 'hour')} ${plural(minutes, 'minute')}`;
  return plural(minutes, 'minute');
};

/** The admin's system page: every component's health in words and since when, journal, storage, version. */
export const System = () => {
  const live = useLive();
  const [status, setStatus] = useState<SystemStatusView | null>(null);
  const [readAt, setReadAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setStatus(await api.background<SystemStatusView>('/api/v1/system'));
      setReadAt(Date.now());
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
    // A reconnection (generation) re-reads at once: the page missed the gap.
  }, [load, live.generation]);

  const stale = live.status !== 'live' || error !== null;
  const zone = status?.site.timeZone ?? 'UTC';
  const components = Object.entries(status?.components ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const freeShare = status ? status.storage.freeBytes / Math.max(status.storage.totalBytes, 1) : 1;
  return (
    <section className="system-page">
      <header className="page-header">
        <h2>System</h2>
      </header>
      <ErrorAlert error={error} />
      {stale && readAt !== null && (
        <p className="system-stale" role="status" data-testid="system-stale">
          Not current: this is what the gateway said at {formatTimeOfDay(readAt)}.
        </p>
      )}
      {status && (
        <>
          <p className={`system-overall ${status.status}`} data-testid="system-overall">
            {status.status === 'ready'
              ? `${status.site.name} is running normally.`
              : `${status.site.name} is not ready: a component below is not working.`}
          </p>
          <h3>Components</h3>
          <table className="entries" data-testid="system-components">
            <thead>
              <tr>
                <th scope="col">Component</th>
                <th scope="col">State</th>
                <th scope="col">Since</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {components.map(([name, c]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td>
                    <span className={`system-state ${c.status}`}>{STATE_WORDS[c.status]}</span>
                  </td>
                  <td>{c.since ? formatTime(c.since) : '—'}</td>
                  <td>{c.detail ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Journal and storage</h3>
          <dl className="system-facts" data-testid="system-facts">
            <dt>Journal</dt>
            <dd>
              {status.journal.open ? 'Open' : 'Closed'}, {status.journal.entries.toLocaleString()} entries
            </dd>
            <dt>Last checkpoint</dt>
            <dd>
              {status.journal.lastCheckpoint
                ? `${formatTime(status.journal.lastCheckpoint.time)}, signing the first ${status.journal.lastCheckpoint.treeSize.toLocaleString()} entries; ${status.journal.uncheckpointedEntries.toLocaleString()} written since, to be signed in the next checkpoint`
                : 'None yet'}
            </dd>
            <dt>Database</dt>
            <dd>
              {formatBytes(status.storage.databaseBytes)} (write-ahead log{' '}
              {formatBytes(status.storage.walBytes)})
            </dd>
            <dt>Disk free</dt>
            <dd className={freeShare < 0.1 ? 'system-low' : undefined}>
              {formatBytes(status.storage.freeBytes)} of {formatBytes(status.storage.totalBytes)} (
              {Math.round(freeShare * 100)}%)
            </dd>
            <dt>Version</dt>
            <dd>{status.version}</dd>
            <dt>Running for</dt>
            <dd>
              {formatDuration(status.uptimeSeconds)}, since {formatTime(status.startedAt)}
            </dd>
            <dt>Site time zone</dt>
            <dd>{zone}</dd>
          </dl>
        </>
      )}
    </section>
  );
};
