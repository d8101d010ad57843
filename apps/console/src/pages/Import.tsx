import { useState } from 'react';
import { sendFile } from '../api';
import type { ImportReport } from '../access-api';
import { useAction } from '../Feedback';

const COLUMNS =
  'employee_number, name, department, directory_account, kind, state, levels, groups, credential_format, credential_number, credential_state, valid_from, valid_until';

/** The import wizard: choose a file, read the dry run (every bad line named), then apply it in one step. */
export const Import = () => {
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const { run, view, busy } = useAction();
  const send = (mode: 'dry-run' | 'apply') =>
    file &&
    void run(mode === 'apply' ? 'Imported.' : 'Checked.', async () =>
      setReport(
        await sendFile<ImportReport>(
          'POST',
          `/api/v1/access/import?mode=${mode}&fileName=${encodeURIComponent(file.name)}`,
          file,
          'text/csv',
        ),
      ),
    );
  return (
    <section>
      <header className="page-header">
        <h2>Import cardholders and credentials</h2>
      </header>
      <p className="hint">
        A CSV file in UTF-8 with a header row. Columns: {COLUMNS}. One row per credential; people are matched
        on employee_number. Nothing changes until you apply a file without errors, and then everything changes
        at once.
      </p>
      <div className="panel">
        <label>
          CSV file
          <input
            type="file"
            name="import-file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setReport(null);
            }}
          />
        </label>
        <button disabled={!file || busy} onClick={() => send('dry-run')}>
          Check (dry run)
        </button>
        <button
          disabled={!file || busy || !report || report.errors.length > 0 || report.applied}
          onClick={() => send('apply')}
        >
          Apply
        </button>
      </div>
      {view}
      {report && (
        <div data-testid="import-report" className={report.errors.length ? 'error-box' : 'ok-box'}>
          <p>
            {report.applied ? 'Applied' : 'Dry run'}: {report.rows} rows. People: {report.cardholders.create}{' '}
            new, {report.cardholders.update} changed, {report.cardholders.unchanged} unchanged. Credentials:{' '}
            {report.credentials.create} new, {report.credentials.update} changed,{' '}
            {report.credentials.unchanged} unchanged.
          </p>
          {report.errors.length > 0 && (
            <table className="entries">
              <thead>
                <tr>
                  <th>Line</th>
                  <th>Problem</th>
                </tr>
              </thead>
              <tbody>
                {report.errors.map((e, i) => (
                  <tr key={i}>
                    <td>{e.line}</td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
};
