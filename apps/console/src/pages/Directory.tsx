import type { DirectoryStatusView, DirectoryRunView } from '@gatehouse/api';
import { api, type JournalEntry } from '../api';
import { useShowIds } from '../components/AdvancedIds';
import { ErrorAlert, useAction } from '../Feedback';
import { formatTime } from '../format';
import { AsOf, useLiveRead } from '../shell/live-read';
import { useCan } from '../shell/permissions';
// The label-value grid of the system page (one look for facts about a component).
import './System.css';

/**
 * A quiet scheduled run journals nothing (nothing changed), so no entry tells
 * the page it ran: the status is also re-read on this beat.
 */
const REREAD_MS = 60_000;
/** A sync that changed something journals directory.* (and cardholder.* for each person). */
const syncEntry = (entry: JournalEntry) => entry.type.startsWith('directory.');

const RESULT: Record<DirectoryRunView['result'], string> = {
  applied: 'Applied',
  unchanged: 'No changes',
  refused: 'Refused (nothing applied)',
  failed: 'Failed (nothing applied)',
};
const TRIGGER: Record<DirectoryRunView['trigger'], string> = {
  operator: 'an operator',
  schedule: 'the schedule',
  start: 'the gateway’s start',
};

/** Why a run changed nothing, in words. */
const why = (r: Omit<DirectoryRunView, 'changes'>): string =>
  r.fault
    ? r.fault.message
    : r.refusal
      ? r.refusal.reason === 'empty-answer'
        ? `the directory answered with nobody while ${r.refusal.linked} people are linked`
        : `${r.refusal.leavers} of ${r.refusal.linked} linked people would have left at once (at most ${r.refusal.allowed})`
      : '';

const changeText = (c: DirectoryRunView['changes'][number]): string =>
  c.change === 'left'
    ? `left (${c.reason === 'disabled' ? 'disabled in the directory' : 'removed from the directory'}), ${c.suspendedCredentials ?? 0} card(s) suspended`
    : c.change === 'updated'
      ? `updated: ${(c.fields ?? []).join(', ')}`
      : c.change === 'returned'
        ? 'enabled again in the directory; still marked left (reinstate by hand)'
        : `not changed: ${c.error ?? 'refused'}`;

/** What a run did, counted in words ("2 updated, 1 left, 3 cards suspended"). */
const countsText = (r: Omit<DirectoryRunView, 'changes'>): string => {
  const c = r.counts;
  const parts = [
    `${c.people} in the directory`,
    `${c.linked} linked`,
    c.updated && `${c.updated} updated`,
    c.leavers && `${c.leavers} left`,
    c.suspendedCredentials && `${c.suspendedCredentials} card(s) suspended`,
    c.returned && `${c.returned} back in the directory`,
    c.failed && `${c.failed} could not be changed`,
    c.unmapped && `${c.unmapped} account(s) map to nobody`,
    c.withoutAccount && `${c.withoutAccount} without an account`,
  ];
  return parts.filter(Boolean).join(', ');
};

const Changes = ({ run, title }: { run: DirectoryRunView; title: string }) => (
  <>
    <h3>{title}</h3>
    <p className="hint">
      {formatTime(run.at)}, asked by {TRIGGER[run.trigger]}: {countsText(run)}.
      {run.changes.length >= 200 && ' The first 200 changes are listed.'}
    </p>
    <table className="entries" data-testid="directory-changes">
      <thead>
        <tr>
          <th scope="col">Person</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {run.changes.map((c) => (
          <tr key={`${c.cardholderId}-${c.change}`}>
            {/* A role that may not read people gets no name from the API; an id would tell it nothing. */}
            <th scope="row">{c.name ?? 'A person (names are not shown to your role)'}</th>
            <td>{changeText(c)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </>
);

/** Directory sync: its state, the last run and the last changes, recent runs, sync now; a link to what is left to map. */
export const Directory = () => {
  const can = useCan();
  const {
    value: status,
    readAt,
    error,
    reload,
  } = useLiveRead<DirectoryStatusView>('/api/v1/directory/status', {
    beatMs: REREAD_MS,
    rereadOn: syncEntry,
  });
  const { run, busy, noteAt } = useAction();
  const advanced = useShowIds();

  const syncNow = () =>
    void run(
      'Directory synced.',
      async () => {
        await api.post<DirectoryRunView>('/api/v1/directory/sync', {});
        await reload();
      },
      'sync',
    );

  if (status && !status.enabled)
    return (
      <section>
        <header className="page-header">
          <h2>Directory sync</h2>
        </header>
        <p>
          This site takes no people from a directory: your administrator turns directory sync on in the site’s
          configuration.{advanced.ids('directory.enabled')}
        </p>
        {advanced.toggle}
      </section>
    );
  const last = status?.lastRun ?? null;
  const changes = status?.lastChanges ?? null;
  return (
    <section>
      <header className="page-header">
        <h2>Directory sync</h2>
        {can('directory.sync') && (
          <button onClick={syncNow} disabled={busy || !status || status.running}>
            {busy || status?.running ? 'Syncing…' : 'Sync now'}
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
            {status.running && <strong> — a sync is running now</strong>}
          </dd>
          <dt>Last run</dt>
          <dd>
            {last ? `${formatTime(last.at)}: ${RESULT[last.result]}` : 'not yet'}
            {last && why(last) && (
              <span className={last.result === 'failed' ? 'error' : ''}> — {why(last)}</span>
            )}
          </dd>
          {last && (
            <>
              <dt>It found</dt>
              <dd>{countsText(last)}</dd>
            </>
          )}
          <dt>Last good sync</dt>
          <dd>
            {status.lastGoodAt ? formatTime(status.lastGoodAt) : 'never'}
            {last && last.result !== 'applied' && last.result !== 'unchanged' && status.lastGoodAt && (
              <span className="hint"> (its mapping is kept until the directory answers again)</span>
            )}
          </dd>
          <dt>People linked</dt>
          <dd>{status.linked}</dd>
          <dt>Last change</dt>
          <dd>{changes ? formatTime(changes.at) : 'none since the gateway started'}</dd>
          {readAt && (
            <>
              <dt>Read</dt>
              <dd>
                <AsOf readAt={readAt} error={error} what="status" />
              </dd>
            </>
          )}
        </dl>
      )}
      {changes && (
        <Changes run={changes} title={changes.at === last?.at ? 'Changes of the last run' : 'Last changes'} />
      )}
      {can('directory.unmapped') && last && (
        <p data-testid="directory-unmapped">
          {last.counts.unmapped === 0
            ? 'Every directory account maps to a person.'
            : `${last.counts.unmapped} directory account(s) map to nobody.`}{' '}
          <a href="#/to-map">Accounts and workstations to map</a>
        </p>
      )}
      {status && status.history.length > 0 && (
        <>
          <h3>Recent runs</h3>
          <table className="entries">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Asked by</th>
                <th scope="col">Result</th>
                <th scope="col">In directory</th>
                <th scope="col">Updated</th>
                <th scope="col">Left</th>
                <th scope="col">Unmapped</th>
              </tr>
            </thead>
            <tbody>
              {status.history.map((r) => (
                <tr key={r.at}>
                  <td>{formatTime(r.at)}</td>
                  <td>{TRIGGER[r.trigger]}</td>
                  <td title={why(r)}>
                    {RESULT[r.result]}
                    {why(r) && <span className="hint"> — {why(r)}</span>}
                  </td>
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
    </section>
  );
};
