import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Door, Items } from '@gatehouse/api';
import { useCan } from '../shell/permissions';
import { api } from '../api';
import { WEEKDAYS, type Group, type Holiday, type Interval, type Level, type Schedule } from '../access-api';
import { useAction } from '../Feedback';

const describe = (ivs: Interval[]) =>
  ivs.map((i) => `${i.days.map((d) => WEEKDAYS[d - 1]).join(' ')} ${i.start}–${i.end}`).join('; ') || 'never';

export const Schedules = () => {
  const edit = useCan()('site.write');
  const [schedules, setSchedules] = useState<Schedule[]>([]);
  const [holidays, setHolidays] = useState<Holiday[]>([]);
  const [draft, setDraft] = useState({
    id: '',
    name: '',
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    intervals: [{ days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' }] as Interval[],
  });
  const [holiday, setHoliday] = useState({ id: '', name: '', date: '' });
  const { run, view, busy } = useAction();
  const load = useCallback(async () => {
    setSchedules((await api.get<Items<Schedule>>('/api/v1/access/schedules')).items);
    setHolidays((await api.get<Items<Holiday>>('/api/v1/access/holidays')).items);
  }, []);
  useEffect(() => void load().catch(() => undefined), [load]);
  const setInterval = (i: number, change: Partial<Interval>) =>
    setDraft({ ...draft, intervals: draft.intervals.map((iv, j) => (j === i ? { ...iv, ...change } : iv)) });
  const save = (e: FormEvent) => {
    e.preventDefault();
    void run(`Schedule ${draft.name} saved.`, async () => {
      await api.post('/api/v1/access/schedules', { ...draft, holidayIntervals: [] });
      await load();
    });
  };
  const addHoliday = (e: FormEvent) => {
    e.preventDefault();
    void run(`Holiday ${holiday.name} added.`, async () => {
      await api.post('/api/v1/access/holidays', holiday);
      setHoliday({ id: '', name: '', date: '' });
      await load();
    });
  };
  return (
    <section>
      <header className="page-header">
        <h2>Schedules and holidays</h2>
      </header>
      {view}
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
                {s.name} <code>{s.id}</code>
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
            <label>
              Id
              <input
                name="schedule-id"
                value={draft.id}
                onChange={(e) => setDraft({ ...draft, id: e.target.value })}
                required
              />
            </label>
            <label>
              Name
              <input
                name="schedule-name"
                value={draft.name}
                onChange={(e) => setDraft({ ...draft, name: e.target.value })}
                required
              />
            </label>
            <label>
              Time zone
              <input
                name="schedule-zone"
                value={draft.timeZone}
                onChange={(e) => setDraft({ ...draft, timeZone: e.target.value })}
                required
              />
            </label>
            {draft.intervals.map((iv, i) => (
              <div className="interval" key={i}>
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
                {/* Text, not type="time": an interval may end at 24:00, which a time input cannot hold. */}
                <label className="inline">
                  From
                  <input
                    name={`interval-${i}-start`}
                    value={iv.start}
                    onChange={(e) => setInterval(i, { start: e.target.value })}
                    size={5}
                    inputMode="numeric"
                    placeholder="hh:mm"
                  />
                </label>
                <label className="inline">
                  until
                  <input
                    name={`interval-${i}-end`}
                    value={iv.end}
                    onChange={(e) => setInterval(i, { end: e.target.value })}
                    size={5}
                    inputMode="numeric"
                    placeholder="hh:mm"
                  />
                </label>
              </div>
            ))}
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
          </form>
          <form className="panel" onSubmit={addHoliday}>
            <h3>New holiday</h3>
            <label>
              Id
              <input
                name="holiday-id"
                value={holiday.id}
                onChange={(e) => setHoliday({ ...holiday, id: e.target.value })}
                required
              />
            </label>
            <label>
              Name
              <input
                name="holiday-name"
                value={holiday.name}
                onChange={(e) => setHoliday({ ...holiday, name: e.target.value })}
                required
              />
            </label>
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
  const [draft, setDraft] = useState({ id: '', name: '', scheduleId: '', doorIds: [] as string[] });
  const [group, setGroup] = useState({ id: '', name: '', levelIds: [] as string[] });
  const { run, view, busy } = useAction();
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
  }, []);
  useEffect(() => void load().catch(() => undefined), [load]);
  const saveLevel = (e: FormEvent) => {
    e.preventDefault();
    void run(`Level ${draft.name} saved.`, async () => {
      await api.post('/api/v1/access/levels', draft);
      await load();
    });
  };
  const saveGroup = (e: FormEvent) => {
    e.preventDefault();
    void run(`Group ${group.name} saved.`, async () => {
      await api.post('/api/v1/access/groups', group);
      await load();
    });
  };
  const toggle = (list: string[], id: string, on: boolean) =>
    on ? [...list, id] : list.filter((x) => x !== id);
  return (
    <section>
      <header className="page-header">
        <h2>Access levels and groups</h2>
      </header>
      {view}
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
                {l.name} <code>{l.id}</code>
              </td>
              <td>{l.scheduleId}</td>
              <td>{l.doorIds.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Groups</h3>
      <p>{groups.map((g) => `${g.name} (${g.levelIds.join(', ')})`).join(' · ') || 'none'}</p>
      {edit && (
        <>
          <form className="panel" onSubmit={saveLevel}>
            <h3>New access level</h3>
            <label>
              Id
              <input
                name="level-id"
                value={draft.id}
                onChange={(e) => setDraft({ ...draft, id: e.target.value })}
                required
              />
            </label>
            <label>
              Name
              <input
                name="level-name"
                value={draft.name}
                onChange={(e) => setDraft({ ...draft, name: e.target.value })}
                required
              />
            </label>
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
          </form>
          <form className="panel" onSubmit={saveGroup}>
            <h3>New group</h3>
            <label>
              Id
              <input
                name="group-id"
                value={group.id}
                onChange={(e) => setGroup({ ...group, id: e.target.value })}
                required
              />
            </label>
            <label>
              Name
              <input
                name="group-name"
                value={group.name}
                onChange={(e) => setGroup({ ...group, name: e.target.value })}
                required
              />
            </label>
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
          </form>
        </>
      )}
    </section>
  );
};
