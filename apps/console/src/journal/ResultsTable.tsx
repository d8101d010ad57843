import type { NamedEntryView } from '@gatehouse/api';
import { ResultBadge } from './ResultBadge';
import { reasonWorthSaying } from './words';

/** The site's time without its offset (the column header names the zone). */
const wall = (time: string) => time.replace(/ [+-]\d\d:\d\d$/, '');

/**
 * Search results as people read them: the site's time, the event in words,
 * names. Each event is a button that opens the entry (reachable by Tab, opened
 * with Enter); the table scrolls sideways on a phone, in a focusable region.
 */
export const ResultsTable = ({
  items,
  timeZone,
  selectedSeq,
  onOpen,
  empty,
}: {
  items: NamedEntryView[];
  timeZone: string;
  selectedSeq: number | null;
  onOpen: (entry: NamedEntryView) => void;
  empty: string | null;
}) => (
  <div className="jr-table-wrap" role="region" aria-label="Journal entries found" tabIndex={0}>
    <table className="jr-table" data-testid="journal-results">
      <thead>
        <tr>
          <th scope="col">Time ({timeZone})</th>
          <th scope="col">Event</th>
          <th scope="col">Person</th>
          <th scope="col">Card</th>
          <th scope="col">Door</th>
          <th scope="col">Result</th>
          <th scope="col">Reason</th>
          <th scope="col">Operator</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.seq} className={selectedSeq === e.seq ? 'selected' : undefined} data-seq={e.seq}>
            <td className="jr-time" title={`${e.time} UTC`} data-label="Time">
              {wall(e.row.time)}
            </td>
            <td>
              <button
                type="button"
                className="link jr-open"
                aria-expanded={selectedSeq === e.seq}
                onClick={() => onOpen(e)}
              >
                {e.row.event}
              </button>
            </td>
            <td data-label="Person">{e.row.person}</td>
            <td data-label="Card">{e.row.card}</td>
            <td data-label="Door">{e.row.door}</td>
            <td>
              <ResultBadge result={e.row.result} />
            </td>
            <td data-label="Reason">{reasonWorthSaying(e)}</td>
            <td data-label="Operator">{e.row.operator}</td>
          </tr>
        ))}
        {items.length === 0 && empty && (
          <tr>
            <td colSpan={8} className="jr-empty">
              {empty}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  </div>
);
