import { useEffect, useState } from 'react';
import type { CorrelationAlertView } from '@gatehouse/api';
import { api, ApiError, describeError } from '../api';
import { useCan } from '../shell/permissions';
import { EvidenceTimeline } from './EvidenceTimeline';
import { isCorrelationAlarm } from './rules';

/**
 * The evidence timeline of an alarm a correlation rule raised, for the
 * alarm's detail on the guard desk; nothing for other alarms or for a role
 * that may not read correlation evidence.
 */
export const AlarmEvidence = ({
  alarmId,
  type,
  version,
  priority,
}: {
  alarmId: string;
  type: string;
  version: string;
  /** The alarm's priority now (escalated since, perhaps): said instead of the rule's severity. */
  priority: { level: string; words: string };
}) => {
  const can = useCan();
  const wanted = isCorrelationAlarm(type) && can('correlation.read');
  const [alert, setAlert] = useState<CorrelationAlertView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!wanted) return;
    setError(null);
    api
      .get<CorrelationAlertView>(`/api/v1/correlation/alarms/${encodeURIComponent(alarmId)}`)
      .then(setAlert)
      .catch((e: unknown) =>
        setError(
          e instanceof ApiError && e.status === 404
            ? 'The evidence of this alarm is not in the journal (raised before evidence was kept).'
            : describeError(e),
        ),
      );
  }, [wanted, alarmId, version]);
  if (!wanted) return null;
  if (error) return <p className="error">{error}</p>;
  return alert ? (
    <EvidenceTimeline alert={alert} headingLevel={4} priority={priority} />
  ) : (
    <p className="loading">Loading the evidence…</p>
  );
};
