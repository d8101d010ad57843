import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { CreditCard, DoorOpen, Search, User, X } from 'lucide-react';
import type { JournalSuggestions } from '@gatehouse/api';
import { api } from '../api';
import type { Chosen } from './search-state';

interface Option extends Chosen {
  /** A second line: a door's zone, a card's holder. */
  hint: string | null;
}
const GROUPS: { kind: Chosen['kind']; label: string }[] = [
  { kind: 'person', label: 'People' },
  { kind: 'door', label: 'Doors' },
  { kind: 'credential', label: 'Cards' },
];
export const KIND_WORD: Record<Chosen['kind'], string> = {
  person: 'Person',
  door: 'Door',
  credential: 'Card',
};
export const KindIcon = ({ kind }: { kind: Chosen['kind'] }) => {
  const Icon = kind === 'person' ? User : kind === 'door' ? DoorOpen : CreditCard;
  return <Icon aria-hidden="true" size={16} />;
};

const optionsOf = (s: JournalSuggestions): Option[] => [
  ...s.people.map((p) => ({ kind: 'person' as const, id: p.id, label: p.name, hint: null })),
  ...s.doors.map((d) => ({ kind: 'door' as const, id: d.id, label: d.name, hint: d.zone })),
  ...s.cards.map((c) => ({
    kind: 'credential' as const,
    id: c.id,
    label: c.card,
    hint: c.person ? `${c.person}'s card` : null,
  })),
];

/** Wait after the last key before asking for suggestions: a word typed quickly is one request. */
const SUGGEST_DELAY_MS = 150;

/**
 * The journal search's one box (ARIA 1.2 combobox with a list popup): typing
 * offers people, doors and cards by name; arrows move through them, Enter
 * chooses one (with none highlighted, a name typed out in full is chosen, and
 * other text is searched as text), Escape
 * closes the list and then clears the box.
 */
export const SearchBox = ({
  text,
  onText,
  onChoose,
  onSubmit,
}: {
  text: string;
  onText: (text: string) => void;
  onChoose: (chosen: Chosen) => void;
  onSubmit: () => void;
}) => {
  const id = useId();
  const listId = `${id}-list`;
  const [options, setOptions] = useState<Option[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [status, setStatus] = useState('');
  const typed = useRef(false);

  useEffect(() => {
    const q = text.trim();
    if (!typed.current || q.length === 0) {
      setOptions([]);
      setOpen(false);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      api
        .get<JournalSuggestions>(`/api/v1/journal/suggest?q=${encodeURIComponent(q.slice(0, 100))}`)
        .then((s) => {
          if (cancelled) return;
          const found = optionsOf(s);
          setOptions(found);
          setActive(-1);
          setOpen(found.length > 0);
          setStatus(
            found.length === 0
              ? 'No person, door or card by that name. Enter searches the text.'
              : `${found.length} suggestion${found.length === 1 ? '' : 's'}: arrow keys to choose.`,
          );
        })
        .catch(() => !cancelled && setOptions([]));
    }, SUGGEST_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [text]);

  const choose = (o: Option) => {
    typed.current = false;
    setOpen(false);
    setOptions([]);
    setActive(-1);
    onChoose({ kind: o.kind, id: o.id, label: o.label });
    setStatus(`${KIND_WORD[o.kind]} ${o.label} chosen.`);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const n = options.length;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (n === 0) return;
        setOpen(true);
        setActive((a) => (open ? (a + 1) % n : 0));
        return;
      case 'ArrowUp':
        e.preventDefault();
        if (n === 0) return;
        setOpen(true);
        setActive((a) => (open ? (a <= 0 ? n - 1 : a - 1) : n - 1));
        return;
      case 'Enter': {
        e.preventDefault();
        // Typed out in full, a name is as good as chosen: "Ann Archer" finds every entry about her,
        // where the text alone finds only those that spell it out.
        const typedName = text.trim().toLowerCase();
        const o =
          open && active >= 0
            ? options[active]
            : options.length > 0
              ? options.find((x) => x.label.toLowerCase() === typedName)
              : undefined;
        if (o) choose(o);
        else {
          setOpen(false);
          onSubmit();
        }
        return;
      }
      case 'Escape':
        e.preventDefault();
        if (open) setOpen(false);
        else {
          typed.current = false;
          onText('');
        }
        setActive(-1);
        return;
      case 'Tab':
        setOpen(false);
        return;
    }
  };

  const activeOption = open && active >= 0 ? options[active] : undefined;
  const optionId = (o: Option) => `${id}-${o.kind}-${options.indexOf(o)}`;
  return (
    <div className="jr-combo">
      <label htmlFor={`${id}-input`} className="jr-combo-label">
        Search by a person, door or card number, or any text
      </label>
      <div className="jr-combo-field">
        <Search aria-hidden="true" size={18} className="jr-combo-icon" />
        <input
          id={`${id}-input`}
          type="text"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeOption ? optionId(activeOption) : undefined}
          autoComplete="off"
          spellCheck={false}
          placeholder="Ann Archer, Front door, 12-345…"
          value={text}
          onChange={(e) => {
            typed.current = true;
            onText(e.target.value);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setOpen(false)}
          onFocus={() => options.length > 0 && typed.current && setOpen(true)}
        />
        {text && (
          <button
            type="button"
            className="link jr-icon-button"
            aria-label="Clear what is typed"
            onClick={() => {
              typed.current = false;
              onText('');
            }}
          >
            <X aria-hidden="true" size={16} />
          </button>
        )}
      </div>
      <ul id={listId} role="listbox" aria-label="Suggestions" className="jr-combo-list" hidden={!open}>
        {GROUPS.map((g) => {
          const members = options.filter((o) => o.kind === g.kind);
          if (members.length === 0) return null;
          return (
            <li key={g.kind} role="presentation">
              <div className="jr-combo-group" id={`${id}-group-${g.kind}`} aria-hidden="true">
                {g.label}
              </div>
              <ul role="group" aria-labelledby={`${id}-group-${g.kind}`}>
                {members.map((o) => (
                  <li
                    key={o.id}
                    id={optionId(o)}
                    role="option"
                    aria-selected={o === activeOption}
                    className={o === activeOption ? 'active' : undefined}
                    // Chosen before the input's blur closes the list.
                    onMouseDown={(e) => {
                      e.preventDefault();
                      choose(o);
                    }}
                  >
                    <KindIcon kind={o.kind} />
                    <span className="jr-option-label">{o.label}</span>
                    {o.hint && <span className="jr-option-hint">{o.hint}</span>}
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
      <p className="jr-visually-hidden" role="status" aria-live="polite">
        {status}
      </p>
    </div>
  );
};
