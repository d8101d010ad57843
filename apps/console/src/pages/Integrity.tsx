import { useEffect, useState } from 'react';
import { api, describeError } from '../api';
import { formatTime } from '../format';
import type { CheckpointView, Items, VerifyReport } from '@gatehouse/api';
import { EmptyRow } from '../components/NotYetRead';
import { ErrorAlert } from '../Feedback';

export const Integrity = () => {
  const [checkpoints, setCheckpoints] = useState<CheckpointView[] | null>(null);
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .get<Items<CheckpointView>>('/api/v1/journal/checkpoints')
      .then((r) => setCheckpoints(r.items))
      .catch((e: unknown) => setError(describeError(e)));
  }, [report]);

  const verify = async () => {
    setBusy(true);
    setError(null);
    try {
      setReport(await api.get<VerifyReport>('/api/v1/journal/verify'));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <header className="page-header">
        <h2>Journal integrity</h2>
        <button onClick={() => void verify()} disabled={busy}>
          {busy ? 'Verifying…' : 'Verify the whole journal'}
        </button>
        <a className="button secondary" href="/api/v1/journal/public-key" download>
          Download public key
        </a>
      </header>
      <ErrorAlert error={error} />
      {report && (
        <div className={report.ok ? 'ok-box' : 'error-box'} data-testid="verify-report">
          {report.ok ? (
            <p>
              Verified: {report.entries} entries under {report.checkpoints} signed checkpoints. Root{' '}
              <code>{report.rootHash.slice(0, 16)}…</code>
              {report.uncheckpointedEntries > 0 &&
                ` (${report.uncheckpointedEntries} newest entries await the next checkpoint)`}
            </p>
          ) : (
            <p>
              Verification FAILED at {report.firstProblem?.kind}{' '}
              {report.firstProblem?.seq ?? report.firstProblem?.checkpointId}: {report.firstProblem?.reason}
            </p>
          )}
        </div>
      )}
      <h3>Signed checkpoints</h3>
      <table className="entries">
        <thead>
          <tr>
            <th>#</th>
            <th>Time</th>
            <th>Tree size</th>
            <th>Root</th>
            <th>Key</th>
          </tr>
        </thead>
        <tbody>
          {(checkpoints ?? []).length === 0 && (
            <EmptyRow read={checkpoints !== null} colSpan={5}>
              No checkpoint signed yet.
            </EmptyRow>
          )}
          {(checkpoints ?? []).map((c) => (
            <tr key={c.id}>
              <td>{c.id}</td>
              <td>{formatTime(c.time)}</td>
              <td>{c.treeSize}</td>
              <td>
                <code>{c.rootHash.slice(0, 24)}…</code>
              </td>
              <td>
                <code>{c.keyId}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
};
