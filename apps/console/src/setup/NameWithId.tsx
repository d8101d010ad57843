import { useState } from 'react';
import { MAX_ID_LENGTH, slugFromName } from './slug';
import './setup.css';

/** A record's name and id as a form holds them: the id follows the name until typed by hand. */
export interface NamedDraft {
  id: string;
  name: string;
}

/** The id to send: the one typed under "Advanced", else the one made from the name. */
export const idOf = (draft: NamedDraft): string => draft.id.trim() || slugFromName(draft.name);

/**
 * A name field with its id made from it. The id is shown as a hint and can be
 * set by hand only under an "Advanced" disclosure: creating a door should not
 * ask for a developer concept (issue 11, item 8).
 */
export const NameWithId = ({
  kind,
  value,
  onChange,
  maxName = 120,
}: {
  /** The record in words, and the prefix of the inputs' names: "door", "zone", "schedule"… */
  kind: string;
  value: NamedDraft;
  onChange: (next: NamedDraft) => void;
  maxName?: number;
}) => {
  const [open, setOpen] = useState(false);
  const made = slugFromName(value.name);
  const hintId = `${kind}-id-hint`;
  return (
    <>
      <label>
        Name
        <input
          name={`${kind}-name`}
          value={value.name}
          maxLength={maxName}
          aria-describedby={hintId}
          onChange={(e) => onChange({ ...value, name: e.target.value })}
          required
        />
      </label>
      <p className="hint" id={hintId}>
        {value.id.trim()
          ? `Id (set by hand): ${value.id.trim()}`
          : made
            ? `Id: ${made}`
            : `The id is made from the name; a name without letters or digits needs one under Advanced.`}
      </p>
      <details
        className="advanced"
        open={open || (value.name.trim() !== '' && !made)}
        onToggle={(e) => setOpen(e.currentTarget.open)}
      >
        <summary>Advanced</summary>
        <label>
          Id (optional; letters, digits, . _ - up to {MAX_ID_LENGTH})
          <input
            name={`${kind}-id`}
            value={value.id}
            maxLength={MAX_ID_LENGTH}
            pattern="[A-Za-z0-9][A-Za-z0-9._\-]*"
            placeholder={made}
            onChange={(e) => onChange({ ...value, id: e.target.value })}
            required={!made}
          />
        </label>
      </details>
    </>
  );
};
