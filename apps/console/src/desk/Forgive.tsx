import { useCallback, useEffect, useState } from 'react';
import type { Items, PresenceRow } from '@gatehouse/api';
import { api, describeError } from '../api';
import { useActionDialog } from '../components/useActionDialog';
import { ErrorAlert } from '../Feedback';
import { formatTime } from '../format';
import { useLive } from '../shell/live';
import { useCan } from '../shell/permissions';
import { useSiteNames } from './site-names';
import { PERSON_TEXT_HINT, SITE_TEXT_HINT } from '../components/privacy-hints';

/**
 * Anti-passback forgive: where each person is believed to be (learned from
 * grants), and "Forgive" when a badge is refused because the gateway thinks
 * the person is still inside (they left through a door held for them).
 * Every forgive asks for a reason and is journaled (access.passback-forgiven).
 */
export const Forgive = () => {
  const can = useCan();
  const { subscribe, generation } = useLive();
  const names = useSiteNames(generation, []);
  const { ask, view } = useActionDialog();
  const [rows, setRows] = useState<PresenceRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const mayForgive = can('doors.control');

  const load = useCallback(async () => {
    try {
      setRows((await api.background<Items<PresenceRow>>('/api/v1/access/presence')).items);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  }, []);
  useEffect(() => {
    void load();
    return subscribe((entry) => {
      if (entry.type.startsWith('access.') || entry.type.startsWith('presence.')) void load();
    });
  }, [load, subscribe, generation]);

  const zoneName = (id: string) => names.zones.find((z) => z.id === id)?.name ?? id;
  const forgive = (who: PresenceRow | null) => {
    const person = who ? (who.name ?? 'this person') : null;
    ask({
      title: person ? `Forgive ${person}'s anti-passback?` : `Forgive everyone's anti-passback?`,
      consequence: person
        ? `Gatehouse forgets that ${person} is in ${zoneName(who!.zone)}: their next badge is not refused as a passback.`
        : `Gatehouse forgets where all ${rows?.length ?? 0} people are: nobody's next badge is refused as a passback.`,
      confirm: person ? 'Forgive' : 'Forgive everyone',
      reason: 'required',
      reasonHint: person ? PERSON_TEXT_HINT : SITE_TEXT_HINT,
      risky: !person,
      done: person ? `${person} forgiven.` : 'Everyone forgiven.',
      run: async (reason) => {
        await api.post('/api/v1/access/anti-passback/forgive', {
          cardholderId: who ? who.cardholderId : null,
          reason,
        });
        await load();
      },
    });
  };

  const needle = filter.trim().toLowerCase();
  const shown = (rows ?? [])
    .filter((r) => !needle || `${r.name ?? ''} ${zoneName(r.zone)}`.toLowerCase().includes(needle))
    .sort((a, b) => (a.name ?? a.cardholderId).localeCompare(b.name ?? b.cardholderId));
  return (
    <section className="desk-screen">
      <header className="page-header">
        <h2>Anti-passback forgive</h2>
        {mayForgive && (rows?.length ?? 0) > 0 && (
          <button className="danger" onClick={() => forgive(null)}>
            Forgive everyone
          </button>
        )}
      </header>
      <p className="hint">
        A badge is refused as a passback when Gatehouse believes the person is already on that side of the
        door. Forgive them when they left through a door someone held open.
      </p>
      {view}
      <ErrorAlert error={error} />
      <label>
        Find a person or zone{' '}
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      <table className="entries" data-testid="passback">
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Believed in</th>
            <th scope="col">Since</th>
            <th scope="col">Through</th>
            {mayForgive && <th scope="col">Action</th>}
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.cardholderId}>
              <td>{r.name ?? 'erased person'}</td>
              <td>{zoneName(r.zone)}</td>
              <td>{formatTime(r.since)}</td>
              <td>{names.door(r.doorId) ?? ''}</td>
              {mayForgive && (
                <td>
                  <button className="link" onClick={() => forgive(r)}>
                    Forgive {r.name ?? ''}
                  </button>
                </td>
              )}
            </tr>
          ))}
          {rows !== null && shown.length === 0 && (
            <tr>
              <td colSpan={mayForgive ? 5 : 4} className="empty">
                {rows.length === 0
                  ? 'Nobody is believed to be anywhere: nothing to forgive.'
                  : 'Nobody matches.'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
};
