import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Door, Items, ReadersStatus } from '@gatehouse/api';
import { api, describeError } from '../api';
import { useCan } from '../shell/permissions';
import { useActionDialog } from '../components/useActionDialog';
import { ErrorAlert, useAction } from '../Feedback';
import { formatTime } from '../format';
import type { InterpretResult, PortRow, ReaderRow } from '../readers-api';
import { SITE_TEXT_HINT } from '../components/privacy-hints';
import { useShowIds } from '../components/AdvancedIds';
import { EmptyRow } from '../components/NotYetRead';
import {
  countersInWords,
  lineName,
  PORT_STATE_WORDS,
  PROTOCOL_WORDS,
  readerName,
  SECURE_CHANNEL_WORDS,
} from '../words';

const yesNo = (v: boolean | null, yes: string, no: string) => (v === null ? '—' : v ? yes : no);

/** Readers and their buses: state, secure channel, identity, errors; capture download; the card format tool. */
export const Readers = () => {
  const can = useCan();
  const admin = can('readers.keys');

  const dialog = useActionDialog();
  /** Key actions are an administrator's, with a reason that goes into the journal. */
  const keyAction = (reader: string, action: 'rotate-key' | 'reinstall-key', label: string) =>
    dialog.ask({
      title: `${label.charAt(0).toUpperCase()}${label.slice(1)} of ${nameOf(reader)}?`,
      consequence: "The new key is installed at the reader's next secure session.",
      confirm: label.charAt(0).toUpperCase() + label.slice(1),
      reason: 'required',
      reasonHint: SITE_TEXT_HINT,
      risky: true,
      done: `${label}: started for ${nameOf(reader)}`,
      run: (reason) => api.post(`/api/v1/readers/${encodeURIComponent(reader)}/${action}`, { reason }),
    });
  const showIds = useShowIds();
  /** null until the first answer: the page says "Loading…" meanwhile, not that there are no readers. */
  const [readers, setReaders] = useState<ReaderRow[] | null>(null);
  const [ports, setPorts] = useState<PortRow[]>([]);
  /** The site's doors: a reader is named by its door and direction, a line by the doors on it. */
  const [doors, setDoors] = useState<Door[]>([]);
  useEffect(() => {
    void api
      .get<Items<Door>>('/api/v1/access/doors')
      .then((d) => setDoors(d.items))
      .catch(() => undefined);
  }, []);
  const nameOf = (readerId: string) => readerName(readerId, doors);
  const lineOf = (portId: string) => lineName(portId, readers ?? [], doors);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const s = await api.get<ReadersStatus>('/api/v1/readers');
      setReaders(s.readers);
      setPorts(s.ports);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 2000);
    return () => clearInterval(timer);
  }, [load]);

  return (
    <section>
      <header className="page-header">
        <h2>Readers</h2>
        {showIds.toggle}
      </header>
      <ErrorAlert error={error} />
      {dialog.view}
      <table className="entries" data-testid="readers">
        <thead>
          <tr>
            <th>Reader</th>
            <th>Line</th>
            <th>State</th>
            <th>Secure channel</th>
            <th>Model, firmware, serial</th>
            <th>Tamper / power</th>
            <th>Last seen</th>
            <th>Errors</th>
            {admin && <th>Key</th>}
          </tr>
        </thead>
        <tbody>
          {(readers ?? []).length === 0 && (
            <EmptyRow read={readers !== null} colSpan={admin ? 9 : 8}>
              No serial readers are configured.
            </EmptyRow>
          )}
          {(readers ?? []).map((r) => (
            <tr key={r.id} data-reader={r.id}>
              <td data-label="Reader">
                {nameOf(r.id)} <small>({r.format})</small>
                {showIds.ids(r.id)}
              </td>
              <td data-label="Line">
                {lineOf(r.port)}, address {r.address}
                {showIds.ids(r.port)}
              </td>
              <td data-label="State">
                <span className={`badge ${r.online ? 'state-live' : 'state-ended'}`}>
                  {r.online ? 'Online' : 'Offline'}
                </span>
              </td>
              <td data-label="Secure channel">
                <span
                  className={`badge ${r.secureChannel === 'failed' ? 'state-ended' : r.secureChannel === 'established' ? 'state-live' : ''}`}
                >
                  {SECURE_CHANNEL_WORDS[r.secureChannel] ?? r.secureChannel}
                </span>
              </td>
              <td data-label="Model, firmware, serial">
                {[r.model, r.firmware && `fw ${r.firmware}`, r.serial && `s/n ${r.serial}`]
                  .filter(Boolean)
                  .join(', ') || '—'}
              </td>
              <td data-label="Tamper / power">
                {yesNo(r.tamper, 'TAMPER', 'No tamper')} / {yesNo(r.power, 'Power good', 'POWER FAULT')}
              </td>
              <td data-label="Last seen">{r.lastSeen ? formatTime(r.lastSeen) : 'Never'}</td>
              <td data-label="Errors">
                {r.lastError && <div>{r.lastError}</div>}
                <small>{countersInWords(r.counters)}</small>
              </td>
              {admin && (
                <td data-label="Key">
                  {r.keyManagedByGateway ? (
                    <>
                      <button type="button" onClick={() => keyAction(r.id, 'rotate-key', 'rotate the key')}>
                        Rotate key
                      </button>{' '}
                      <button
                        type="button"
                        className="secondary"
                        onClick={() =>
                          keyAction(r.id, 'reinstall-key', 'reinstall a key on a replaced reader')
                        }
                      >
                        Replaced: reinstall
                      </button>
                    </>
                  ) : (
                    <small>{r.secureChannel === 'none' ? '—' : 'set in the configuration'}</small>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>

      <h3>Serial ports</h3>
      <table className="entries" data-testid="ports">
        <thead>
          <tr>
            <th>Line</th>
            {/* Where the line is plugged in, for the installer: a device path says nothing to an operator. */}
            {showIds.shown && <th>Device</th>}
            <th>Protocol</th>
            <th>State</th>
            <th>Line counters</th>
            <th>Capture</th>
          </tr>
        </thead>
        <tbody>
          {ports.length === 0 && (
            <EmptyRow read={readers !== null} colSpan={showIds.shown ? 6 : 5}>
              No serial port is configured.
            </EmptyRow>
          )}
          {ports.map((p) => (
            <tr key={p.id}>
              <td data-label="Line">
                {lineOf(p.id)}
                {showIds.ids(p.id)}
              </td>
              {showIds.shown && (
                <td data-label="Device">
                  <code>{p.path}</code>
                </td>
              )}
              <td data-label="Protocol">{PROTOCOL_WORDS[p.protocol] ?? p.protocol}</td>
              <td data-label="State">
                <span className={`badge ${p.state === 'open' ? 'state-live' : 'state-ended'}`}>
                  {PORT_STATE_WORDS[p.state] ?? p.state}
                </span>
                {p.lastError && <div>{p.lastError}</div>}
              </td>
              <td data-label="Line counters">
                <small>
                  opened {p.opens}×; {countersInWords(p.counters)}
                </small>
              </td>
              <td data-label="Capture">
                {can('readers.capture') ? (
                  <a href={`/api/v1/readers/ports/${encodeURIComponent(p.id)}/capture`} download>
                    Download ({p.captureRecords} records)
                  </a>
                ) : (
                  `${p.captureRecords} records`
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {can('readers.card-formats') && <CardFormatTool />}
    </section>
  );
};

/** Paste raw bits or hex as a reader or a log shows them, and see every format they fit. */
const CardFormatTool = () => {
  const [input, setInput] = useState('');
  const [bitCount, setBitCount] = useState('');
  const [result, setResult] = useState<InterpretResult | null>(null);
  const { run, view, busy } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const text = input.trim();
    const body = /^[01]+$/.test(text) ? { bits: text } : { hex: text, bitCount: Number(bitCount) };
    await run('', async () =>
      setResult(await api.post<InterpretResult>('/api/v1/readers/card-formats/interpret', body)),
    );
  };

  return (
    <form onSubmit={(e) => void submit(e)} className="panel" aria-label="Card format tool">
      <h3>Card format tool</h3>
      <p>Paste the raw bits (0 and 1) or hex with its bit count, from a reader capture or a log.</p>
      <label>
        Bits or hex{' '}
        <input value={input} onChange={(e) => setInput(e.target.value)} required maxLength={300} />
      </label>
      <label>
        Bit count (for hex){' '}
        <input value={bitCount} onChange={(e) => setBitCount(e.target.value)} inputMode="numeric" />
      </label>
      <button type="submit" disabled={busy}>
        Interpret
      </button>
      {view}
      {result && (
        <table className="entries" data-testid="interpretations">
          <caption>
            {result.bitCount} bits, hex {result.hex}
          </caption>
          <thead>
            <tr>
              <th>Format</th>
              <th>Facility</th>
              <th>Card</th>
              <th>Number</th>
              <th>Parity</th>
            </tr>
          </thead>
          <tbody>
            {result.interpretations.map((i) => (
              <tr key={i.format}>
                <td>{i.format}</td>
                <td>{i.facility ?? '—'}</td>
                <td>{i.format === 'raw' ? '—' : i.card}</td>
                <td>
                  <code>{i.number}</code>
                </td>
                <td>{i.parityOk ? 'ok' : 'FAILS'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </form>
  );
};
