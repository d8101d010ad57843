import { useState } from 'react';
import type { AccountToMap, ToMapView, WorkstationToPlace } from '@gatehouse/api';
import { api, type JournalEntry } from '../api';
import { useShowIds } from '../components/AdvancedIds';
import { ErrorAlert, useAction } from '../Feedback';
import { formatTime } from '../format';
import { AsOf, useLiveRead } from '../shell/live-read';
import { useCan } from '../shell/permissions';
import { MapAccount } from './MapAccount';
import { PlaceWorkstation } from './PlaceWorkstation';

/** Logins are not in the facility manager's stream: the list is re-read on this beat too. */
const REREAD_MS = 15_000;

const changesPeople = (entry: JournalEntry) =>
  entry.type.startsWith('cardholder.') ||
  entry.type.startsWith('directory.') ||
  entry.type.startsWith('workstation.');
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Accounts that map to nobody (from the directory and from logins) and
 * workstations no zone holds: counted, listed, and an account mapped to a
 * person picked by name. Re-read when a cardholder or the directory changes.
 */
export const ToMap = () => {
  const can = useCan();
  const {
    value: view,
    readAt,
    error,
    reload,
  } = useLiveRead<ToMapView>('/api/v1/mapping', { beatMs: REREAD_MS, rereadOn: changesPeople });
  const [mapping, setMapping] = useState<AccountToMap | null>(null);
  const [placing, setPlacing] = useState<WorkstationToPlace | null>(null);
  const { noteAt, run } = useAction();
  const advanced = useShowIds();

  const accounts = view?.accounts ?? [];
  const workstations = view?.workstations ?? [];
  return (
    <section>
      <header className="page-header">
        <h2>Accounts and workstations to map</h2>
      </header>
      <ErrorAlert error={error} />
      <p data-testid="to-map-summary">
        {view === null
          ? 'Reading…'
          : `${plural(accounts.length, 'account maps', 'accounts map')} to nobody; ${plural(workstations.length, 'workstation is', 'workstations are')} in no zone.`}
        <AsOf readAt={readAt} error={error} />
      </p>

      <h3>Accounts that map to nobody</h3>
      <p className="hint">
        A login with such an account cannot be checked against anyone&apos;s badge-in.{' '}
        {view?.directory
          ? `The directory's accounts are as of its last good sync${view.directoryAsOf ? ` (${formatTime(view.directoryAsOf)})` : ''}; those seen in logins since the gateway started.`
          : 'This site has no directory sync: these are the accounts seen in logins since the gateway started.'}
      </p>
      <table className="entries" data-testid="accounts-to-map">
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Name in the directory</th>
            <th scope="col">Logins</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {view && accounts.length === 0 && (
            <tr>
              <td colSpan={4} className="empty">
                Every account seen maps to a person.
              </td>
            </tr>
          )}
          {accounts.map((a) => (
            <tr key={a.account} className={mapping?.account === a.account ? 'selected' : undefined}>
              <th scope="row">
                <code>{a.account}</code>
              </th>
              <td>
                {a.directoryName ?? (a.disabled === null ? 'not in the directory' : '—')}
                {a.disabled && <span className="hint"> (disabled there)</span>}
              </td>
              <td>
                {a.logins === 0
                  ? 'none seen'
                  : `${a.logins}, last ${a.lastLogin ? formatTime(a.lastLogin) : ''}`}
              </td>
              <td className="row-actions">
                {can('accounts.map') && (
                  <button type="button" onClick={() => setMapping(a)}>
                    {/* The row's account in the name too, for a screen reader going from button to button. */}
                    Map to a person<span className="sr-only"> for {a.account}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {mapping && (
        <MapAccount
          account={mapping}
          onCancel={() => setMapping(null)}
          onMap={(cardholderId, name) =>
            void run(
              `${mapping.account} now maps to ${name}.`,
              async () => {
                await api.post('/api/v1/mapping/accounts', { account: mapping.account, cardholderId });
                setMapping(null);
                await reload();
              },
              'map',
            )
          }
        />
      )}
      {noteAt('map')}

      <h3>Workstations in no zone</h3>
      <p className="hint">
        Their logins cannot be compared with where people badged in. Your administrator places each
        workstation in a zone in the site’s configuration; the gateway reads it when it starts.
        {can('workstations.map') &&
          ' You can also place one here: it holds at once, and over the configuration for that workstation.'}
        {advanced.ids('logins.workstations', 'ws-12: { zone: floor-1 }')}
      </p>
      {advanced.toggle}
      <table className="entries" data-testid="workstations-to-place">
        <thead>
          <tr>
            <th scope="col">Workstation</th>
            <th scope="col">Sent from</th>
            <th scope="col">Logins</th>
            <th scope="col">Last seen</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {view && workstations.length === 0 && (
            <tr>
              <td colSpan={5} className="empty">
                Every workstation seen is in a zone.
              </td>
            </tr>
          )}
          {workstations.map((w) => (
            <tr key={w.host} className={placing?.host === w.host ? 'selected' : undefined}>
              <th scope="row">{w.host}</th>
              <td>{w.sourceAddress ?? 'the HTTP route or MQTT'}</td>
              <td>{w.logins}</td>
              <td>{formatTime(w.lastSeen)}</td>
              <td className="row-actions">
                {can('workstations.map') && (
                  <button type="button" onClick={() => setPlacing(w)}>
                    Place<span className="sr-only"> {w.host}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {placing && (
        <PlaceWorkstation
          workstation={placing}
          onCancel={() => setPlacing(null)}
          onPlace={(place, words) =>
            void run(
              `${placing.host} is placed: ${words}.`,
              async () => {
                await api.post('/api/v1/mapping/workstations', { host: placing.host, ...place });
                setPlacing(null);
                await reload();
              },
              'place',
            )
          }
        />
      )}
      {noteAt('place')}
    </section>
  );
};
