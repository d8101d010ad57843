import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Door, Items } from '@gatehouse/api';
import { useCan } from '../shell/permissions';
import { api } from '../api';
import { WEEKDAYS, type Group, type Holiday, type Interval, type Level, type Schedule } from '../access-api';
import { useAction } from '../Feedback';
import { idOf, NameWithId } from '../setup/NameWithId';
import { useShowIds } from '../components/AdvancedIds';
import { useSiteTimeZone } from '../setup/site';

const describe = (ivs: Interval[]) =>
  ivs
    .map(
      (i) =>
        `${i.days.map((d) => WEEKDAYS[d - 1]).join(' ')} ${i.start}–${i.end === '24:00' ? 'midnight' : i.end}`,
    )
    .join('; ') || 'never';

/**
 * An interval's end as a time input holds it and as the API takes it: the API
 * writes the end of the day "24:00", which a time input cannot hold; there it
 * is 00:00, which can never end an interval otherwise (an end comes after its start).
 */
const endShown = (end: string) => (end === '24:00' ? '00:00' : end);
const endSent = (value: string) => (value === '00:00' ? '24:00' : value);

/** The zones a schedule can run in: the browser's list, with the site's own first whatever the list holds. */
const zonesWith = (siteZone: string | null): string[] => {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return siteZone ? [siteZone, ...known.filter((z) => z !== siteZone)] : known;
};

