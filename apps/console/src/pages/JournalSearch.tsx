import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { DoorOpen, Download, FileJson, RefreshCw, User, X } from 'lucide-react';
import type { JournalSearchView, NamedEntryView, TextNameMatch } from '@gatehouse/api';
import { api, describeError, type Role } from '../api';
import { ErrorAlert } from '../Feedback';
import { EntryDetail } from '../journal/EntryDetail';
import { EVENT_KINDS } from '../journal/kinds';
import { ResultsTable } from '../journal/ResultsTable';
import { KIND_WORD, KindIcon, SearchBox } from '../journal/SearchBox';
import {
  EMPTY_SEARCH,
  mayMatch,
  problemOf,
  toParams,
  WHEN_LABELS,
  type Chosen,
  type ResultFilter,
  type SearchState,
  type When,
} from '../journal/search-state';
import { meantName, namedInWords, type NamesOffer } from '../journal/text-names';
import { useSiteZone } from '../journal/useSiteZone';
import { useLive } from '../shell/live';
import { useCan } from '../shell/permissions';
import '../journal/journal.css';

const PAGE_SIZE = 50;
/** Roles whose work needs every field of an entry in a spreadsheet (responders, auditors, admins). */
const RAW_EXPORT_ROLES: readonly Role[] = ['responder', 'auditor', 'admin'];

/** How many people, and how many doors, a typed text names the page offers by name; more means "type more of it". */
const OFFERED_NAMES = 5;
/** The first few of each kind: many people named "fro" never hide the door "Front door". */
const offered = (names: readonly TextNameMatch[]) =>
  (['person', 'door'] as const).flatMap((kind) =>
    names.filter((n) => n.kind === kind).slice(0, OFFERED_NAMES),
  );

const chosenOf = (n: TextNameMatch): Chosen => ({ kind: n.kind, id: n.id, label: n.name });

/** What the results were asked with: the API's parameters, and the newest entry the journal had then. */
interface Applied {
  params: URLSearchParams;
  newestSeq: number;
}

/**
 * "What happened, who, where": the journal searched in people's words, for the
 * responder, the auditor and the facility manager (issue 11, item 7). One box
 * offers people, doors and cards by name; results are in words and in the
 * site's time; an entry opens in words with its raw JSON one click away; the
 * readable CSV of the same search is one click away. Live entries that may
 * belong to the results make them say they are out of date.
 */
