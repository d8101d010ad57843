import { useEffect, useMemo, useRef, useState } from 'react';
import { Pause, Play, Radio, WifiOff } from 'lucide-react';
import type { NamedEntryView } from '@gatehouse/api';
import type { JournalEntry } from '../api';
import { EVENT_KINDS, kindOf } from '../journal/kinds';
import { ResultBadge } from '../journal/ResultBadge';
import { useNamedEntries } from '../journal/useNamedEntries';
import { useSiteZone } from '../journal/useSiteZone';
import { actorInWords, reasonWorthSaying, sentence, typeInWords } from '../journal/words';
import { siteDateTime } from '../journal/zone-time';
import { useLive, type LiveStatus } from '../shell/live';
import '../journal/journal.css';

/** The most entries the page lists (and holds while paused): older ones are in Journal search. */
export const KEEP = 200;

const STATUS_WORDS: Record<LiveStatus, string> = {
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Stream down: reconnecting',
  'gateway-down': 'Stream down: gateway not answering',
  'session-ended': 'Stream ended: session over',
};

const newestFirst = (entries: JournalEntry[]) => [...entries].sort((a, b) => b.seq - a.seq);

/**
 * What is happening now, in words, as it arrives: people, doors and results
 * by name (the shell's one live connection; the gateway names each entry a
 * moment after it arrives). Pausable without losing what arrives meanwhile,
 * filtered by kind, bounded; it says at once when the stream is down, and
 * after a reconnection fills the gap from the journal.
 */
/** How many of the latest entries the page shows when it opens. */
const OPENING_ENTRIES = 20;

