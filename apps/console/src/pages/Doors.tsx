import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type {
  BoardDoor,
  DoorStates,
  Items,
  ReadersStatus,
  SimulatedDecision,
  WhoCanOpen,
} from '@gatehouse/api';
import { api } from '../api';
import { useLatestRead } from '../latest-read';
import { FORMAT_WORDS, FORMATS, type Door, type DoorState, type Zone } from '../access-api';
import { useActionDialog } from '../components/useActionDialog';
import { siteOverride } from '../desk/lockdown';
import { idOf, NameWithId } from '../setup/NameWithId';
import { useShowIds } from '../components/AdvancedIds';
import { useSiteInstant } from '../setup/site';
import { useAction } from '../Feedback';
import { useLive } from '../shell/live';
import { useCan } from '../shell/permissions';
import { useModeRereads } from '../shell/site-override';
import { contactWord, lockWord, stateWord } from '../desk/labels';
import { useLiveDoors } from '../desk/useLiveDoors';
import { formatClock } from '../format';
import { SITE_TEXT_HINT } from '../components/privacy-hints';
import {
  ANTI_PASSBACK_WORDS,
  DOOR_MODE_WORDS,
  doorModeWords,
  doorReadersWords,
  lineName,
  readerName,
  alarmTypeWords,
} from '../words';

