import type { CorrelationAlertView, EvidenceItemView } from '@gatehouse/api';
import { formatTime } from '../format';
import { PRIORITY_WORDS } from '../words';
import { RULE_NAMES } from './rules';
import './correlation.css';

/** What a fact of the evidence is, in one or two words: the timeline's marker reads it as well as shows it. */
const markerWord = (f: EvidenceItemView): string => {
  switch (f.kind) {
    case 'badge':
      return f.direction === 'in' ? 'Badge in' : 'Badge out';
    case 'login':
      return f.action === 'lock' || f.action === 'logoff' ? 'Session end' : 'Login';
    case 'denial':
      return 'Refused';
    case 'status':
      return 'Leaver';
  }
};

const markerClass = (f: EvidenceItemView) =>
  f.kind === 'badge' ? `badge-${f.direction ?? 'in'}` : f.kind === 'login' ? 'login' : f.kind;

/**
 * Rules about a session left open: the timeline ends with the session still
 * open when the alert was raised (nothing in the evidence closed it).
 */
const SESSION_RULES = new Set(['session-after-badge-out', 'credential-sharing']);
const stillOpen = (a: CorrelationAlertView): boolean => {
  if (!SESSION_RULES.has(a.rule)) return false;
  const last = [...a.evidence].reverse().find((f) => f.kind === 'login');
  return last !== undefined && last.action !== 'lock' && last.action !== 'logoff';
};

/**
 * A correlation alert's evidence drawn as a timeline, oldest first: each fact
 * with its time on the site's clocks, what happened where (names, not ids),
 * and which source told us; a session still open at the end, and a withdrawn
 * alert marked as such with the late fact's reason (never hidden).
 */
export const EvidenceTimeline = ({
  alert,
  headingLevel = 3,
  priority,
}: {
  alert: CorrelationAlertView;
  headingLevel?: 3 | 4;
  /** The alarm's priority now, where the timeline is an alarm's detail; else the rule's severity is said. */
  priority?: { level: string; words: string };
}) => {
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  return (
    <section
      className="evidence"
      aria-label={`Evidence of ${RULE_NAMES[alert.rule]}`}
      data-testid="evidence-timeline"
    >
      <Heading>
        {RULE_NAMES[alert.rule]}
        {alert.person ? `: ${alert.person}` : ''}
      </Heading>
      <p className="evidence-summary">
        <span className={`severity severity-${priority?.level ?? alert.severity}`}>
          {priority?.words ?? PRIORITY_WORDS[alert.severity] ?? alert.severity}
        </span>{' '}
        Happened <time dateTime={new Date(alert.at).toISOString()}>{formatTime(alert.at)}</time>, raised{' '}
        <time dateTime={new Date(alert.raisedAt).toISOString()}>{formatTime(alert.raisedAt)}</time>.{' '}
        {alert.summary}
      </p>
      {alert.state === 'withdrawn' && (
        <p className="warning" data-testid="evidence-withdrawn">
          Withdrawn{alert.withdrawnAt ? ` ${formatTime(alert.withdrawnAt)}` : ''}: {alert.withdrawnReason}
        </p>
      )}
      <ol className="timeline">
        {alert.evidence.map((f, i) => (
          <li key={`${f.at}-${i}`} className={`step ${markerClass(f)}`}>
            <span className="marker">{markerWord(f)}</span>
            <time dateTime={new Date(f.at).toISOString()}>{formatTime(f.at)}</time>
            <span className="what">
              {f.what}
              {f.where ? ` — ${f.where}` : ''}
              {f.account ? ` (account ${f.account})` : ''}
            </span>
            {f.source && <span className="source">from {f.source}</span>}
          </li>
        ))}
        {stillOpen(alert) && (
          <li className="step open-session">
            <span className="marker">Still open</span>
            <time dateTime={new Date(alert.raisedAt).toISOString()}>{formatTime(alert.raisedAt)}</time>
            <span className="what">Session still open when the alert was raised</span>
          </li>
        )}
      </ol>
    </section>
  );
};