export const Schedules = () => {
  const edit = useCan()('site.write');
  const [schedules, setSchedules] = useState<Schedule[]>([]);
  const [holidays, setHolidays] = useState<Holiday[]>([]);
  const [draft, setDraft] = useState({
    id: '',
    name: '',
    // Empty until the manager types one: the schedule then runs in the site's zone.
    timeZone: '',
    intervals: [{ days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' }] as Interval[],
  });
  const [holiday, setHoliday] = useState({ id: '', name: '', date: '' });
  const { run, view, noteAt, busy } = useAction();
  const showIds = useShowIds();
  const siteZone = useSiteTimeZone();
  const timeZone = draft.timeZone || siteZone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zones = zonesWith(siteZone ?? timeZone);
  const load = useCallback(async () => {
    setSchedules((await api.get<Items<Schedule>>('/api/v1/access/schedules')).items);
    setHolidays((await api.get<Items<Holiday>>('/api/v1/access/holidays')).items);
  }, []);
  useEffect(() => void load().catch(() => undefined), [load]);
  const setInterval = (i: number, change: Partial<Interval>) =>
    setDraft({ ...draft, intervals: draft.intervals.map((iv, j) => (j === i ? { ...iv, ...change } : iv)) });
  const save = (e: FormEvent) => {
    e.preventDefault();
    void run(
      `Schedule ${draft.name} saved.`,
      async () => {
        await api.post('/api/v1/access/schedules', {
          ...draft,
          id: idOf(draft),
          timeZone,
          holidayIntervals: [],
        });
        await load();
      },
      'schedule',
    );
  };
  const addHoliday = (e: FormEvent) => {
    e.preventDefault();
    void run(
      `Holiday ${holiday.name} added.`,
      async () => {
        await api.post('/api/v1/access/holidays', { ...holiday, id: idOf(holiday) });
        setHoliday({ id: '', name: '', date: '' });
        await load();
      },
      'holiday',
    );
  };
  return (
    <section>
      <header className="page-header">
        <h2>Schedules and holidays</h2>
      </header>
      {view}
      {showIds.toggle}
      <table className="entries" data-testid="schedules">
        <thead>
          <tr>
            <th>Schedule</th>
            <th>Time zone</th>
            <th>Weekly</th>
          </tr>
        </thead>
        <tbody>
          {schedules.map((s) => (
            <tr key={s.id}>
              <td>
                {s.name}
                {showIds.ids(s.id)}
              </td>
              <td>{s.timeZone}</td>
              <td>{describe(s.intervals)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Holidays</h3>
      <p>{holidays.map((h) => `${h.date} ${h.name}`).join(' · ') || 'none'}</p>
      {edit && (
        <>
          <form className="panel" onSubmit={save}>
            <h3>New schedule</h3>
            <NameWithId kind="schedule" value={draft} onChange={(v) => setDraft({ ...draft, ...v })} />
            <label>
              Time zone
              <select
                name="schedule-zone"
                value={timeZone}
                aria-describedby="schedule-zone-hint"
                onChange={(e) => setDraft({ ...draft, timeZone: e.target.value })}
                required
              >
                {zones.map((z) => (
                  <option key={z} value={z}>
                    {z === siteZone ? `${z} (the site's)` : z}
                  </option>
                ))}
              </select>
            </label>
            <p className="hint" id="schedule-zone-hint">
              {siteZone
                ? `The site's time zone is ${siteZone}; times below are wall-clock times there.`
                : 'Times below are wall-clock times in this zone.'}
            </p>
            {draft.intervals.map((iv, i) => (
              <div className="interval" key={i} role="group" aria-label={`Interval ${i + 1}`}>
                {WEEKDAYS.map((d, k) => (
                  <label key={d} className="check">
                    <input
                      type="checkbox"
                      checked={iv.days.includes(k + 1)}
                      onChange={(e) =>
                        setInterval(i, {
                          days: e.target.checked
                            ? [...iv.days, k + 1].sort()
                            : iv.days.filter((x) => x !== k + 1),
                        })
                      }
                    />
                    {d}
                  </label>
                ))}
                <label className="inline">
                  From
                  <input
                    type="time"
                    name={`interval-${i}-start`}
                    value={iv.start}
                    onChange={(e) => setInterval(i, { start: e.target.value })}
                    required
                  />
                </label>
                <label className="inline">
                  until
                  <input
                    type="time"
                    name={`interval-${i}-end`}
                    value={endShown(iv.end)}
                    aria-describedby="interval-end-hint"
                    onChange={(e) => setInterval(i, { end: endSent(e.target.value) })}
                    required
                  />
                </label>
              </div>
            ))}
            <p className="hint" id="interval-end-hint">
              Until 00:00 means until midnight, the end of the day; hours past midnight are a second interval
              on the next day.
            </p>
            <button
              type="button"
              className="link"
              onClick={() =>
                setDraft({
                  ...draft,
                  intervals: [...draft.intervals, { days: [6], start: '09:00', end: '13:00' }],
                })
              }
            >
              Add interval
            </button>
            <button disabled={busy}>Save schedule</button>
            {noteAt('schedule')}
          </form>
          <form className="panel" onSubmit={addHoliday}>
            <h3>New holiday</h3>
            <NameWithId kind="holiday" value={holiday} onChange={(v) => setHoliday({ ...holiday, ...v })} />
            <label>
              Date
              <input
                name="holiday-date"
                type="date"
                value={holiday.date}
                onChange={(e) => setHoliday({ ...holiday, date: e.target.value })}
                required
              />
            </label>
            <button disabled={busy}>Add holiday</button>
            {noteAt('holiday')}
          </form>
        </>
      )}
    </section>
  );
};

export const Levels = () => {
  const edit = useCan()('site.write');
  const [levels, setLevels] = useState<Level[]>([]);
  const [groups, setGroups] = useState<Group[]>([]);
  const [schedules, setSchedules] = useState<Schedule[]>([]);
  const [doors, setDoors] = useState<{ id: string; name: string }[]>([]);
  /** Whether the first read answered: "None" only then, "Loading…" before. */
  const [read, setRead] = useState(false);
  const [draft, setDraft] = useState({ id: '', name: '', scheduleId: '', doorIds: [] as string[] });
  const [group, setGroup] = useState({ id: '', name: '', levelIds: [] as string[] });
  const { run, view, noteAt, busy } = useAction();
  const showIds = useShowIds();
  /** A record by its name; its id only when the name is not known (a record removed since). */
  const nameIn = (list: readonly { id: string; name: string }[], id: string) =>
    list.find((x) => x.id === id)?.name ?? id;
  const load = useCallback(async () => {
    const [l, g, s, d] = await Promise.all([
      api.get<Items<Level>>('/api/v1/access/levels'),
      api.get<Items<Group>>('/api/v1/access/groups'),
      api.get<Items<Schedule>>('/api/v1/access/schedules'),
      api.get<Items<Door>>('/api/v1/access/doors'),
    ]);
    setLevels(l.items);
    setGroups(g.items);
    setSchedules(s.items);
    setDoors(d.items);
    setRead(true);
  }, []);
  useEffect(() => void load().catch(() => undefined), [load]);
  const saveLevel = (e: FormEvent) => {
    e.preventDefault();
    void run(
      `Level ${draft.name} saved.`,
      async () => {
        await api.post('/api/v1/access/levels', { ...draft, id: idOf(draft) });
        await load();
      },
      'level',
    );
  };
  const saveGroup = (e: FormEvent) => {
    e.preventDefault();
    void run(
      `Group ${group.name} saved.`,
      async () => {
        await api.post('/api/v1/access/groups', { ...group, id: idOf(group) });
        await load();
      },
      'group',
    );
  };
  const toggle = (list: string[], id: string, on: boolean) =>
    on ? [...list, id] : list.filter((x) => x !== id);
  return (
    <section>
      <header className="page-header">
        <h2>Access levels and groups</h2>
      </header>
      {view}
      {showIds.toggle}
      <table className="entries" data-testid="levels">
        <thead>
          <tr>
            <th>Level</th>
            <th>Schedule</th>
            <th>Doors</th>
          </tr>
        </thead>
        <tbody>
          {levels.map((l) => (
            <tr key={l.id}>
              <td>
                {l.name}
                {showIds.ids(l.id)}
              </td>
              <td>
                {nameIn(schedules, l.scheduleId)}
                {showIds.ids(l.scheduleId)}
              </td>
              <td>
                {l.doorIds.map((d) => nameIn(doors, d)).join(', ') || 'No door'}
                {showIds.ids(...l.doorIds)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Groups</h3>
      <ul className="compact" data-testid="groups">
        {groups.map((g) => (
          <li key={g.id}>
            {g.name}: {g.levelIds.map((l) => nameIn(levels, l)).join(', ') || 'no level'}
            {showIds.ids(g.id)}
          </li>
        ))}
        {groups.length === 0 && <li aria-busy={!read}>{read ? 'None' : 'Loading…'}</li>}
      </ul>
      {edit && (
        <>
          <form className="panel" onSubmit={saveLevel}>
            <h3>New access level</h3>
            <NameWithId kind="level" value={draft} onChange={(v) => setDraft({ ...draft, ...v })} />
            <label>
              Schedule
              <select
                name="level-schedule"
                value={draft.scheduleId}
                onChange={(e) => setDraft({ ...draft, scheduleId: e.target.value })}
                required
              >
                <option value="" />
                {schedules.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            <span className="roles">
              {doors.map((d) => (
                <label key={d.id} className="check">
                  <input
                    type="checkbox"
                    name={`level-door-${d.id}`}
                    checked={draft.doorIds.includes(d.id)}
                    onChange={(e) =>
                      setDraft({ ...draft, doorIds: toggle(draft.doorIds, d.id, e.target.checked) })
                    }
                  />
                  {d.name}
                </label>
              ))}
            </span>
            <button disabled={busy}>Save level</button>
            {noteAt('level')}
          </form>
          <form className="panel" onSubmit={saveGroup}>
            <h3>New group</h3>
            <NameWithId kind="group" value={group} onChange={(v) => setGroup({ ...group, ...v })} />
            <span className="roles">
              {levels.map((l) => (
                <label key={l.id} className="check">
                  <input
                    type="checkbox"
                    checked={group.levelIds.includes(l.id)}
                    onChange={(e) =>
                      setGroup({ ...group, levelIds: toggle(group.levelIds, l.id, e.target.checked) })
                    }
                  />
                  {l.name}
                </label>
              ))}
            </span>
            <button disabled={busy}>Save group</button>
            {noteAt('group')}
          </form>
        </>
      )}
    </section>
  );
};
