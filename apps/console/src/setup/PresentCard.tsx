import { useEffect, useState } from 'react';
import type { JournalEntry } from '../api';
import { ErrorNote, SuccessNote, type Success } from '../components/Notes';
import { useLive } from '../shell/live';
import './setup.css';

/** A reader as a manager knows it: by its door and direction. */
export interface ReaderChoice {
  id: string;
  label: string;
}

/** The card a reader read, as the decision's journal entry carries it. */
export interface CardRead {
  format: string;
  number: string;
  /** Set when the card is already issued: enrolling it again would be refused. */
  alreadyIssued: boolean;
}

/** How long the console listens for the card before giving up: a forgotten wait must not fill a later form. */
const WAIT_MS = 120_000;

/** The card of an access decision at the given reader, or null; every field checked (the stream is data, not trust). */
export const cardReadAt = (entry: JournalEntry, readerId: string): CardRead | null => {
  if (entry.type !== 'access.denied' && entry.type !== 'access.granted') return null;
  const payload = entry.payload as Record<string, unknown> | null;
  if (!payload || typeof payload !== 'object' || payload.readerId !== readerId) return null;
  const credential = payload.credential as Record<string, unknown> | null | undefined;
  if (!credential || typeof credential.format !== 'string' || typeof credential.number !== 'string') {
    return null; // redacted for this role, or not a card
  }
  return {
    format: credential.format,
    number: credential.number,
    alreadyIssued: typeof payload.credentialId === 'string',
  };
};

/**
 * Enrol a card by presenting it: the manager picks a reader, presses "Wait for
 * a card", and the next card read there (seen on the live stream as the
 * reader's access decision, usually "unknown card") fills the card number.
 */
export const PresentCard = ({
  readers,
  onRead,
}: {
  readers: ReaderChoice[];
  onRead: (card: CardRead) => void;
}) => {
  const live = useLive();
  const [readerId, setReaderId] = useState('');
  const [waiting, setWaiting] = useState(false);
  // A card read is a success that fades; a timeout or a card already issued is a problem that stays.
  const [read, setRead] = useState<Success | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!waiting || !readerId) return;
    const timer = setTimeout(() => {
      setWaiting(false);
      setProblem('No card was read in two minutes; press "Wait for a card" to try again.');
    }, WAIT_MS);
    const off = live.subscribe((entry) => {
      const card = cardReadAt(entry, readerId);
      if (!card) return;
      setWaiting(false);
      if (card.alreadyIssued)
        setProblem(`Card ${card.number} is already issued to someone; present a new card.`);
      else {
        setRead((r) => ({ text: `Card ${card.number} read.`, n: (r?.n ?? 0) + 1 }));
        onRead(card);
      }
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [waiting, readerId, live, onRead]);

  return (
    <div className="present-card" data-testid="present-card">
      <label>
        Reader to present the card at
        <select
          name="present-reader"
          value={readerId}
          onChange={(e) => {
            setReaderId(e.target.value);
            setWaiting(false);
          }}
        >
          <option value="">choose a reader</option>
          {readers.map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      {waiting ? (
        <button type="button" className="secondary" onClick={() => setWaiting(false)}>
          Stop waiting
        </button>
      ) : (
        <button
          type="button"
          disabled={!readerId || live.status !== 'live'}
          onClick={() => {
            setProblem(null);
            setRead(null);
            setWaiting(true);
          }}
        >
          Wait for a card
        </button>
      )}
      <p className="hint" role="status">
        {waiting
          ? 'Present the card at the reader now (waiting up to two minutes)…'
          : live.status !== 'live'
            ? 'The live stream is not connected: type the card number instead.'
            : ''}
      </p>
      <SuccessNote success={read} />
      <ErrorNote error={problem} onDismiss={() => setProblem(null)} />
    </div>
  );
};
