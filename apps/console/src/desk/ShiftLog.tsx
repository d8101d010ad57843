import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { JournalSearchView, NamedEntryView } from '@gatehouse/api';
import { api, describeError, type JournalEntry } from '../api';
import { ErrorAlert } from '../Feedback';
import { actorLabel, formatTime } from '../format';
import { useLive } from '../shell/live';
import { useCan } from '../shell/permissions';
import { useSiteNames } from './site-names';
import { useStored } from './useStored';
import { SITE_TEXT_HINT } from '../components/privacy-hints';

/** What a shift's occurrence book holds: the notes, and the events a guard handled or must hand over. */
const SHIFT_TYPES = [
  'note.added',
  'alarm.*',
  'access.passback-forgiven',
  'door.forced',
  'door.held',
  'door.lockdown-started',
  'door.emergency-release-started',
  'door.lockdown-released',
];
const HOURS = ['8', '12', '24'] as const;

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** An entry of the log in words (the full entry stays in the journal search). */
const inWords = (e: JournalEntry, doorName: (id: string | null) => string | null): string => {
  const p = e.payload as Record<string, unknown>;
  const door = doorName(e.subjects.find((s) => s.kind === 'door')?.id ?? null);
  const at = door ? ` at ${door}` : '';
  switch (e.type) {
    case 'note.added':
      return str(p.text) ?? '';
    case 'access.passback-forgiven':
      return `Anti-passback forgiven${str(p.cardholderId) ? '' : ' for everyone'}: ${str(p.reason) ?? ''}`;
    case 'door.forced':
      return `Forced open${at}`;
    case 'door.held':
      return `Held open${at}`;
    default: {
      const [what, how] = e.type.split('.');
      const words = `${what ?? ''} ${(how ?? '').replace(/-/g, ' ')}`.trim();
      const detail = str(p.type) ?? str(p.reason) ?? str(p.comment);
      return `${words.charAt(0).toUpperCase()}${words.slice(1)}${detail ? `: ${detail.replace(/-/g, ' ')}` : ''}${at}`;
    }
  }
};

/**
 * The shift log (the occurrence book): this shift's notes and the events
 * handed over with them, newest first, live; a guard adds a note, which goes
 * into the journal with their name (POST /api/v1/journal/notes).
 */
export const ShiftLog = () => {
  const can = useCan();
  const { subscribe, generation } = useLive();
  const names = useSiteNames(generation, []);
  const [hours, setHours] = useStored('gatehouse.shift.hours', '12', HOURS);
  const [entries, setEntries] = useState<NamedEntryView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [noteError, setNoteError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const q = new URLSearchParams({
      from: new Date(Date.now() - Number(hours) * 3600_000).toISOString(),
      type: SHIFT_TYPES.join(','),
      limit: '200',
    });
    try {
      // The search, not the plain journal: its entries name the operator who acted by display name.
      setEntries((await api.background<JournalSearchView>(`/api/v1/journal/search?${q.toString()}`)).items);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  }, [hours]);
  useEffect(() => {
    void load();
    let pending: ReturnType<typeof setTimeout> | null = null;
    const off = subscribe((e) => {
      if (
        !/^(note\.|alarm\.|access\.passback|door\.(forced|held|lockdown|emergency))/.test(e.type) ||
        pending
      )
        return;
      pending = setTimeout(() => {
        pending = null;
        void load();
      }, 200);
    });
    return () => {
      off();
      if (pending) clearTimeout(pending);
    };
  }, [load, subscribe, generation]);
  useEffect(() => {
    if (!saved) return;
    const t = setTimeout(() => setSaved(null), 6000);
    return () => clearTimeout(t);
  }, [saved]);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const note = text.trim();
    if (!note) return setNoteError('Write the note first.');
    setSaving(true);
    setNoteError(null);
    try {
      await api.post('/api/v1/journal/notes', { text: note });
      setText('');
      setSaved('Note added to the log.');
      await load();
    } catch (err) {
      setNoteError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  const notes = (entries ?? []).filter((e) => e.type === 'note.added');
  return (
    <section className="desk-screen">
      <header className="page-header">
        <h2>Shift log</h2>
        <label>
          Shift
          <select value={hours} onChange={(e) => setHours(e.target.value as (typeof HOURS)[number])}>
            {HOURS.map((h) => (
              <option key={h} value={h}>
                last {h} hours
              </option>
            ))}
          </select>
        </label>
      </header>
      {can('journal.note') && (
        <form className="note-form" onSubmit={(e) => void add(e)}>
          <label htmlFor="shift-note">Add a note to the log</label>
          <textarea
            id="shift-note"
            value={text}
            maxLength={2000}
            rows={3}
            onChange={(e) => setText(e.target.value)}
            aria-describedby="shift-note-hint"
            aria-invalid={noteError ? true : undefined}
          />
          <span id="shift-note-hint" className="hint">
            What happened, what you did, what the next shift must know (up to 2000 characters). Notes are kept
            in the journal with your name and cannot be changed. {SITE_TEXT_HINT}
          </span>
          {noteError && (
            <p className="error" role="alert">
              {noteError}
            </p>
          )}
          <div>
            <button type="submit" disabled={saving}>
              Add note
            </button>{' '}
            <span className="ok" role="status">
              {saved ?? ''}
            </span>
          </div>
        </form>
      )}
      <ErrorAlert error={error} />
      <p className="hint" data-testid="shift-count">
        {entries === null
          ? 'Reading…'
          : `${notes.length} note${notes.length === 1 ? '' : 's'} and ${entries.length - notes.length} events in the last ${hours} hours.`}
      </p>
      <table className="entries" data-testid="shift-log">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Kind</th>
            <th scope="col">By</th>
            <th scope="col">What</th>
          </tr>
        </thead>
        <tbody>
          {(entries ?? []).map((e) => (
            <tr key={e.seq} className={e.type === 'note.added' ? 'note' : undefined}>
              <td>{formatTime(e.time)}</td>
              <td>{e.type === 'note.added' ? 'Note' : 'Event'}</td>
              <td>{e.actor ? actorLabel(e) : 'Gatehouse'}</td>
              <td className="what">{inWords(e, names.door)}</td>
            </tr>
          ))}
          {entries !== null && entries.length === 0 && (
            <tr>
              <td colSpan={4} className="empty">
                Nothing in the log for this shift yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
};
