import { useCallback, useEffect, useState } from 'react';
import { formatClock, formatTime, formatTimeOfDay } from '../format';
import type { Door, Items, SystemStatusView } from '@gatehouse/api';
import { api, describeError } from '../api';
import { ErrorAlert } from '../Feedback';
import { useLive } from '../shell/live';
import { useCan } from '../shell/permissions';
import { lineName, PORT_STATE_WORDS, PROTOCOL_WORDS, readerName, SECURE_CHANNEL_WORDS } from '../words';
import { componentRows, type ComponentRow } from './system-rows';
import './System.css';

/** Re-read this often: health changes without a journal entry (a disk filling, a probe going down). */
const REFRESH_MS = 10_000;

const STATE_WORDS: Record<ComponentRow['status'], string> = {
  up: 'Working',
  degraded: 'Working with problems',
  down: 'Not working',
  absent: 'Not configured',
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

/**
 * Since when a component is in its state, in words: a time when the change was
 * seen, "since start at 16:20" when it has not changed since the gateway
 * started, and a word (not "—") when the gateway cannot tell.
 */
const sinceWords = (c: ComponentRow, startedAt: string): string => {
  if (c.status === 'absent') return '';
  if (c.sinceStart || !c.since) {
    const start = Date.parse(startedAt);
    // A time of day while it is today's; a gateway up for days says the date too.
    return `since start at ${Date.now() - start < 20 * 3_600_000 ? formatClock(start) : formatTime(start)}`;
  }
  return formatTime(c.since);
};

/** The admin's system page: every component's health in words and since when, journal, storage, version. */
export const System = () => {
  const live = useLive();
  const can = useCan();
  const [status, setStatus] = useState<SystemStatusView | null>(null);
  /** The site's doors: readers and lines are named by the doors they serve. */
  const [doors, setDoors] = useState<Door[]>([]);
  const readsSite = can('site.read');
  useEffect(() => {
    if (!readsSite) return;
    void api
      .background<Items<Door>>('/api/v1/access/doors')
      .then((d) => setDoors(d.items))
      .catch(() => undefined);
  }, [readsSite, live.generation]);
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
  const rows = status ? componentRows(status, doors) : [];
  const readers = status?.readers?.readers ?? [];
  const ports = status?.readers?.ports ?? [];
  const freeShare = status ? status.storage.freeBytes / Math.max(status.storage.totalBytes, 1) : 1;
  return (
    <section className={stale ? 'system-page system-not-current' : 'system-page'}>
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
              {rows.map((c) => (
                <tr key={c.key} data-component={c.key}>
                  <th scope="row">{c.name}</th>
                  <td>
                    <span className={`system-state ${c.status}`}>{STATE_WORDS[c.status]}</span>
                  </td>
                  <td data-testid={`since-${c.key}`}>{sinceWords(c, status.startedAt)}</td>
                  <td>{c.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {readers.length > 0 && (
            <>
              <h3>Readers</h3>
              <table className="entries" data-testid="system-readers">
                <thead>
                  <tr>
                    <th scope="col">Reader</th>
                    <th scope="col">State</th>
                    <th scope="col">Last heard</th>
                    <th scope="col">Secure channel</th>
                    <th scope="col">Line</th>
                    <th scope="col">Last problem</th>
                  </tr>
                </thead>
                <tbody>
                  {readers.map((r) => (
                    <tr key={r.id}>
                      <th scope="row">{readerName(r.id, doors)}</th>
                      <td>
                        <span className={`system-state ${r.online ? 'up' : 'down'}`}>
                          {r.online ? 'Online' : 'Offline'}
                        </span>
                      </td>
                      <td>{r.lastSeen ? formatTime(r.lastSeen) : 'Never'}</td>
                      <td>{SECURE_CHANNEL_WORDS[r.secureChannel]}</td>
                      <td>
                        {lineName(r.port, readers, doors)}, address {r.address}
                      </td>
                      <td>{r.lastError ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h3>Reader lines</h3>
              <table className="entries" data-testid="system-lines">
                <thead>
                  <tr>
                    <th scope="col">Line</th>
                    <th scope="col">Kind</th>
                    <th scope="col">State</th>
                    <th scope="col">Last problem</th>
                  </tr>
                </thead>
                <tbody>
                  {ports.map((p) => (
                    <tr key={p.id}>
                      <th scope="row">{lineName(p.id, readers, doors)}</th>
                      <td>{PROTOCOL_WORDS[p.protocol]}</td>
                      <td>
                        <span className={`system-state ${p.state === 'open' ? 'up' : 'down'}`}>
                          {PORT_STATE_WORDS[p.state]}
                        </span>
                      </td>
                      <td>{p.lastError ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          <h3>Journal and storage</h3>
          <dl className="system-facts" data-testid="system-facts">
            <dt>Journal size</dt>
            <dd>
              {status.journal.entries.toLocaleString('en-GB')} entries
              {status.journal.open ? '' : ' (closed: nothing new can be recorded)'}
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
