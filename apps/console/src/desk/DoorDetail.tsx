import { useEffect, useId, useRef, useState } from 'react';
import type { BoardDoor, JournalSearchView, NamedEntryView } from '@gatehouse/api';
import { api, describeError } from '../api';
import { formatClock } from '../format';
import { age, contactWord, lockWord, stateWord } from './labels';
import type { SiteOverride } from './lockdown';

/** How many of the door's journal entries the detail lists: the last minutes of a door, not its year. */
const HISTORY = 15;

/**
 * One door opened from its tile (click or Enter): its state in words and
 * since when, lock and contact, the last people through and its recent
 * history from the journal. `door` is the board's own, so the state stays
 * live; the history is re-read when the door's state changes.
 */
export const DoorDetail = ({
  door: d,
  zone,
  now,
  override,
  canSearch,
  onClose,
}: {
  door: BoardDoor;
  zone: string | null;
  now: number;
  override: SiteOverride | null;
  /** The role may search the journal: else the history is not offered. */
  canSearch: boolean;
  onClose: () => void;
}) => {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [entries, setEntries] = useState<NamedEntryView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  useEffect(() => {
    if (!canSearch) return;
    let current = true;
    api
      .background<JournalSearchView>(
        `/api/v1/journal/search?door=${encodeURIComponent(d.doorId)}&limit=${HISTORY}`,
      )
      .then(
        (r) => current && setEntries(r.items),
        (e: unknown) => current && setError(describeError(e)),
      );
    return () => {
      current = false;
    };
  }, [d.doorId, d.since, d.phase, canSearch]);
  const held = override?.doorIds.has(d.doorId) ? override.kind : null;
  const since = d.since ? Date.parse(d.since) : null;
  const people = (entries ?? [])
    .filter((e) => e.type === 'access.granted')
    .slice(0, 5)
    .map((e) => ({ seq: e.seq, who: e.names.person ?? 'a person (name not shown)', at: e.siteTime }));
  const close = () => {
    ref.current?.close();
    onClose();
  };
  return (
    <dialog
      ref={ref}
      className="action-dialog door-detail"
      aria-labelledby={titleId}
      onCancel={onClose}
      data-testid="door-detail"
    >
      <h2 id={titleId}>{d.name}</h2>
      {zone && <p className="hint">{zone}</p>}
      <dl className="door-facts">
        <dt>State</dt>
        <dd data-testid="door-detail-state">
          {stateWord(d, held)}
          {since !== null && ` since ${formatClock(since)} (for ${age(since, now)})`}
        </dd>
        <dt>Lock</dt>
        <dd>{lockWord(d)}</dd>
        <dt>Contact</dt>
        <dd>{contactWord(d)}</dd>
      </dl>
      {canSearch ? (
        <>
          <h3>Last people through</h3>
          {entries === null && !error && <p className="hint">Reading the journal…</p>}
          {entries !== null && people.length === 0 && <p className="hint">Nobody in the recent history.</p>}
          {people.length > 0 && (
            <ul className="door-people" data-testid="door-detail-people">
              {people.map((p) => (
                <li key={p.seq}>
                  {p.who}, {p.at}
                </li>
              ))}
            </ul>
          )}
          <h3>Recent history</h3>
          {error && <p className="error">{error}</p>}
          {entries !== null && entries.length === 0 && <p className="hint">Nothing in the journal yet.</p>}
          {entries !== null && entries.length > 0 && (
            <ol className="door-history" data-testid="door-detail-history">
              {entries.map((e) => (
                <li key={e.seq}>
                  <time>{e.siteTime}</time> {e.line}
                </li>
              ))}
            </ol>
          )}
        </>
      ) : (
        <p className="hint">Your role does not search the journal: the door's history is not shown.</p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={close} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
};
