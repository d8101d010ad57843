import { useEffect, useId, useState, type FormEvent } from 'react';
import type { AccountToMap, CardholderPage, CardholderView } from '@gatehouse/api';
import { api, describeError } from '../api';
import { ErrorAlert } from '../Feedback';
import './sessions.css';

/** Typing settles this long before the people are searched. */
const SEARCH_DELAY_MS = 250;
const SHOWN = 8;

/**
 * Picks the person an account is theirs, by name: the directory's name for the
 * account is searched first. A person who has another account is told it will
 * be replaced (a person keeps one).
 */
export const MapAccount = ({
  account,
  onMap,
  onCancel,
}: {
  account: AccountToMap;
  onMap: (cardholderId: string, name: string) => void;
  onCancel: () => void;
}) => {
  const titleId = useId();
  const [text, setText] = useState(account.directoryName ?? '');
  const [found, setFound] = useState<{ total: number; items: CardholderView[] } | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const q = text.trim();
    if (!q) return setFound(null);
    let cancelled = false;
    const timer = setTimeout(() => {
      api
        .get<CardholderPage>(`/api/v1/access/cardholders?limit=${SHOWN}&q=${encodeURIComponent(q)}`)
        .then((page) => {
          if (cancelled) return;
          setFound(page);
          setError(null);
        })
        .catch((e: unknown) => !cancelled && setError(describeError(e)));
    }, SEARCH_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [text]);

  const person = found?.items.find((c) => c.id === chosen) ?? null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!person) return setError('Choose the person this account is theirs.');
    onMap(person.id, person.name);
  };
  return (
    <form className="panel detail-panel map-account" aria-labelledby={titleId} onSubmit={submit}>
      <h3 id={titleId}>
        Map <code>{account.account}</code> to a person
      </h3>
      <label>
        Person&apos;s name
        <input
          type="search"
          value={text}
          // The panel opens on a click of its row's button: the search is where the operator goes next.
          autoFocus
          onChange={(e) => {
            setText(e.target.value);
            setChosen(null);
          }}
        />
      </label>
      <fieldset>
        <legend>
          {found === null
            ? 'Type part of a name to find the person.'
            : found.total === 0
              ? 'Nobody of that name.'
              : found.total > found.items.length
                ? `The first ${found.items.length} of ${found.total} people found: type more of the name to narrow.`
                : `${found.total === 1 ? 'One person' : `${found.total} people`} found.`}
        </legend>
        {found?.items.map((c) => (
          <label key={c.id} className="check">
            <input
              type="radio"
              name="person"
              value={c.id}
              checked={chosen === c.id}
              onChange={() => setChosen(c.id)}
            />
            {c.name}
            {c.department && <span className="hint"> ({c.department})</span>}
            {c.state !== 'active' && <span className="hint"> — {c.state}</span>}
            {c.directoryAccount && (
              <span className="hint">
                {' '}
                — has <code>{c.directoryAccount}</code>, which this replaces
              </span>
            )}
          </label>
        ))}
      </fieldset>
      <ErrorAlert error={error} />
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={!person}>
          {person ? `Map to ${person.name}` : 'Map'}
        </button>
      </div>
    </form>
  );
};
