import { useEffect, useRef, useState } from 'react';
import { parseForDisplay, type JournalEntry } from '../api';
import { EntriesTable } from '../EntriesTable';

const KEEP = 300;

/** The live journal stream (SSE). The browser resumes after a drop with Last-Event-ID, so nothing is missed. */
export const LiveFeed = () => {
  const [entries, setEntries] = useState<JournalEntry[]>([]);
  const [state, setState] = useState<'connecting' | 'live' | 'reconnecting' | 'ended'>('connecting');
  const [paused, setPaused] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const pausedRef = useRef(paused);
  const held = useRef<JournalEntry[]>([]);
  pausedRef.current = paused;

  useEffect(() => {
    const source = new EventSource('/api/v1/events');
    source.onopen = () => setState('live');
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'ended' : 'reconnecting');
    source.addEventListener('entry', (ev) => {
      const entry = parseForDisplay<JournalEntry>((ev as MessageEvent<string>).data);
      if (pausedRef.current) held.current.unshift(entry);
      else setEntries((prev) => [entry, ...prev].slice(0, KEEP));
    });
    source.addEventListener('gap', () =>
      setNotice('More happened while disconnected than the stream replays: use Journal search for the gap.'),
    );
    source.addEventListener('end', () => {
      setState('ended');
      source.close();
    });
    return () => source.close();
  }, []);

  const resume = () => {
    setEntries((prev) => [...held.current, ...prev].slice(0, KEEP));
    held.current = [];
    setPaused(false);
  };

  return (
    <section>
      <header className="page-header">
        <h2>Live events</h2>
        <span className={`badge state-${state}`} data-testid="stream-state">
          {state}
        </span>
        {paused ? (
          <button onClick={resume}>Resume ({held.current.length})</button>
        ) : (
          <button onClick={() => setPaused(true)}>Pause</button>
        )}
      </header>
      {notice && <p className="warning">{notice}</p>}
      <EntriesTable entries={entries} testId="live-feed" empty="Waiting for events…" />
    </section>
  );
};
