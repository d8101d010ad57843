import type { JournalEntry } from './api';
import { actorLabel, category, formatTime, summary } from './format';

/** The one way journal entries are listed: live feed, search results, later incident timelines. */
export const EntriesTable = ({
  entries,
  testId,
  empty,
  selectedSeq,
  onSelect,
}: {
  entries: JournalEntry[];
  testId: string;
  empty?: string;
  selectedSeq?: number;
  onSelect?: (entry: JournalEntry) => void;
}) => (
  <table className="entries" data-testid={testId}>
    <thead>
      <tr>
        <th>#</th>
        <th>Time</th>
        <th>Type</th>
        <th>By</th>
        <th>Details</th>
      </tr>
    </thead>
    <tbody>
      {entries.map((e) => (
        <tr
          key={e.seq}
          onClick={onSelect ? () => onSelect(e) : undefined}
          className={`cat-${category(e.type)}${selectedSeq === e.seq ? ' selected' : ''}`}
        >
          <td>{e.seq}</td>
          <td>{formatTime(e.time)}</td>
          <td>{e.type}</td>
          <td>{actorLabel(e)}</td>
          <td>{summary(e)}</td>
        </tr>
      ))}
      {entries.length === 0 && empty && (
        <tr>
          <td colSpan={5} className="empty">
            {empty}
          </td>
        </tr>
      )}
    </tbody>
  </table>
);