export const JournalSearch = ({ roles }: { roles: Role[] }) => {
  const can = useCan();
  const live = useLive();
  const { subscribe, generation } = live;
  const { timeZone } = useSiteZone();
  const [state, setState] = useState<SearchState>(EMPTY_SEARCH);
  const [items, setItems] = useState<NamedEntryView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [applied, setApplied] = useState<Applied | null>(null);
  const [selected, setSelected] = useState<NamedEntryView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** A new search is on its way: the results shown are the previous search's until it answers. */
  const [searching, setSearching] = useState(false);
  /** Only the newest request's answer is shown: a slow earlier search never overwrites a later one. */
  const latest = useRef(0);
  const [newSince, setNewSince] = useState(0);
  const [missedLive, setMissedLive] = useState(false);
  const opener = useRef<HTMLElement | null>(null);
  const firstGeneration = useRef(generation);
  const [offer, setOffer] = useState<NamesOffer | null>(null);
  /** The typed text meant one person or door: the search is about it now, and says so. */
  const [asNamed, setAsNamed] = useState<{ text: string; named: TextNameMatch } | null>(null);

  const load = useCallback(async (params: URLSearchParams, after: string | null) => {
    const request = ++latest.current;
    setBusy(true);
    if (!after) setSearching(true);
    setError(null);
    try {
      const q = new URLSearchParams(params);
      q.set('limit', String(PAGE_SIZE));
      if (after) q.set('cursor', after);
      const page = await api.get<JournalSearchView>(`/api/v1/journal/search?${q.toString()}`);
      if (request !== latest.current) return;
      setItems((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
      if (!after) {
        const text = params.get('q');
        const names = page.matched.textNames ?? [];
        setOffer(
          text && names.length > 0
            ? { text, names, count: page.matched.textNamesCount ?? names.length, found: page.items.length }
            : null,
        );
        setApplied({ params, newestSeq: page.items[0]?.seq ?? 0 });
        setNewSince(0);
        setMissedLive(false);
        setSelected(null);
      }
    } catch (e) {
      if (request === latest.current) setError(describeError(e));
    } finally {
      if (request === latest.current) {
        setBusy(false);
        setSearching(false);
      }
    }
  }, []);

  const search = (next: SearchState = state) => {
    const problem = problemOf(next, timeZone);
    if (problem) return setError(problem);
    void load(toParams(next, timeZone), null);
  };
  // The newest entries at once: a responder arrives to look at what just happened.
  useEffect(() => {
    void load(toParams(EMPTY_SEARCH, timeZone), null);
    // Once, on arrival; later searches are asked for.
  }, []);

  // Live entries that may belong to the results: the results say they are out of date.
  const appliedRef = useRef(applied);
  appliedRef.current = applied;
  useEffect(
    () =>
      subscribe((entry) => {
        const a = appliedRef.current;
        if (a && entry.seq > a.newestSeq && mayMatch(entry, a.params)) setNewSince((n) => n + 1);
      }),
    [subscribe],
  );
  // A reconnection: entries of the gap were never seen here.
  useEffect(() => {
    if (generation !== firstGeneration.current) setMissedLive(true);
  }, [generation]);

  const update = (patch: Partial<SearchState>) => setState((s) => ({ ...s, ...patch }));
  const choose = (c: Chosen, because: { text: string; named: TextNameMatch } | null = null) => {
    setAsNamed(because);
    const next = { ...state, text: '', chosen: [...state.chosen.filter((x) => x.kind !== c.kind), c] };
    setState(next);
    search(next);
  };
  const unchoose = (c: Chosen) => {
    setAsNamed(null);
    const next = { ...state, chosen: state.chosen.filter((x) => x !== c) };
    setState(next);
    search(next);
  };
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    setAsNamed(null);
    search();
  };
  // A name typed as text (not chosen from the suggestions) finds none of its events: entries hold ids
  // (a person's name is sealed besides). When the text surely means one person or door, the search is
  // by it, as the guard meant; else the page offers what it names.
  const meant = meantName(offer);
  useEffect(() => {
    if (!offer || !meant) return;
    choose(chosenOf(meant), { text: offer.text, named: meant });
    // Once per answer that means one record.
  }, [offer]);
  const toggleKind = (id: string) =>
    update({ kinds: state.kinds.includes(id) ? state.kinds.filter((k) => k !== id) : [...state.kinds, id] });

  const open = (entry: NamedEntryView) => {
    opener.current = document.activeElement as HTMLElement | null;
    setSelected(entry);
  };
  const close = () => {
    setSelected(null);
    opener.current?.focus();
  };
  const exportHref = (format: 'csv' | 'csv-raw' | 'jsonl') => {
    const q = new URLSearchParams(applied?.params ?? toParams(state, timeZone));
    q.set('format', format);
    return `/api/v1/journal/export?${q.toString()}`;
  };
  const canExport = can('journal.export');
  const rawExport = canExport && roles.some((r) => RAW_EXPORT_ROLES.includes(r));
  const stale = newSince > 0 || missedLive;

  return (
    <section className="jr-page">
      <header className="page-header">
        <h2>Journal search</h2>
      </header>
      <form className="jr-search" onSubmit={submit} aria-label="Search the journal">
        <div className="jr-search-row">
          <SearchBox
            text={state.text}
            onText={(text) => update({ text })}
            onChoose={choose}
            onSubmit={() => submit()}
          />
          <button type="submit" disabled={busy}>
            Search
          </button>
        </div>
        {state.chosen.length > 0 && (
          <ul className="jr-chips" aria-label="Searching for">
            {state.chosen.map((c) => (
              <li key={c.kind} className="jr-chip">
                <KindIcon kind={c.kind} />
                <span>
                  {KIND_WORD[c.kind]}: <strong>{c.label}</strong>
                </span>
                <button
                  type="button"
                  className="link jr-icon-button"
                  aria-label={`Stop searching for ${c.label}`}
                  onClick={() => unchoose(c)}
                >
                  <X aria-hidden="true" size={14} />
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="jr-filters">
          <label>
            When
            <select value={state.when} onChange={(e) => update({ when: e.target.value as When })}>
              {(Object.keys(WHEN_LABELS) as When[]).map((w) => (
                <option key={w} value={w}>
                  {WHEN_LABELS[w]}
                </option>
              ))}
            </select>
          </label>
          {state.when === 'custom' && (
            <>
              <label>
                From (site time, {timeZone})
                <input
                  type="datetime-local"
                  value={state.from}
                  onChange={(e) => update({ from: e.target.value })}
                />
              </label>
              <label>
                Until (site time, {timeZone})
                <input
                  type="datetime-local"
                  value={state.to}
                  onChange={(e) => update({ to: e.target.value })}
                />
              </label>
            </>
          )}
          <label>
            Result
            <select
              value={state.result}
              onChange={(e) => update({ result: e.target.value as ResultFilter })}
              aria-describedby="jr-result-hint"
            >
              <option value="any">Any result</option>
              <option value="granted">Granted</option>
              <option value="denied">Denied</option>
            </select>
          </label>
          <details className="jr-kinds">
            <summary>
              Event kinds: {state.kinds.length === 0 ? 'all' : `${state.kinds.length} chosen`}
            </summary>
            <fieldset>
              <legend>Show only these kinds of event</legend>
              {EVENT_KINDS.map((k) => (
                <label key={k.id} className="check">
                  <input
                    type="checkbox"
                    checked={state.kinds.includes(k.id)}
                    onChange={() => toggleKind(k.id)}
                  />
                  {k.label}
                </label>
              ))}
            </fieldset>
          </details>
        </div>
        <p id="jr-result-hint" className="jr-muted jr-small">
          {state.result === 'any'
            ? 'Times are the site’s clock.'
            : 'A result shows card and PIN decisions only. Times are the site’s clock.'}
        </p>
      </form>
      <ErrorAlert error={error} />
      {asNamed && (
        <p className="jr-notice" role="status" data-testid="searched-as-named">
          {asNamed.named.kind === 'door' ? (
            <DoorOpen aria-hidden="true" size={16} />
          ) : (
            <User aria-hidden="true" size={16} />
          )}
          <span>
            Entries name people and doors by their records, so text finds none of their events: showing the
            entries about {namedInWords(asNamed.named)} (typed “{asNamed.text}”).
          </span>
        </p>
      )}
      {offer && !meant && (
        <div className="jr-notice jr-did-you-mean" data-testid="did-you-mean">
          <User aria-hidden="true" size={16} />
          <span>
            Entries name people and doors by their records: text finds none of their events.
            {offer.count > offered(offer.names).length &&
              ` “${offer.text}” names ${offer.count} people and doors: type more of the name.`}
          </span>
          <ul aria-label={`Named “${offer.text}”`}>
            {offered(offer.names).map((n) => (
              <li key={`${n.kind}:${n.id}`}>
                <button type="button" className="link" onClick={() => choose(chosenOf(n))}>
                  Did you mean {namedInWords(n)}?
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {stale && (
        <div className="jr-stale" role="status" data-testid="results-stale">
          <RefreshCw aria-hidden="true" size={16} />
          <span>
            {newSince > 0
              ? `${newSince} new ${newSince === 1 ? 'entry' : 'entries'} may belong to these results since the search.`
              : 'The live stream was interrupted since the search: newer entries may be missing.'}
          </span>
          <button type="button" onClick={() => applied && void load(applied.params, null)} disabled={busy}>
            Refresh results
          </button>
        </div>
      )}
      <div className="jr-results-bar">
        <span role="status" aria-live="polite" data-testid="results-count">
          {searching
            ? items.length > 0
              ? 'Searching… The entries below are from the previous search.'
              : 'Searching…'
            : busy
              ? 'Loading older entries…'
              : applied
                ? `${items.length} ${items.length === 1 ? 'entry' : 'entries'}${cursor ? ' shown, newest first: more are older' : ', newest first'}`
                : ''}
        </span>
        {canExport && (
          <span className="jr-exports">
            <a className="button secondary" href={exportHref('csv')} download>
              <Download aria-hidden="true" size={14} /> Export CSV
            </a>
            {rawExport && (
              <>
                <a className="button secondary" href={exportHref('csv-raw')} download>
                  <FileJson aria-hidden="true" size={14} /> Raw CSV
                </a>
                <a className="button secondary" href={exportHref('jsonl')} download>
                  <FileJson aria-hidden="true" size={14} /> JSON Lines
                </a>
              </>
            )}
          </span>
        )}
      </div>
      <div className={selected ? 'jr-split' : undefined}>
        <div
          aria-busy={busy}
          className={searching && items.length > 0 ? 'jr-outdated' : undefined}
          data-testid="results"
          data-outdated={searching && items.length > 0 ? 'true' : undefined}
        >
          {searching && items.length > 0 && (
            <p className="jr-outdated-note" aria-hidden="true">
              Previous results: a new search is on its way
            </p>
          )}
          <ResultsTable
            items={items}
            timeZone={timeZone}
            selectedSeq={selected?.seq ?? null}
            onOpen={open}
            empty={applied && !busy ? 'Nothing in the journal matches this search.' : null}
          />
          {cursor && (
            <button
              type="button"
              className="jr-more"
              disabled={busy}
              onClick={() => applied && void load(applied.params, cursor)}
            >
              Load older entries
            </button>
          )}
        </div>
        {selected && <EntryDetail entry={selected} timeZone={timeZone} onClose={close} />}
      </div>
    </section>
  );
};
