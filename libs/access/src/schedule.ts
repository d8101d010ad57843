import { DomainError } from '@gatehouse/contracts';
import type { Schedule, ScheduleInterval } from './model';

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

export const minutesOf = (hhmm: string): number =>
  hhmm === '24:00' ? 1440 : Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

export const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const bad = (message: string, details: Record<string, unknown> = {}) =>
  new DomainError('invalid', 'schedule.invalid', message, details);

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * Refuses what a schedule cannot mean: unknown zones, malformed times, inverted
 * or empty intervals, and intervals of one day that overlap (a typo more often
 * than an intention; the error names both). An interval ending at midnight is
 * written "24:00"; one that runs past midnight is two intervals. The messages
 * name intervals as a person counts them ("interval 2", from 1), for the
 * console to show as they are; `details` keeps the index from 0.
 */
export const validateIntervals = (intervals: readonly ScheduleInterval[], label: string): void => {
  const perDay = new Map<number, { start: number; end: number; index: number }[]>();
  const named = (index: number) => `${label} ${index + 1}`;
  intervals.forEach((iv, index) => {
    if (!TIME.test(iv.start) || !TIME.test(iv.end) || iv.start === '24:00') {
      throw bad(`${named(index)}: times are HH:MM, from 00:00 to 24:00 (midnight at the end of the day)`, {
        index,
      });
    }
    const start = minutesOf(iv.start);
    const end = minutesOf(iv.end);
    if (end <= start) {
      throw bad(
        `${named(index)} ends (${iv.end}) at or before it starts (${iv.start}); split an overnight interval at midnight into two (the first ends at midnight: 00:00 as the console's end time, 24:00 in the API)`,
        { index },
      );
    }
    if (
      iv.days.length === 0 ||
      iv.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7) ||
      new Set(iv.days).size !== iv.days.length
    ) {
      throw bad(`${named(index)} needs at least one day, each once (ISO weekdays 1, Monday, to 7, Sunday)`, {
        index,
      });
    }
    for (const day of iv.days) {
      const list = perDay.get(day) ?? [];
      const clash = list.find((o) => start < o.end && o.start < end);
      if (clash) {
        throw bad(`${named(index)} overlaps ${named(clash.index)} on ${WEEKDAY_NAMES[day - 1]}`, {
          index,
          other: clash.index,
          day,
        });
      }
      list.push({ start, end, index });
      perDay.set(day, list);
    }
  });
};

export const validateSchedule = (s: Pick<Schedule, 'timeZone' | 'intervals' | 'holidayIntervals'>): void => {
  if (!isTimeZone(s.timeZone)) throw bad(`unknown time zone "${s.timeZone}"`, { timeZone: s.timeZone });
  validateIntervals(s.intervals, 'interval');
  validateIntervals(s.holidayIntervals, 'holiday interval');
};

export interface LocalTime {
  /** ISO weekday 1-7. */
  weekday: number;
  minute: number;
  date: string;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Wall-clock time in a zone. Schedules are evaluated on local wall time, which
 * is what makes them daylight-saving safe: "08:00-18:00" means 08:00 local on
 * both sides of a change, and the skipped or repeated hour is simply what the
 * local clock shows. Cached per zone and minute: the decision path calls it often.
 */
export class LocalClock {
  private cacheKey = '';
  private cacheValue: LocalTime = { weekday: 1, minute: 0, date: '' };
  private readonly cache = new Map<string, { minuteStart: number; value: LocalTime }>();

  at(zone: string, instantMs: number): LocalTime {
    const minuteStart = instantMs - (((instantMs % 60_000) + 60_000) % 60_000);
    const key = `${zone}@${minuteStart}`;
    if (key === this.cacheKey) return this.cacheValue;
    const hit = this.cache.get(zone);
    if (hit && hit.minuteStart === minuteStart) return hit.value;
    let f = formatters.get(zone);
    if (!f) {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        weekday: 'short',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      });
      formatters.set(zone, f);
    }
    const parts: Record<string, string> = {};
    for (const p of f.formatToParts(minuteStart)) parts[p.type] = p.value;
    const value: LocalTime = {
      weekday: WEEKDAYS[parts.weekday!] ?? 1,
      minute: Number(parts.hour) * 60 + Number(parts.minute),
      date: `${parts.year}-${parts.month}-${parts.day}`,
    };
    this.cache.set(zone, { minuteStart, value });
    this.cacheKey = key;
    this.cacheValue = value;
    return value;
  }
}

/** A schedule compiled for quick checks: per weekday, sorted [start, end) minute ranges. */
export interface CompiledSchedule {
  id: string;
  timeZone: string;
  weekly: [number, number][][];
  holiday: [number, number][][];
}

const compileIntervals = (intervals: readonly ScheduleInterval[]): [number, number][][] => {
  const days: [number, number][][] = Array.from({ length: 8 }, () => []);
  for (const iv of intervals)
    for (const d of iv.days) days[d]!.push([minutesOf(iv.start), minutesOf(iv.end)]);
  for (const d of days) d.sort((a, b) => a[0] - b[0]);
  return days;
};

export const compileSchedule = (s: Schedule): CompiledSchedule => ({
  id: s.id,
  timeZone: s.timeZone,
  weekly: compileIntervals(s.intervals),
  holiday: compileIntervals(s.holidayIntervals),
});

const inRanges = (ranges: [number, number][], minute: number): boolean => {
  for (const [start, end] of ranges) if (minute >= start && minute < end) return true;
  return false;
};

export type ScheduleAnswer = 'active' | 'inactive' | 'holiday';

/** Whether a schedule is active at an instant; `holiday` when only a holiday keeps it closed. */
export const scheduleState = (
  s: CompiledSchedule,
  holidays: ReadonlySet<string>,
  instantMs: number,
  clock: LocalClock,
): ScheduleAnswer => {
  const local = clock.at(s.timeZone, instantMs);
  if (holidays.has(local.date)) {
    if (inRanges(s.holiday[local.weekday]!, local.minute)) return 'active';
    return inRanges(s.weekly[local.weekday]!, local.minute) ? 'holiday' : 'inactive';
  }
  return inRanges(s.weekly[local.weekday]!, local.minute) ? 'active' : 'inactive';
};
