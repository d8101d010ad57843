import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { formatTime } from '../format';
import type { CardholderDetail, CardholderPage, Door, DoorAccess, Items } from '@gatehouse/api';
import { useCan, useSees } from '../shell/permissions';
import { api, sendFile } from '../api';
import {
  FORMAT_WORDS,
  FORMATS,
  type Cardholder,
  type Credential,
  type Group,
  type Level,
} from '../access-api';
import { useActionDialog } from '../components/useActionDialog';
import { forgetPhoto } from '../desk/photo-thumbs';
import { useAction } from '../Feedback';
import { PersonEdit } from '../setup/PersonEdit';
import { useSiteInstant } from '../setup/site';
import { PresentCard, type CardRead, type ReaderChoice } from '../setup/PresentCard';
import { EmptyRow } from '../components/NotYetRead';
import { CARD_STATE_WORDS, PERSON_KIND_WORDS, PERSON_STATE_WORDS, readerName, said } from '../words';

const blank = {
  name: '',
  employeeNumber: '',
  department: '',
  kind: 'employee',
  levelIds: [] as string[],
  groupIds: [] as string[],
};

const Checks = ({
  options,
  value,
  onChange,
  name,
}: {
  options: { id: string; name: string }[];
  value: string[];
  onChange: (v: string[]) => void;
  name: string;
}) => (
  <span className="roles">
    {options.map((o) => (
      <label key={o.id} className="check">
        <input
          type="checkbox"
          name={`${name}-${o.id}`}
          checked={value.includes(o.id)}
          onChange={(e) => onChange(e.target.checked ? [...value, o.id] : value.filter((x) => x !== o.id))}
        />
        {o.name}
      </label>
    ))}
  </span>
);

/** The API's name for a person whose data was erased (libs/access ERASED_NAME): nothing left to erase. */
const ERASED = 'erased person';

