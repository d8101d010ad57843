import { useEffect, useState, type FormEvent } from 'react';
import type { CardholderDetail } from '@gatehouse/api';
import './setup.css';

export interface PersonFields {
  name: string;
  department: string | null;
  privileged: boolean;
  watchListed: boolean;
}

const fieldsOf = (p: CardholderDetail): PersonFields => ({
  name: p.name,
  department: p.department ?? null,
  privileged: p.privileged === true,
  watchListed: p.watchListed === true,
});

/**
 * A person's name, department and flags, edited in one form (issue 11, item 8).
 * Only what changed is sent, so a save never overwrites another manager's edit
 * of a field this one did not touch.
 */
export const PersonEdit = ({
  person,
  busy,
  onSave,
}: {
  person: CardholderDetail;
  busy: boolean;
  onSave: (changes: Partial<PersonFields>) => void;
}) => {
  const [fields, setFields] = useState(() => fieldsOf(person));
  useEffect(() => setFields(fieldsOf(person)), [person]);
  const before = fieldsOf(person);
  const changes = Object.fromEntries(
    (Object.keys(fields) as (keyof PersonFields)[])
      .filter((k) => fields[k] !== before[k])
      .map((k) => [k, k === 'department' ? fields.department?.trim() || null : fields[k]]),
  ) as Partial<PersonFields>;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave(changes);
  };
  return (
    <form className="person-edit" onSubmit={submit} data-testid="person-edit">
      <label>
        Name
        <input
          name="edit-person-name"
          value={fields.name}
          maxLength={120}
          onChange={(e) => setFields({ ...fields, name: e.target.value })}
          required
        />
      </label>
      <label>
        Department
        <input
          name="edit-person-department"
          value={fields.department ?? ''}
          maxLength={120}
          onChange={(e) => setFields({ ...fields, department: e.target.value })}
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          name="edit-person-privileged"
          checked={fields.privileged}
          onChange={(e) => setFields({ ...fields, privileged: e.target.checked })}
        />
        Privileged (may open doors during a lockdown)
      </label>
      <label className="check">
        <input
          type="checkbox"
          name="edit-person-watch"
          checked={fields.watchListed}
          onChange={(e) => setFields({ ...fields, watchListed: e.target.checked })}
        />
        On the watch list (refused at every door, with a silent alarm)
      </label>
      <button disabled={busy || Object.keys(changes).length === 0}>Save details</button>
    </form>
  );
};
