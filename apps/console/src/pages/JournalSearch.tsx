import { useState, type FormEvent } from 'react';
import type { JournalPageView } from '@gatehouse/api';
import { api, describeError, type JournalEntry, type Role } from '../api';
import { EntriesTable } from '../EntriesTable';
import { ErrorAlert } from '../Feedback';

const FIELDS = [
  'person',
  'credential',
  'door',
  'zone',
  'workstation',
  'visitor',
  'alarm',
  'operator',
] as const;
type Filter = Partial<Record<(typeof FIELDS)[number] | 'from' | 'to' | 'type' | 'q', string>>;

const toQuery = (f: Filter): URLSearchParams => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (!v) continue;
    params.set(k, k === 'from' || k === 'to' ? new Date(v).toISOString() : v);
  }
  return params;
};

export const JournalSearch = ({ roles }: { roles: Role[] }) => {
  const [filter, setFilter] = useState<Filter>({});
  const [items, setItems] = useState<JournalEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [applied, setApplied] = useState<URLSearchParams | null>(null);
  const [selected, setSelected] = useState<JournalEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const canExport = roles.some((r) => ['facility-manager', 'responder', 'admin', 'auditor'].includes(r));

  const load = async (params: URLSearchParams, after: string | null) => {
    setBusy(true);
    setError(null);
    try {
      const q = new URLSearchParams(params);
      q.set('limit', '50');
      if (after) q.set('cursor', after);
      const page = await api.get<JournalPageView>(`/api/v1/journal?${q.toString()}`);
      setItems((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const search = (e?: FormEvent) => {
    e?.preventDefault();
    const params = toQuery(filter);
    setApplied(params);
    void load(params, null);
  };

  const set = (k: keyof Filter) => (e: { target: { value: string } }) =>
    setFilter({ ...filter, [k]: e.target.value });
  const exportHref = (format: 'csv' | 'jsonl') => {
    const q = new URLSearchParams(applied ?? toQuery(filter));
    q.set('format', format);
    return `/api/v1/journal/export?${q.toString()}`;
  };

  return (
    <section>
      <header className="page-header">
        <h2>Journal search</h2>
      </header>
      <form className="filters" onSubmit={search}>
        <label>
          From
          <input type="datetime-local" name="from" value={filter.from ?? ''} onChange={set('from')} />
        </label>
        <label>
          To
          <input type="datetime-local" name="to" value={filter.to ?? ''} onChange={set('to')} />
        </label>
        <label>
          Type
          <input
            name="type"
            placeholder="auth.* or door.forced"
            value={filter.type ?? ''}
            onChange={set('type')}
          />
        </label>
        {FIELDS.map((f) => (
          <label key={f}>
            {f[0]!.toUpperCase() + f.slice(1)}
            <input name={f} value={filter[f] ?? ''} onChange={set(f)} />
          </label>
        ))}
        <label className="wide">
          Text
          <input name="q" placeholder="any text in the entry" value={filter.q ?? ''} onChange={set('q')} />
        </label>
        <div className="actions">
          <button disabled={busy}>Search</button>
          {canExport && (
            <>
              <a className="button secondary" href={exportHref('csv')} download>
                Export CSV
              </a>
              <a className="button secondary" href={exportHref('jsonl')} download>
                Export JSON Lines
              </a>
            </>
          )}
        </div>
      </form>
      <ErrorAlert error={error} />
      <EntriesTable
        entries={items}
        testId="journal-results"
        empty={applied && !busy ? 'Nothing matches.' : undefined}
        selectedSeq={selected?.seq}
        onSelect={setSelected}
      />
      {cursor && (
        <button disabled={busy} onClick={() => applied && void load(applied, cursor)}>
          Load older entries
        </button>
      )}
      {selected && (
        <aside className="detail">
          <header>
            <h3>Entry {selected.seq}</h3>
            <button className="link" onClick={() => setSelected(null)}>
              Close
            </button>
          </header>
          <pre>{JSON.stringify(selected, null, 2)}</pre>
        </aside>
      )}
    </section>
  );
};