export const People = () => {
  const can = useCan();
  const sees = useSees();
  const edit = can('cardholders.write');
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Cardholder[]>([]);
  const [total, setTotal] = useState(0);
  /** Whether the first search answered: "Nobody matches." only then, "Loading…" before. */
  const [searched, setSearched] = useState(false);
  const [levels, setLevels] = useState<Level[]>([]);
  const [groups, setGroups] = useState<Group[]>([]);
  const [siteDoors, setSiteDoors] = useState<Door[]>([]);
  const [selected, setSelected] = useState<CardholderDetail | null>(null);
  const [doors, setDoors] = useState<{ doorId: string; now: boolean }[]>([]);
  const [draft, setDraft] = useState(blank);
  const [cred, setCred] = useState({ format: 'H10301', number: '', pin: '', validUntil: '' });
  const siteInstant = useSiteInstant();
  const { run, view, noteAt, busy } = useAction();
  const dialog = useActionDialog();
  /** Focus follows a person opened from the list (Enter on their name) to their detail; a re-read leaves it. */
  const openedByHand = useRef(false);
  const detailHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!selected || !openedByHand.current) return;
    openedByHand.current = false;
    detailHeading.current?.focus();
  }, [selected]);

  const search = useCallback(async (text: string) => {
    const r = await api.get<CardholderPage>(
      `/api/v1/access/cardholders?limit=100&q=${encodeURIComponent(text)}`,
    );
    setItems(r.items);
    setTotal(r.total);
    setSearched(true);
  }, []);
  useEffect(() => {
    void search('');
    if (can('site.read')) {
      api
        .get<Items<Level>>('/api/v1/access/levels')
        .then((r) => setLevels(r.items))
        .catch(() => undefined);
      api
        .get<Items<Group>>('/api/v1/access/groups')
        .then((r) => setGroups(r.items))
        .catch(() => undefined);
      api
        .get<Items<Door>>('/api/v1/access/doors')
        .then((r) => setSiteDoors(r.items))
        .catch(() => undefined);
    }
  }, [search]);

  const open = async (id: string) => {
    setSelected(await api.get<CardholderDetail>(`/api/v1/access/cardholders/${id}`));
    if (can('cardholders.doors')) {
      setDoors(
        (
          await api
            .get<Items<DoorAccess>>(`/api/v1/access/cardholders/${id}/doors`)
            .catch(() => ({ items: [] }))
        ).items,
      );
    }
  };
  const refresh = async () => {
    await search(q);
    if (selected) await open(selected.id);
  };

  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(
      `Added ${draft.name}.`,
      async () => {
        const c = await api.post<Cardholder>('/api/v1/access/cardholders', {
          ...draft,
          employeeNumber: draft.employeeNumber || null,
          department: draft.department || null,
        });
        setDraft(blank);
        await search(q);
        await open(c.id);
      },
      'new-person',
    );
  };
  /** A change to the open person; its message shows at `at`, beside the control that made it. */
  const patch = (body: Partial<Cardholder>, done: string, at = 'person') =>
    selected &&
    void run(
      done,
      async () => {
        await api.patch(`/api/v1/access/cardholders/${selected.id}`, body);
        await refresh();
      },
      at,
    );
  const setCredState = (c: Credential, state: Credential['state']) => {
    const change = async () => {
      await api.patch(`/api/v1/access/credentials/${c.id}`, { state });
      await refresh();
    };
    // Lost and revoked shut a card out at once: asked first, with what it does.
    if (state === 'lost' || state === 'revoked') {
      dialog.ask({
        title: `Mark card ${c.number} as ${state}?`,
        consequence: 'The card is refused at every door from now on.',
        confirm: state === 'lost' ? 'Mark lost' : 'Revoke',
        reason: 'none',
        risky: true,
        done: `Card ${c.number} is ${state}.`,
        run: change,
      });
      return;
    }
    void run(`Credential ${c.number} is ${state}.`, change, 'credentials');
  };
  const addCredential = (e: FormEvent) => {
    e.preventDefault();
    if (!selected) return;
    void run(
      'Credential issued.',
      async () => {
        await api.post('/api/v1/access/credentials', {
          cardholderId: selected.id,
          format: cred.format,
          number: cred.number.trim(),
          pin: cred.pin || null,
          validUntil: siteInstant(cred.validUntil),
        });
        setCred({ format: 'H10301', number: '', pin: '', validUntil: '' });
        await refresh();
      },
      'credentials',
    );
  };
  // Readers by their door and direction, for enrolling a card by presenting it.
  const readers = useMemo<ReaderChoice[]>(
    () => siteDoors.flatMap((d) => d.readers.map((r) => ({ id: r.id, label: readerName(r.id, siteDoors) }))),
    [siteDoors],
  );
  const cardPresented = useCallback(
    (card: CardRead) => setCred((c) => ({ ...c, format: card.format, number: card.number })),
    [],
  );
  const upload = (file: File | undefined) => {
    if (!file || !selected) return;
    void run(
      'Photo saved.',
      async () => {
        await sendFile('PUT', `/api/v1/access/cardholders/${selected.id}/photo`, file, file.type);
        forgetPhoto(selected.id);
        await refresh();
      },
      'person',
    );
  };

  return (
    <section>
      <header className="page-header">
        <h2>People</h2>
      </header>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void search(q);
        }}
      >
        <label className="wide">
          Search
          <input
            name="people-search"
            placeholder="name, employee number, department, account"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </label>
        <div className="actions">
          <button>Search</button>
          {edit && (
            <a className="button secondary" href="/api/v1/access/export" download>
              Export CSV
            </a>
          )}
        </div>
      </form>
      {view}
      {dialog.view}
      <div className="split">
        <table className="entries" data-testid="people">
          <thead>
            <tr>
              <th>Name</th>
              {sees('employeeNumber') && <th>Employee #</th>}
              {sees('department') && <th>Department</th>}
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr
                key={c.id}
                onClick={() => void open(c.id)}
                className={selected?.id === c.id ? 'selected' : ''}
              >
                <td>
                  {/* The name opens the person: a button, so the row is reachable and openable by keyboard. */}
                  <button
                    type="button"
                    className="link"
                    aria-current={selected?.id === c.id ? 'true' : undefined}
                    onClick={(e) => {
                      e.stopPropagation();
                      openedByHand.current = true;
                      void open(c.id);
                    }}
                  >
                    {c.name}
                  </button>
                </td>
                {sees('employeeNumber') && <td>{c.employeeNumber}</td>}
                {sees('department') && <td>{c.department}</td>}
                <td>
                  {said(PERSON_STATE_WORDS, c.state)}
                  {c.watchListed ? ' · watch list' : ''}
                </td>
              </tr>
            ))}
            {items.length === 0 && (
              <EmptyRow
                read={searched}
                colSpan={2 + Number(sees('employeeNumber')) + Number(sees('department'))}
              >
                Nobody matches.
              </EmptyRow>
            )}
          </tbody>
        </table>
        {selected && (
          <aside className="panel detail-panel" data-testid="person-detail">
            <h3 ref={detailHeading} tabIndex={-1} data-testid="person-detail-heading">
              {selected.name}
            </h3>
            {selected.hasPhoto && (
              <img
                className="photo"
                alt={`Photo of ${selected.name}`}
                src={`/api/v1/access/cardholders/${selected.id}/photo?v=${Date.now()}`}
              />
            )}
            <p className="hint">
              {[
                said(PERSON_KIND_WORDS, selected.kind),
                said(PERSON_STATE_WORDS, selected.state),
                ...(sees('employeeNumber') ? [selected.employeeNumber ?? 'no employee number'] : []),
                ...(sees('directoryAccount') ? [selected.directoryAccount ?? 'no account'] : []),
              ].join(' · ')}
            </p>
            {edit && (
              <div className="row-actions">
                {selected.state === 'active' ? (
                  <button
                    onClick={() =>
                      dialog.ask({
                        title: `Suspend ${selected.name}?`,
                        consequence: 'Every card of theirs is refused at every door until reactivated.',
                        confirm: 'Suspend',
                        reason: 'none',
                        risky: true,
                        done: `${selected.name} is suspended.`,
                        run: async () => {
                          await api.patch(`/api/v1/access/cardholders/${selected.id}`, {
                            state: 'suspended',
                          });
                          await refresh();
                        },
                      })
                    }
                  >
                    Suspend
                  </button>
                ) : (
                  <button onClick={() => patch({ state: 'active' }, 'Reactivated.')}>Reactivate</button>
                )}
                <label className="button secondary">
                  Photo…
                  <input
                    type="file"
                    accept="image/jpeg,image/png"
                    hidden
                    onChange={(e) => upload(e.target.files?.[0])}
                  />
                </label>
              </div>
            )}
            {can('people.erase') && selected.name !== ERASED && (
              <div className="row-actions">
                <button
                  className="danger"
                  onClick={() =>
                    dialog.ask({
                      title: `Erase ${selected.name} for good?`,
                      consequence:
                        'Their name, employee number, department, account and photo are cleared and their data key destroyed; every card of theirs is revoked. This cannot be undone. The journal keeps its proofs and says "erased person".',
                      confirm: 'Erase for good',
                      reason: 'required',
                      reasonLabel: 'Reason (the request and its reference)',
                      reasonHint:
                        "Journaled in clear with the erasure: the request's reference, never the person's name.",
                      risky: true,
                      done: 'Erased: their personal data is gone.',
                      run: async (reason) => {
                        await api.post(`/api/v1/people/${encodeURIComponent(selected.id)}/erase`, { reason });
                        forgetPhoto(selected.id);
                        await refresh();
                      },
                    })
                  }
                >
                  Erase personal data…
                </button>
              </div>
            )}
            {noteAt('person')}
            {edit && (
              <PersonEdit
                person={selected}
                busy={busy}
                onSave={(changes) => patch(changes, `Saved ${changes.name ?? selected.name}.`)}
              />
            )}
            <h4>Access levels and groups</h4>
            {edit ? (
              <>
                <Checks
                  name="level"
                  options={levels}
                  value={selected.levelIds ?? []}
                  onChange={(levelIds) => setSelected({ ...selected, levelIds })}
                />
                <Checks
                  name="group"
                  options={groups}
                  value={selected.groupIds ?? []}
                  onChange={(groupIds) => setSelected({ ...selected, groupIds })}
                />
                <button
                  onClick={() =>
                    patch(
                      { levelIds: selected.levelIds, groupIds: selected.groupIds },
                      'Access changed.',
                      'access',
                    )
                  }
                >
                  Save access
                </button>
                {noteAt('access')}
              </>
            ) : (
              <p>
                {[
                  ...(selected.levelIds ?? []).map((id) => levels.find((l) => l.id === id)?.name ?? id),
                  ...(selected.groupIds ?? []).map((id) => groups.find((g) => g.id === id)?.name ?? id),
                ].join(', ') || 'none'}
              </p>
            )}
            <h4>Doors this person can open</h4>
            <ul className="compact" data-testid="person-doors">
              {doors.map((d) => (
                <li key={d.doorId}>
                  {siteDoors.find((sd) => sd.id === d.doorId)?.name ?? d.doorId}{' '}
                  {d.now ? '(now)' : '(not at this hour)'}
                </li>
              ))}
              {doors.length === 0 && <li>none</li>}
            </ul>
            <h4>Credentials</h4>
            {/* An empty list would read "this person has no cards" to a role the server hides them from. */}
            {!sees('credentials') && (
              <p className="hint" data-testid="credentials-hidden">
                Cards are not shown to your role.
              </p>
            )}
            {sees('credentials') && (selected.credentials ?? []).length === 0 && (
              <p className="hint">No cards.</p>
            )}
            <table className="entries">
              <tbody>
                {(selected.credentials ?? []).map((c) => (
                  <tr key={c.id}>
                    <td>
                      {c.format} {c.number}
                    </td>
                    <td>
                      {said(CARD_STATE_WORDS, c.state)}
                      {c.hasPin ? ' · PIN' : ''}
                    </td>
                    <td>{c.lastUsedAt ? `used ${formatTime(c.lastUsedAt)}` : 'never used'}</td>
                    {edit && (
                      <td className="row-actions">
                        {c.state !== 'active' && (
                          <button className="link" onClick={() => setCredState(c, 'active')}>
                            Activate
                          </button>
                        )}
                        {c.state === 'active' && (
                          <button className="link" onClick={() => setCredState(c, 'suspended')}>
                            Suspend
                          </button>
                        )}
                        {c.state !== 'lost' && c.state !== 'revoked' && (
                          <button className="link" onClick={() => setCredState(c, 'lost')}>
                            Lost
                          </button>
                        )}
                        {c.state !== 'revoked' && (
                          <button className="link" onClick={() => setCredState(c, 'revoked')}>
                            Revoke
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
            {edit && readers.length > 0 && <PresentCard readers={readers} onRead={cardPresented} />}
            {edit && (
              <form className="inline-form" onSubmit={addCredential}>
                <select
                  name="credential-format"
                  aria-label="Card format"
                  value={cred.format}
                  onChange={(e) => setCred({ ...cred, format: e.target.value })}
                >
                  {FORMATS.map((f) => (
                    <option key={f} value={f}>
                      {FORMAT_WORDS[f]}
                    </option>
                  ))}
                </select>
                <input
                  name="credential-number"
                  aria-label="Card number"
                  placeholder="facility:card, e.g. 12:34567"
                  maxLength={64}
                  value={cred.number}
                  onChange={(e) => setCred({ ...cred, number: e.target.value })}
                  required
                />
                <input
                  name="credential-pin"
                  aria-label="PIN (optional)"
                  placeholder="PIN (optional)"
                  inputMode="numeric"
                  value={cred.pin}
                  onChange={(e) => setCred({ ...cred, pin: e.target.value })}
                />
                <input
                  name="credential-until"
                  aria-label="Valid until, on the site's clocks (optional)"
                  type="datetime-local"
                  title="Valid until, on the site's clocks (optional)"
                  value={cred.validUntil}
                  onChange={(e) => setCred({ ...cred, validUntil: e.target.value })}
                />
                <button disabled={busy}>Issue credential</button>
              </form>
            )}
            {noteAt('credentials')}
          </aside>
        )}
      </div>
      <p className="hint">{total} people</p>
      {edit && (
        <form className="panel" onSubmit={create}>
          <h3>New person</h3>
          <label>
            Name
            <input
              name="new-person-name"
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              required
            />
          </label>
          <label>
            Employee number
            <input
              name="new-person-number"
              value={draft.employeeNumber}
              onChange={(e) => setDraft({ ...draft, employeeNumber: e.target.value })}
            />
          </label>
          <label>
            Department
            <input
              name="new-person-department"
              value={draft.department}
              onChange={(e) => setDraft({ ...draft, department: e.target.value })}
            />
          </label>
          <label>
            Kind
            <select
              name="new-person-kind"
              value={draft.kind}
              onChange={(e) => setDraft({ ...draft, kind: e.target.value })}
            >
              {(['employee', 'contractor', 'visitor'] as const).map((k) => (
                <option key={k} value={k}>
                  {PERSON_KIND_WORDS[k]}
                </option>
              ))}
            </select>
          </label>
          <Checks
            name="new-level"
            options={levels}
            value={draft.levelIds}
            onChange={(levelIds) => setDraft({ ...draft, levelIds })}
          />
          <button disabled={busy}>Add person</button>
          {noteAt('new-person')}
        </form>
      )}
    </section>
  );
};
