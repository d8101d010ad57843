import { useEffect, useState } from 'react';
import type { CorrelationPreviewView, CorrelationRulesView, RuleId, Severity } from '@gatehouse/api';
import { api, describeError } from '../api';
import { RULE_NAMES } from '../correlation/rules';
import { changedSettingLines } from '../correlation/setting-keys';
import { useShowIds } from '../components/AdvancedIds';
import { ErrorAlert, useAction } from '../Feedback';
import { formatTime } from '../format';
import { PRIORITY_WORDS } from '../words';
import '../correlation/correlation.css';

type Draft = Record<RuleId, { enabled: boolean; severity: Severity; graceSeconds: number }>;
const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];

const draftOf = (v: CorrelationRulesView): Draft =>
  Object.fromEntries(
    v.rules.map((r) => [r.rule, { enabled: r.enabled, severity: r.severity, graceSeconds: r.graceSeconds }]),
  ) as Draft;

/** Only what differs from the settings in force: the preview lays it over them. */
const proposalOf = (v: CorrelationRulesView, d: Draft, burst: { count: number; windowMinutes: number }) => {
  const rules: Partial<Draft> = {};
  for (const r of v.rules) {
    const x = d[r.rule];
    if (x.enabled !== r.enabled || x.severity !== r.severity || x.graceSeconds !== r.graceSeconds)
      rules[r.rule] = x;
  }
  return { rules, denialBurst: burst };
};

/**
 * The correlation rules as configured (windows, grace, severity), what each
 * raised, saw withdrawn and had acknowledged over the last day and week, and
 * a preview: what a change would have raised over the last 7 days. The
 * settings are configuration (a file, changed by an administrator and on
 * record when the gateway starts with it), so this page changes nothing: it
 * shows how to make the change once the preview looks right.
 */
