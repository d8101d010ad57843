import { useEffect, useState } from 'react';
import { useShortcuts } from './shortcuts';
import type { AlarmHistoryView } from '@gatehouse/api';
import { api, describeError } from '../api';
import { AlarmEvidence } from '../correlation/AlarmEvidence';

/** One alarm's history from the journal, oldest first: who did what, when (site time), and why. */
export const AlarmDetail = ({
  alarmId,
  version,
  title,
  priority,
  onClose,
}: {
  alarmId: string;
  /** Changes whenever the alarm does (acknowledged, escalated, repeated): the history is read again. */
  version: string;
  title: string;
  /** Its priority now, as its row says it ("Critical ↑1"): the evidence's rule severity is only where it began. */
  priority: { level: string; words: string };
  onClose: () => void;
}) => {
  const [history, setHistory] = useState<AlarmHistoryView | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Escape closes it, as it closes a dialog (not while one is open: Escape is the dialog's then).
  useShortcuts({ Escape: onClose });
  useEffect(() => {
    api
      .get<AlarmHistoryView>(`/api/v1/alarms/${encodeURIComponent(alarmId)}/history`)
      .then(setHistory)
      .catch((e: unknown) => setError(describeError(e)));
  }, [alarmId, version]);
  return (
    <section className="alarm-detail" aria-label={`History of ${title}`} data-testid="alarm-detail">
      <header className="page-header">
        <h3>
          {title}: history <span className="alarm-detail-priority">({priority.words})</span>
        </h3>
        <button className="link" onClick={onClose}>
          Close
        </button>
      </header>
      {error && <p className="error">{error}</p>}
      {history && (
        <>
          <p className="instructions">{history.alarm.instructions}</p>
          <ol className="alarm-history">
            {history.items.map((c) => (
              <li key={c.seq}>
                <time dateTime={c.time}>{c.siteTime}</time> {c.what}
                {c.by ? ` by ${c.by}` : ' (automatic)'}
                {typeof c.text === 'string' && c.text ? `: “${c.text}”` : ''}
              </li>
            ))}
            {history.items.length === 0 && <li>Nothing journaled for this alarm yet.</li>}
          </ol>
          <AlarmEvidence alarmId={alarmId} type={history.alarm.type} version={version} priority={priority} />
        </>
      )}
    </section>
  );
};