export const LiveFeed = () => {
  const live = useLive();
  const { subscribe, generation, status } = live;
  const { timeZone } = useSiteZone();
  const { named, failed, name, fetchAfter, fetchLatest, keepOnly } = useNamedEntries();
  const [entries, setEntries] = useState<JournalEntry[]>([]);
  const [held, setHeld] = useState<JournalEntry[]>([]);
  const [paused, setPaused] = useState(false);
  const [kind, setKind] = useState('all');
  const [notice, setNotice] = useState<string | null>(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const lastSeq = useRef(0);
  const firstGeneration = useRef(generation);

  const take = (arrived: JournalEntry[]) => {
    if (arrived.length === 0) return;
    lastSeq.current = Math.max(lastSeq.current, ...arrived.map((e) => e.seq));
    const add = (prev: JournalEntry[]) => {
      const seen = new Set(prev.map((e) => e.seq));
      return newestFirst([...arrived.filter((e) => !seen.has(e.seq)), ...prev]).slice(0, KEEP);
    };
    if (pausedRef.current) setHeld(add);
    else setEntries(add);
  };

  useEffect(
    () =>
      subscribe((entry) => {
        take([entry]);
        name(entry.seq);
      }),
    // take reads refs and setters only.
    [subscribe, name],
  );

  // On opening, the latest entries, so the page is not empty until the next event.
  useEffect(() => {
    fetchLatest(OPENING_ENTRIES)
      .then(take)
      .catch(() => setNotice('The latest entries could not be read: new ones show as they arrive.'));
    // take reads refs and setters only.
  }, [fetchLatest]);

  // Back after a drop: what happened meanwhile is read from the journal, named.
  useEffect(() => {
    if (generation === firstGeneration.current || lastSeq.current === 0) return;
    const after = lastSeq.current;
    fetchAfter(after, KEEP)
      .then((gap) => {
        take(gap);
        setNotice(
          gap.length === 0
            ? 'Reconnected: nothing happened while the stream was down.'
            : gap.length >= KEEP
              ? `Reconnected: more than ${KEEP} entries arrived while the stream was down; the latest are shown, Journal search has them all.`
              : `Reconnected: ${gap.length} ${gap.length === 1 ? 'entry' : 'entries'} from while the stream was down added.`,
        );
      })
      .catch(() =>
        setNotice(
          'Reconnected, but what happened while the stream was down could not be read: see Journal search.',
        ),
      );
  }, [generation, fetchAfter]);

  // Names are kept for what is listed or held, no more.
  useEffect(() => keepOnly(new Set([...entries, ...held].map((e) => e.seq))), [entries, held, keepOnly]);

  const resume = () => {
    setEntries((prev) => newestFirst([...held, ...prev]).slice(0, KEEP));
    setHeld([]);
    setPaused(false);
  };
  // An entry shows once the gateway has worded it (a moment after it arrives): never its bare type
  // first and words a moment later. One the gateway could not word shows in its type's words.
  const worded = useMemo(
    () => entries.filter((e) => named.has(e.seq) || failed.has(e.seq)),
    [entries, named, failed],
  );
  const shown = useMemo(
    () => (kind === 'all' ? worded : worded.filter((e) => kindOf(e.type)?.id === kind)),
    [worded, kind],
  );
  const down = status !== 'live' && status !== 'connecting';

  return (
    <section className="jr-page">
      <header className="page-header jr-live-header">
        <h2>Live events</h2>
        <span
          className={`jr-stream ${status === 'live' ? 'up' : down ? 'down' : 'waiting'}`}
          data-testid="stream-state"
        >
          {down ? <WifiOff aria-hidden="true" size={14} /> : <Radio aria-hidden="true" size={14} />}
          {STATUS_WORDS[status]}
        </span>
      </header>
      <div className="jr-live-controls">
        {paused ? (
          <button type="button" onClick={resume}>
            <Play aria-hidden="true" size={14} /> Resume ({held.length} new)
          </button>
        ) : (
          <button type="button" onClick={() => setPaused(true)}>
            <Pause aria-hidden="true" size={14} /> Pause
          </button>
        )}
        <label className="jr-inline">
          Show
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="all">Every kind of event</option>
            {EVENT_KINDS.map((k) => (
              <option key={k.id} value={k.id}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <span className="jr-muted jr-small">
          The latest {KEEP} are kept here; the Journal page finds everything older.
        </span>
      </div>
      {down && (
        <p className="jr-stale" role="alert" data-testid="live-down">
          <WifiOff aria-hidden="true" size={16} />
          The live stream is down: nothing new shows here until it is back. What happens meanwhile is added
          when it returns.
        </p>
      )}
      {paused && (
        <p className="jr-paused" role="status">
          Paused: {held.length} new {held.length === 1 ? 'entry' : 'entries'} held
          {held.length >= KEEP ? ` (the latest ${KEEP})` : ''}.
        </p>
      )}
      {notice && (
        <p className="jr-notice" role="status">
          {notice}
        </p>
      )}
      <ol
        className={`jr-feed${down ? ' jr-feed-stale' : ''}`}
        data-testid="live-feed"
        aria-label="Events, newest first"
      >
        {shown.map((e) => (
          <LiveItem key={e.seq} entry={e} named={named.get(e.seq)} timeZone={timeZone} />
        ))}
        {shown.length === 0 && (
          <li className="jr-empty">
            {worded.length === 0 ? 'Waiting for events…' : 'No event of this kind yet.'}
          </li>
        )}
      </ol>
    </section>
  );
};

/** One event: the site's time, what happened in words, and who, which card, where, why. */
const LiveItem = ({
  entry,
  named,
  timeZone,
}: {
  entry: JournalEntry;
  named: NamedEntryView | undefined;
  timeZone: string;
}) => {
  const time = siteDateTime(entry.time, timeZone).slice(11);
  const kind = kindOf(entry.type);
  const by = entry.actor && entry.actor.kind !== 'system' ? actorInWords(named ?? entry) : null;
  return (
    <li className={`jr-feed-item kind-${kind?.id ?? 'other'}`} data-seq={entry.seq}>
      <time dateTime={entry.time} title={`${siteDateTime(entry.time, timeZone)} (${timeZone})`}>
        {time}
      </time>
      <div className="jr-feed-words">
        <span className="jr-feed-sentence">{named ? sentence(named) : `${typeInWords(entry.type)}.`}</span>
        {named && reasonWorthSaying(named) && <span className="jr-muted"> {reasonWorthSaying(named)}</span>}
        {by && <span className="jr-muted"> By {by}.</span>}
      </div>
      {named && <ResultBadge result={named.row.result} />}
    </li>
  );
};
