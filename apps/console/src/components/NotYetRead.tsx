import type { ReactNode } from 'react';

/**
 * What an empty list says: "Loading…" until its first answer, the page's own
 * sentence ("No serial readers are configured.") only once the gateway said so.
 * A list not yet read is not an empty list, and saying it is misleads for as
 * long as the read takes. `read`: the first answer came (false before it).
 */
export const EmptyRow = ({
  read,
  colSpan,
  children,
}: {
  read: boolean;
  colSpan: number;
  children: ReactNode;
}) => (
  <tr>
    <td className="empty" colSpan={colSpan} aria-busy={!read}>
      {read ? children : 'Loading…'}
    </td>
  </tr>
);

/** The same outside a table. */
export const EmptyNote = ({ read, children }: { read: boolean; children: ReactNode }) => (
  <p className="empty" aria-busy={!read}>
    {read ? children : 'Loading…'}
  </p>
);
