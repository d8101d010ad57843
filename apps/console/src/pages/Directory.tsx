import { useCallback, useEffect, useState } from 'react';
import type { DirectoryRunView, DirectoryStatusView, UnmappedAccounts } from '@gatehouse/api';
import { api, describeError } from '../api';
import { ErrorAlert, useAction } from '../Feedback';
import { formatTime } from '../format';
import { useCan } from '../shell/permissions';
// The label-value grid of the system page (one look for facts about a component).
import './System.css';

/** A run as the history lists it (without its changes) or as the last run (with them). */
type Run = Omit<DirectoryRunView, 'changes'>;
type Change = DirectoryRunView['changes'][number];

const RESULT: Record<Run['result'], string> = {
  applied: 'Applied',
  unchanged: 'No changes',
  refused: 'Refused (nothing applied)',
  failed: 'Failed (nothing applied)',
};

/** Why a run changed nothing, in words. */
const why = (r: Run): string =>
  r.fault
    ? r.fault.message
    : r.refusal
      ? r.refusal.reason === 'empty-answer'
        ? `the directory answered with nobody while ${r.refusal.linked} people are linked`
        : `${r.refusal.leavers} of ${r.refusal.linked} linked people would have left at once (at most ${r.refusal.allowed})`
      : '';

const changeText = (c: Change): string =>
  c.change === 'left'
    ? `left (${c.reason === 'disabled' ? 'disabled in the directory' : 'removed from the directory'}), ${c.suspendedCredentials ?? 0} card(s) suspended`
    : c.change === 'updated'
      ? `updated: ${(c.fields ?? []).join(', ')}`
      : c.change === 'returned'
        ? 'enabled again in the directory; still marked left (reinstate by hand)'
        : `not changed: ${c.error ?? 'refused'}`;

/** Directory sync: the last run and its changes, recent runs, sync now, and the accounts to map. */
export const Directory = () => {
  const can = useCan();
  const [status, setStatus] = useState<DirectoryStatusView | null>(null);
  const [unmapped, setUnmapped] = useState<UnmappedAccounts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { run, busy, noteAt } = useAction();
  const mayMap = can('directory.unmapped');

  const refresh = useCallback(() => {
    api
      .get<DirectoryStatusView>('/api/v1/directory/status')
      .then(setStatus)
      .catch((e: unknown) => setError(describeError(e)));
    if (mayMap)
      api
        .get<UnmappedAccounts>('/api/v1/directory/unmapped')
        .then(setUnmapped)
        .catch(() => setUnmapped(null));
  }, [mayMap]);
  useEffect(refresh, [refresh]);

  const syncNow = () =>
    void run(
      'Directory synced.',
      async () => {
        await api.post<DirectoryRunView>('/api/v1/directory/sync', {});
        refresh();
      },
      'sync',
    );

  if (status && !status.enabled)
    return (
      <section>
        <header className="page-header">
          <h2>Directory sync</h2>
        </header>
        <p>This site has no directory configured (directory.enabled in the site file).</p>
      </section>
    );
  const last = status?.lastRun ?? null;
  return (
    <section>
      <header className="page-header">
        <h2>Directory sync</h2>
        {can('directory.sync') && (
          <button onClick={syncNow} disabled={busy || !status}>
            {busy ? 'Syncing…' : 'Sync now'}
          </button>
        )}
      </header>
      {noteAt('sync')}
      <ErrorAlert error={error} />
      {status && (
        <dl className="system-facts" data-testid="directory-status">
          <dt>Directory</dt>
          <dd>
            <code>{status.url}</code>, every {Math.round(status.intervalSeconds / 60)} min
          </dd>
          <dt>Last run</dt>
          <dd>
            {last ? `${formatTime(last.at)}: ${RESULT[last.result]}` : 'not yet'}
            {last && why(last) && (
              <span className={last.result === 'failed' ? 'error' : ''}> — {why(last)}</span>
            )}
          </dd>
          <dt>Last good sync</dt>
          <dd>{status.lastGoodAt ? formatTime(status.lastGoodAt) : 'never'}</dd>
          <dt>People linked</dt>
          <dd>{status.linked}</dd>
        </dl>
      )}
      {last && last.changes.length > 0 && (
        <>
          <h3>Changes of the last run</h3>
          <table className="entries">
            <thead>
              <tr>
                <th>Person</th>
                <th>Change</th>
              </tr>
            </thead>
            <tbody>
              {last.changes.map((c) => (
                <tr key={`${c.cardholderId}-${c.change}`}>
                  {/* A role that may not read people gets no name from the API; an id would tell it nothing. */}
                  <td>{c.name ?? 'A person (names are not shown to your role)'}</td>
                  <td>{changeText(c)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {status?.enabled && status.history.length > 0 && (
        <>
          <h3>Recent runs</h3>
          <table className="entries">
            <thead>
              <tr>
                <th>Time</th>
                <th>Asked by</th>
                <th>Result</th>
                <th>In directory</th>
                <th>Updated</th>
                <th>Left</th>
                <th>Unmapped</th>
              </tr>
            </thead>
            <tbody>
              {status.history.map((r) => (
                <tr key={r.at}>
                  <td>{formatTime(r.at)}</td>
                  <td>{r.trigger === 'operator' ? 'an operator' : 'schedule'}</td>
                  <td title={why(r)}>{RESULT[r.result]}</td>
                  <td>{r.counts.people}</td>
                  <td>{r.counts.updated}</td>
                  <td>{r.counts.leavers}</td>
                  <td>{r.counts.unmapped}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {unmapped && (
        <>
          <h3>Accounts that map to nobody ({unmapped.count})</h3>
          {unmapped.count === 0 ? (
            <p>Every directory account maps to a cardholder.</p>
          ) : (
            <>
              <p>Set a cardholder&apos;s directory account to one of these to link them at the next sync.</p>
              <table className="entries" data-testid="unmapped-accounts">
                <thead>
                  <tr>
                    <th>Account</th>
                    <th>Name in the directory</th>
                    <th>State</th>
                  </tr>
                </thead>
                <tbody>
                  {unmapped.accounts.map((a) => (
                    <tr key={a.account}>
                      <td>
                        <code>{a.account}</code>
                      </td>
                      <td>{a.name ?? '—'}</td>
                      <td>{a.disabled ? 'disabled' : 'enabled'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
};
