import { useState } from 'react';
import { CircleHelp, Globe, MapPin, ShieldAlert, ShieldCheck, type LucideIcon } from 'lucide-react';
import type { SessionRowView, SessionsView } from '@gatehouse/api';
import type { JournalEntry } from '../api';
import { ErrorAlert } from '../Feedback';
import { formatTime } from '../format';
import { AsOf, useLiveRead } from '../shell/live-read';
import { byStanding, type Standing, standingOf, standingWords } from './standing';
import './sessions.css';

/**
 * Re-read when the stream says logins came in (its `sessions` notice: a
 * guard's stream carries no login entries, they hold account names), when a
 * badge-in, a presence change or an alarm is pushed, and after a reconnection;
 * this beat only catches what nothing announces (a session timing out).
 */
const REREAD_MS = 60_000;
const PUSHED = ['access.', 'presence.', 'alarm.', 'correlation.'];
const pushed = (entry: JournalEntry) => PUSHED.some((p) => entry.type.startsWith(p));

const ICON: Record<Standing, LucideIcon> = {
  'not-badged-in': ShieldAlert,
  unmapped: CircleHelp,
  elsewhere: MapPin,
  here: ShieldCheck,
  'on-site': ShieldCheck,
  remote: Globe,
};

/** The person by name; an account nobody is mapped to by its name where the role may see it, never its digest. */
const who = (s: SessionRowView) =>
  s.name ?? (s.account ? `Unknown account ${s.account}` : 'Unknown account (not mapped to a person)');

/** Who is logged in where right now, and whether each is badged in: the breach stands out at the top. */
export const SessionsNow = () => {
  const { value, readAt, error } = useLiveRead<SessionsView>('/api/v1/sessions', {
    beatMs: REREAD_MS,
    rereadOn: pushed,
    notice: 'sessions',
  });
  const rows: SessionRowView[] | null = value?.sessions ?? null;
  const [filter, setFilter] = useState('');

  const needle = filter.trim().toLowerCase();
  const shown = (rows ?? [])
    .filter(
      (s) =>
        !needle ||
        `${who(s)} ${s.host} ${s.zoneName ?? ''} ${standingWords(s)}`.toLowerCase().includes(needle),
    )
    .sort(byStanding);
  const breaches = (rows ?? []).filter((s) => standingOf(s) === 'not-badged-in').length;
  return (
    <section>
      <header className="page-header">
        <h2>Sessions now</h2>
      </header>
      <ErrorAlert error={error} />
      <p data-testid="sessions-summary">
        {rows === null
          ? 'Reading…'
          : rows.length === 0
            ? 'Nobody is logged in at a workstation.'
            : `${rows.length} ${rows.length === 1 ? 'session is' : 'sessions are'} open.`}
        {breaches > 0 && (
          <strong className="standing-not-badged-in">
            {' '}
            {breaches === 1
              ? '1 person is logged in without a badge-in.'
              : `${breaches} people are logged in without a badge-in.`}
          </strong>
        )}
        <AsOf readAt={readAt} error={error} />
      </p>
      <label>
        Find a person, workstation or zone{' '}
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      <table className="entries sessions" data-testid="sessions">
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Workstation</th>
            <th scope="col">Badge-in</th>
            <th scope="col">Logged in since</th>
          </tr>
        </thead>
        <tbody>
          {rows !== null && shown.length === 0 && (
            <tr>
              <td colSpan={4} className="empty">
                {rows.length === 0 ? 'No open sessions.' : 'No session matches.'}
              </td>
            </tr>
          )}
          {shown.map((s) => {
            const standing = standingOf(s);
            const Of = ICON[standing];
            return (
              <tr key={`${s.accountKey} ${s.host}`} className={`standing-row-${standing}`}>
                <th scope="row">{who(s)}</th>
                <td>
                  {s.host}{' '}
                  <span className="hint">
                    {s.remote ? '(remote)' : s.zoneName ? `(${s.zoneName})` : '(not placed in a zone)'}
                  </span>
                </td>
                <td>
                  <span className={`standing standing-${standing}`}>
                    <Of className="icon" aria-hidden="true" focusable="false" />
                    {standingWords(s)}
                  </span>
                  {s.presence && <span className="hint"> since {formatTime(s.presence.since)}</span>}
                </td>
                <td>
                  <time dateTime={s.since} title={`Last heard from ${formatTime(s.lastSeen)}`}>
                    {formatTime(s.since)}
                  </time>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
};
