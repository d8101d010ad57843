import { useState } from 'react';

/**
 * Ids are for installers and the API: behind "advanced", never in the way of
 * names (CONSOLE.md). One toggle per page, off by default; `ids(...)` shows a
 * record's ids after its name only while it is on.
 */
export const useShowIds = () => {
  const [shown, setShown] = useState(false);
  const toggle = (
    <label className="check advanced-ids">
      <input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} />
      Show ids (advanced)
    </label>
  );
  const ids = (...values: string[]) =>
    shown && values.length > 0 ? (
      <small className="ids">
        {' '}
        <code>{values.join(', ')}</code>
      </small>
    ) : null;
  return { toggle, shown, ids };
};