export const Doors = () => {
  const can = useCan();
  const edit = can('site.write');
  const guard = can('doors.control');
  // Each door's state now, live from the stream the desk uses (the mode alone says nothing of a forced door).
  const board = useLiveDoors(can('doors.board'));
  const dialog = useActionDialog();
  const [doors, setDoors] = useState<Door[]>([]);
  const [states, setStates] = useState<DoorState[]>([]);
  const [zones, setZones] = useState<Zone[]>([]);
  /** The configured readers, offered by name for a new door's entry and exit. */
  const [readers, setReaders] = useState<ReadersStatus['readers']>([]);
  const [who, setWho] = useState<{ doorId: string; names: string[] } | null>(null);
  const [zone, setZone] = useState({ id: '', name: '' });
  const [door, setDoor] = useState({
    id: '',
    name: '',
    zoneIn: '',
    entryReader: '',
    exitReader: '',
    mode: 'card-only',
    antiPassback: 'none',
    escortRequired: false,
  });
  const [test, setTest] = useState({ readerId: '', format: 'H10301', number: '', at: '' });
  const [decision, setDecision] = useState<SimulatedDecision | null>(null);
  const showIds = useShowIds();
  const siteInstant = useSiteInstant();
  const { run, view, noteAt, busy } = useAction();

  // Door modes are re-read by themselves (on opening, on every mode or lockdown entry pushed, after a
  // reconnection): a lockdown started or released elsewhere shows here at once. They keep no session alive.
  const loadStates = useLatestRead(
    () => api.background<DoorStates>('/api/v1/access/door-states'),
    (r) => setStates(r.items),
  );
  useModeRereads(useLive(), loadStates);
  const load = useCallback(async () => {
    const [d, z] = await Promise.all([
      api.get<Items<Door>>('/api/v1/access/doors'),
      api.get<Items<Zone>>('/api/v1/access/zones'),
      loadStates(),
    ]);
    setDoors(d.items);
    setZones(z.items);
  }, [loadStates]);
  useEffect(() => void load().catch(() => undefined), [load]);
  useEffect(() => {
    if (!edit) return;
    void api
      .get<ReadersStatus>('/api/v1/readers')
      .then((r) => setReaders(r.readers))
      .catch(() => undefined);
  }, [edit]);
  /**
   * A reader as a choice: by its door when it serves one (then not offered
   * again, a reader serves one door), else by where it is wired.
   */
  const readerOptions = (other: string) =>
    readers.map((r) => {
      const onDoor = doors.some((d) => d.readers.some((x) => x.id === r.id));
      return (
        <option key={r.id} value={r.id} disabled={onDoor || r.id === other}>
          {onDoor
            ? `${readerName(r.id, doors)} (in use)`
            : `${readerName(r.id, doors)}, ${lineName(r.port, readers, doors)}, address ${r.address}`}
        </option>
      );
    });

  /** A guard's action on doors: asked in a dialog with its reason, journaled with it. */
  const guardAction = (
    title: string,
    path: string,
    body: Record<string, unknown>,
    more: { consequence?: string; confirm: string; risky?: boolean },
  ) =>
    dialog.ask({
      title,
      reason: 'required',
      reasonHint: SITE_TEXT_HINT,
      done: `${more.confirm}: done.`,
      ...more,
      run: async (reason) => {
        await api.post(path, { ...body, reason });
        await load();
      },
    });
  const override = siteOverride(states);
  const zoneName = (id: string) => zones.find((z) => z.id === id)?.name ?? id;
  const whoCanOpen = (doorId: string) =>
    void run('', async () => {
      const r = await api.get<WhoCanOpen>(`/api/v1/access/doors/${doorId}/who-can-open`);
      setWho({ doorId, names: r.items.map((i) => i.name ?? i.id) });
    });
  const createZone = (e: FormEvent) => {
    e.preventDefault();
    void run(
      `Zone ${zone.name} added.`,
      async () => {
        await api.post('/api/v1/access/zones', { id: idOf(zone), name: zone.name });
        setZone({ id: '', name: '' });
        await load();
      },
      'zone',
    );
  };
  const createDoor = (e: FormEvent) => {
    e.preventDefault();
    const readers = [
      ...(door.entryReader ? [{ id: door.entryReader, direction: 'entry' }] : []),
      ...(door.exitReader ? [{ id: door.exitReader, direction: 'exit' }] : []),
    ];
    void run(
      `Door ${door.name} added.`,
      async () => {
        await api.post('/api/v1/access/doors', {
          id: idOf(door),
          name: door.name,
          zoneIn: door.zoneIn,
          readers,
          mode: door.mode,
          antiPassback: door.antiPassback,
          escortRequired: door.escortRequired,
        });
        await load();
      },
      'door',
    );
  };
  const simulate = (e: FormEvent) => {
    e.preventDefault();
    void run('', async () =>
      setDecision(
        await api.post<SimulatedDecision>('/api/v1/access/simulate', {
          ...test,
          at: siteInstant(test.at) ?? undefined,
        }),
      ),
    );
  };

  return (
    <section>
      <header className="page-header">
        <h2>Doors</h2>
        {guard && !override && (
          <button
            className="danger"
            onClick={() =>
              guardAction(
                `Lock down all ${doors.length} doors of the site?`,
                '/api/v1/access/lockdown',
                { kind: 'lockdown', doors: 'all' },
                {
                  consequence: 'Only privileged credentials will open them until the lockdown is released.',
                  confirm: 'Lock down',
                  risky: true,
                },
              )
            }
          >
            Lockdown
          </button>
        )}
        {guard && override && (
          <button
            onClick={() =>
              guardAction(
                'Release the lockdown?',
                '/api/v1/access/lockdown/release',
                {},
                {
                  consequence: `The ${override.doorIds.size} doors return to their normal mode; none unlocks by itself.`,
                  confirm: 'Release lockdown',
                },
              )
            }
          >
            Release lockdown
          </button>
        )}
      </header>
      {dialog.view}
      {view}
      {showIds.toggle}
      <table className="entries" data-testid="doors">
        <thead>
          <tr>
            <th>Door</th>
            <th>Readers</th>
            <th>Zones</th>
            {board && <th>State now</th>}
            <th>Mode now</th>
            <th>Set by</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {doors.map((d) => {
            const s = states.find((x) => x.doorId === d.id);
            const held = s?.manual?.mode === 'lockdown';
            return (
              <tr key={d.id}>
                <td data-label="Door">
                  {d.name}
                  {showIds.ids(d.id)}
                  {showIds.shown && d.readers.length > 0 && (
                    <small className="ids"> readers {d.readers.map((r) => r.id).join(', ')}</small>
                  )}
                </td>
                <td data-label="Readers">{doorReadersWords(d)}</td>
                <td data-label="Zones">
                  {zoneName(d.zoneOut)} → {zoneName(d.zoneIn)}
                </td>
                {board && (
                  <DoorStateCell
                    door={board.get(d.id)}
                    held={held ? 'lockdown' : s?.manual?.mode === 'emergency' ? 'emergency' : null}
                  />
                )}
                <td data-label="Mode now" className={`mode-${s?.mode}`}>
                  {doorModeWords(s?.mode)}
                </td>
                <td data-label="Set by">{s?.manual ? `${s.manual.byName}: ${s.manual.reason}` : ''}</td>
                <td className="row-actions">
                  {/* A lockdown holds the door: the gateway refuses to unlock it, so no unlock is offered. */}
                  {guard && held && <span className="hint">Release the lockdown to unlock</span>}
                  {guard && !held && (
                    <button
                      className="link"
                      onClick={() =>
                        guardAction(
                          `Unlock ${d.name} once?`,
                          `/api/v1/access/doors/${d.id}/unlock`,
                          {},
                          {
                            consequence: 'The door unlocks for its unlock time, then locks again.',
                            confirm: 'Unlock once',
                          },
                        )
                      }
                    >
                      Unlock once
                    </button>
                  )}
                  {guard && !held && (
                    <button
                      className="link"
                      onClick={() =>
                        guardAction(
                          `Hold ${d.name} unlocked for an hour?`,
                          `/api/v1/access/doors/${d.id}/mode`,
                          { mode: 'unlocked', until: new Date(Date.now() + 3_600_000).toISOString() },
                          {
                            consequence: 'Anyone can open it until then.',
                            confirm: 'Unlock 1 h',
                            risky: true,
                          },
                        )
                      }
                    >
                      Unlock 1 h
                    </button>
                  )}
                  {/* A lockdown or emergency release ends only by its release, not door by door. */}
                  {guard && s?.manual && s.manual.mode !== 'lockdown' && s.manual.mode !== 'emergency' && (
                    <button
                      className="link"
                      onClick={() =>
                        guardAction(
                          `Return ${d.name} to its normal mode?`,
                          `/api/v1/access/doors/${d.id}/mode`,
                          { mode: null },
                          { confirm: 'Normal' },
                        )
                      }
                    >
                      Normal
                    </button>
                  )}
                  <button className="link" onClick={() => whoCanOpen(d.id)}>
                    Who can open?
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {who && (
        <div className="panel" data-testid="who-can-open">
          <h3>
            Who can open {doors.find((d) => d.id === who.doorId)?.name ?? who.doorId} now ({who.names.length})
          </h3>
          <p>{who.names.slice(0, 200).join(', ') || 'nobody'}</p>
        </div>
      )}
      {edit && (
        <>
          <form className="panel" onSubmit={simulate}>
            <h3>Decision tester</h3>
            <label>
              Reader
              <select
                name="test-reader"
                value={test.readerId}
                onChange={(e) => setTest({ ...test, readerId: e.target.value })}
                required
              >
                <option value="" />
                {doors.flatMap((d) =>
                  d.readers.map((r) => (
                    <option key={r.id} value={r.id}>
                      {readerName(r.id, doors)}
                    </option>
                  )),
                )}
              </select>
            </label>
            <label>
              Format
              <select
                name="test-format"
                value={test.format}
                onChange={(e) => setTest({ ...test, format: e.target.value })}
              >
                {FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {FORMAT_WORDS[f]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Number
              <input
                name="test-number"
                value={test.number}
                onChange={(e) => setTest({ ...test, number: e.target.value })}
                required
              />
            </label>
            <label>
              At, on the site's clocks (empty: now)
              <input
                name="test-at"
                type="datetime-local"
                value={test.at}
                onChange={(e) => setTest({ ...test, at: e.target.value })}
              />
            </label>
            <button disabled={busy}>Test</button>
            {decision && (
              <p data-testid="decision" className={decision.grant ? 'ok' : 'error'}>
                {decision.grant ? 'Granted' : 'Denied'}
                {decision.reasonWords ? `: ${decision.reasonWords}` : ''}{' '}
                {decision.alarms.length
                  ? `(alarms: ${decision.alarms.map((a) => alarmTypeWords(a.type)).join(', ')})`
                  : ''}
              </p>
            )}
          </form>
          <form className="panel" onSubmit={createDoor}>
            <h3>New door</h3>
            <NameWithId kind="door" value={door} onChange={(v) => setDoor({ ...door, ...v })} />
            <label>
              Leads into
              <select
                name="door-zone"
                value={door.zoneIn}
                onChange={(e) => setDoor({ ...door, zoneIn: e.target.value })}
                required
              >
                <option value="" />
                {zones.map((z) => (
                  <option key={z.id} value={z.id}>
                    {z.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Entry reader
              <select
                name="door-entry-reader"
                value={door.entryReader}
                onChange={(e) => setDoor({ ...door, entryReader: e.target.value })}
              >
                <option value="">none</option>
                {readerOptions(door.exitReader)}
              </select>
            </label>
            <label>
              Exit reader
              <select
                name="door-exit-reader"
                value={door.exitReader}
                onChange={(e) => setDoor({ ...door, exitReader: e.target.value })}
              >
                <option value="">none</option>
                {readerOptions(door.entryReader)}
              </select>
            </label>
            <label>
              Mode
              <select
                name="door-mode"
                value={door.mode}
                onChange={(e) => setDoor({ ...door, mode: e.target.value })}
              >
                {(['card-only', 'card-and-pin', 'locked'] as const).map((m) => (
                  <option key={m} value={m}>
                    {DOOR_MODE_WORDS[m]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Anti-passback
              <select
                name="door-apb"
                value={door.antiPassback}
                onChange={(e) => setDoor({ ...door, antiPassback: e.target.value })}
              >
                {(['none', 'soft', 'hard'] as const).map((m) => (
                  <option key={m} value={m}>
                    {ANTI_PASSBACK_WORDS[m]}
                  </option>
                ))}
              </select>
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={door.escortRequired}
                onChange={(e) => setDoor({ ...door, escortRequired: e.target.checked })}
              />
              Visitors need an escort
            </label>
            <button disabled={busy}>Add door</button>
            {noteAt('door')}
          </form>
          <form className="panel" onSubmit={createZone}>
            <h3>Zones: {zones.map((z) => z.name).join(', ')}</h3>
            <NameWithId kind="zone" value={zone} onChange={setZone} />
            <button disabled={busy}>Add zone</button>
            {noteAt('zone')}
          </form>
        </>
      )}
    </section>
  );
};

/** A door's state in words (open, closed, forced, held; locked or not) and since when, live. */
const DoorStateCell = ({
  door,
  held,
}: {
  door: BoardDoor | undefined;
  held: 'lockdown' | 'emergency' | null;
}) => (
  <td data-label="State now" data-testid={door ? `state-${door.doorId}` : undefined}>
    {door ? (
      <>
        <strong className={`phase-${door.phase}`}>{stateWord(door, held)}</strong>
        {door.since && ` since ${formatClock(Date.parse(door.since))}`}
        <br />
        <span className="hint">
          {lockWord(door)}, {contactWord(door).toLowerCase()}
        </span>
      </>
    ) : (
      <span className="hint">Not on the board yet</span>
    )}
  </td>
);