export const CorrelationRules = () => {
  const [view, setView] = useState<CorrelationRulesView | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [burst, setBurst] = useState({ count: 3, windowMinutes: 10 });
  const [preview, setPreview] = useState<CorrelationPreviewView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { run, busy, noteAt } = useAction();
  const advanced = useShowIds();
  useEffect(() => {
    api
      .get<CorrelationRulesView>('/api/v1/correlation/rules')
      .then((v) => {
        setView(v);
        setDraft(draftOf(v));
        setBurst(v.denialBurst);
      })
      .catch((e: unknown) => setError(describeError(e)));
  }, []);
  if (!view || !draft)
    return (
      <section>
        <header className="page-header">
          <h2>Correlation rules</h2>
        </header>
        <ErrorAlert error={error} />
        {!error && <p className="loading">Loading…</p>}
      </section>
    );
  const changes = changedSettingLines(view, draft, burst);
  const set = (rule: RuleId, change: Partial<Draft[RuleId]>) =>
    setDraft({ ...draft, [rule]: { ...draft[rule], ...change } });
  const runPreview = () =>
    run(
      '',
      async () =>
        setPreview(
          await api.post<CorrelationPreviewView>(
            '/api/v1/correlation/rules/preview',
            proposalOf(view, draft, burst),
          ),
        ),
      'preview',
    );
  return (
    <section>
      <header className="page-header">
        <h2>Correlation rules</h2>
      </header>
      {!view.enabled && (
        <p className="warning">
          The rules are turned off on this site: nothing is raised.
          {advanced.ids('correlation.enabled: false')}
        </p>
      )}
      <div className="panel" data-testid="how-to-change">
        <h3>How to change them</h3>
        <p>
          Read-only here: rule settings are changed by your administrator in the site’s configuration, and the
          change is on record from the moment the gateway starts with it. Try a change below first: the
          preview shows what it would have raised over the last week. Then ask your administrator to make it.
        </p>
        {advanced.toggle}
        {advanced.shown && (
          <div className="ids" data-testid="setting-keys">
            <p>
              For the administrator: the <code>{view.source.section}</code> section of{' '}
              <code>{view.source.file}</code>. {view.source.howToChange}
            </p>
            {changes.length > 0 && (
              <>
                <p>The change tried here, as configuration lines:</p>
                <pre>{changes.join('\n')}</pre>
              </>
            )}
          </div>
        )}
      </div>

      <h3 id="rules-heading">Settings, and a change to try</h3>
      <table className="entries rules-table" aria-labelledby="rules-heading">
        <thead>
          <tr>
            <th>Rule</th>
            <th>On</th>
            <th>Severity</th>
            <th>Grace (seconds)</th>
            <th>In force</th>
          </tr>
        </thead>
        <tbody>
          {view.rules.map((r) => (
            <tr key={r.rule}>
              <th scope="row">{RULE_NAMES[r.rule]}</th>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${RULE_NAMES[r.rule]} on`}
                  checked={draft[r.rule].enabled}
                  onChange={(e) => set(r.rule, { enabled: e.target.checked })}
                />
              </td>
              <td>
                <select
                  aria-label={`${RULE_NAMES[r.rule]} severity`}
                  value={draft[r.rule].severity}
                  onChange={(e) => set(r.rule, { severity: e.target.value as Severity })}
                >
                  {SEVERITIES.map((s) => (
                    <option key={s} value={s}>
                      {PRIORITY_WORDS[s]}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                {r.waitsForAbsence ? (
                  <input
                    type="number"
                    min={0}
                    max={3600}
                    aria-label={`${RULE_NAMES[r.rule]} grace in seconds`}
                    value={draft[r.rule].graceSeconds}
                    onChange={(e) =>
                      set(r.rule, { graceSeconds: Math.max(0, Math.min(3600, Number(e.target.value) || 0)) })
                    }
                  />
                ) : (
                  <span title="Raised at once: it rests on what happened, not on a missing event">
                    at once
                  </span>
                )}
              </td>
              <td>
                {r.enabled ? 'On' : 'Off'}, {PRIORITY_WORDS[r.severity]}
                {r.waitsForAbsence ? `, ${r.graceSeconds} s grace` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="inline-form">
        <label>
          Denial burst: refusals{' '}
          <input
            type="number"
            min={2}
            max={100}
            value={burst.count}
            onChange={(e) =>
              setBurst({ ...burst, count: Math.max(2, Math.min(100, Number(e.target.value) || 2)) })
            }
          />
        </label>
        <label>
          within minutes{' '}
          <input
            type="number"
            min={1}
            max={1440}
            value={burst.windowMinutes}
            onChange={(e) =>
              setBurst({ ...burst, windowMinutes: Math.max(1, Math.min(1440, Number(e.target.value) || 1)) })
            }
          />
        </label>
        <span className="hint">
          (in force: {view.denialBurst.count} within {view.denialBurst.windowMinutes} min; clocks may disagree
          by {view.skewToleranceSeconds} s)
        </span>
      </p>
      <p>
        <button onClick={() => void runPreview()} disabled={busy}>
          {busy ? 'Replaying the last 7 days…' : 'Preview over the last 7 days'}
        </button>
        <button
          className="link"
          onClick={() => {
            setDraft(draftOf(view));
            setBurst(view.denialBurst);
            setPreview(null);
          }}
        >
          Back to the settings in force
        </button>
      </p>
      {noteAt('preview')}
      {preview && <PreviewResult preview={preview} />}

      <h3 id="counts-heading">What the rules did</h3>
      <table className="entries" aria-labelledby="counts-heading" data-testid="rule-counts">
        <thead>
          <tr>
            <th>Rule</th>
            <th>Raised (day / week)</th>
            <th>Withdrawn (day / week)</th>
            <th>Acknowledged (day / week)</th>
          </tr>
        </thead>
        <tbody>
          {view.counts.map((c) => (
            <tr key={c.rule}>
              <th scope="row">{RULE_NAMES[c.rule]}</th>
              <td>
                {c.day.raised} / {c.week.raised}
              </td>
              <td>
                {c.day.withdrawn} / {c.week.withdrawn}
              </td>
              <td>
                {c.day.acknowledged} / {c.week.acknowledged}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
};

const PreviewResult = ({ preview }: { preview: CorrelationPreviewView }) => (
  <div className="panel preview-result" data-testid="preview-result" role="status">
    <h4>
      Over {formatTime(preview.from)} to {formatTime(preview.to)} ({preview.facts} events replayed; nothing
      was raised)
    </h4>
    {preview.truncated && (
      <p className="warning">
        The replay stopped early (too many events to replay in time): the counts are a lower bound.
      </p>
    )}
    <table className="entries">
      <thead>
        <tr>
          <th>Rule</th>
          <th>Settings in force would raise</th>
          <th>The change would raise</th>
        </tr>
      </thead>
      <tbody>
        {(Object.keys(RULE_NAMES) as RuleId[]).map((rule) => {
          const a = preview.current[rule];
          const b = preview.proposed[rule];
          const changed = a.raised !== b.raised || a.withdrawn !== b.withdrawn;
          return (
            <tr key={rule}>
              <th scope="row">{RULE_NAMES[rule]}</th>
              <td>
                {a.raised} ({a.withdrawn} withdrawn later)
              </td>
              <td className={changed ? 'changed' : undefined}>
                {b.raised} ({b.withdrawn} withdrawn later){changed ? ' — differs' : ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
    <h4>A sample of what the change would raise</h4>
    <ul className="compact" data-testid="preview-sample">
      {preview.sample.map((s, i) => (
        <li key={i}>
          {formatTime(s.at)} {RULE_NAMES[s.rule]}
          {s.person ? ` — ${s.person}` : ''}: {s.summary}
        </li>
      ))}
      {preview.sample.length === 0 && <li>Nothing.</li>}
    </ul>
  </div>
);
