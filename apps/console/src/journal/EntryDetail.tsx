import { useEffect, useRef, useState } from 'react';
import { Braces, Copy, ShieldCheck, X } from 'lucide-react';
import type { NamedEntryView } from '@gatehouse/api';
import { useCan } from '../shell/permissions';
import { actorInWords, rawOf, reasonWorthSaying, sentence, sourceInWords, timeSourceInWords } from './words';

/**
 * One journal entry in words: what happened, who, where, when, who reported
 * it and by whose clock; its raw JSON one click away (copyable), and its
 * sequence number and leaf hash for whoever checks the journal's integrity.
 */
export const EntryDetail = ({
  entry,
  timeZone,
  onClose,
}: {
  entry: NamedEntryView;
  timeZone: string;
  onClose: () => void;
}) => {
  const can = useCan();
  const heading = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const raw = JSON.stringify(rawOf(entry), null, 2);
  useEffect(() => {
    heading.current?.focus();
    setCopied(null);
  }, [entry.seq]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(raw);
      setCopied('Raw JSON copied.');
    } catch {
      setCopied('The browser did not allow copying: select the text and copy it.');
    }
  };
  const { row, names } = entry;
  return (
    <section className="jr-detail" aria-labelledby="jr-detail-heading" data-testid="entry-detail">
      <header>
        <h3 id="jr-detail-heading" ref={heading} tabIndex={-1}>
          {row.event}
        </h3>
        <button type="button" className="link jr-icon-button" aria-label="Close the entry" onClick={onClose}>
          <X aria-hidden="true" size={18} />
        </button>
      </header>
      <p className="jr-sentence">{sentence(entry)}</p>
      <dl className="jr-facts">
        <dt>When</dt>
        <dd>
          {row.time.replace(/ [+-]\d\d:\d\d$/, '')} <span className="jr-muted">site time ({timeZone})</span>
          <br />
          <span className="jr-muted">{entry.time} UTC</span>
        </dd>
        {row.person && (
          <>
            <dt>Who</dt>
            <dd>{row.person}</dd>
          </>
        )}
        {row.card && (
          <>
            <dt>Card</dt>
            <dd>{row.card}</dd>
          </>
        )}
        {(row.door || names.zone) && (
          <>
            <dt>Where</dt>
            <dd>{[row.door, names.zone && `zone ${names.zone}`].filter(Boolean).join(', ')}</dd>
          </>
        )}
        {row.result && (
          <>
            <dt>Result</dt>
            <dd>{row.result}</dd>
          </>
        )}
        {reasonWorthSaying(entry) && (
          <>
            <dt>Reason</dt>
            <dd>{reasonWorthSaying(entry)}</dd>
          </>
        )}
        <dt>By</dt>
        <dd>{actorInWords(entry)}</dd>
        <dt>Reported by</dt>
        <dd>{sourceInWords(entry)}</dd>
        <dt>Time from</dt>
        <dd>
          {timeSourceInWords(entry.timeSource)}
          {entry.sourceTime && (
            <>
              <br />
              <span className="jr-muted">
                The source said {entry.sourceTime}
                {entry.sourceZone ? ` (${entry.sourceZone})` : ''}
              </span>
            </>
          )}
        </dd>
        {entry.redacted && entry.redacted.length > 0 && (
          <>
            <dt>Left out</dt>
            <dd>Your role does not see: {entry.redacted.join(', ')}.</dd>
          </>
        )}
      </dl>
      <div className="jr-integrity" data-testid="entry-integrity">
        <ShieldCheck aria-hidden="true" size={16} />
        <div>
          <div>
            Entry number <strong>{entry.seq}</strong> in the journal
          </div>
          {entry.leafHash ? (
            <div>
              Leaf hash <code className="jr-hash">{entry.leafHash}</code>
            </div>
          ) : (
            <div className="jr-muted">
              No hash shown: parts of this entry are hidden from your role, and its hash would let them be
              guessed.
            </div>
          )}
          {can('journal.verify') && <a href="#/integrity">Verify entries</a>}
        </div>
      </div>
      <details className="jr-raw">
        <summary>
          <Braces aria-hidden="true" size={16} /> Raw JSON
        </summary>
        <div className="jr-raw-actions">
          <button type="button" className="link jr-copy" onClick={() => void copy()}>
            <Copy aria-hidden="true" size={14} /> Copy raw JSON
          </button>
          <span role="status">{copied}</span>
        </div>
        <pre tabIndex={0} aria-label="Raw JSON of the entry" data-testid="raw-json">
          {raw}
        </pre>
      </details>
    </section>
  );
};
