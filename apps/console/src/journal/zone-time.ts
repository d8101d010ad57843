/**
 * Times in the site's zone, whatever the browser's zone: a responder abroad
 * reads what the site's clocks showed (CONSOLE.md), and a range typed as
 * "09:00" means nine o'clock at the site.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}
const wallClock = (ms: number, timeZone: string): WallClock => {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
};
const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-06-01 11:00:05" as the site's clocks showed the instant `iso`. */
export const siteDateTime = (iso: string, timeZone: string): string => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const c = wallClock(ms, timeZone);
  return `${c.year}-${pad(c.month)}-${pad(c.day)} ${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}`;
};

/** How far the zone's clocks are ahead of UTC at the instant `ms`. */
const offsetAt = (ms: number, timeZone: string): number => {
  const c = wallClock(ms, timeZone);
  return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second) - Math.floor(ms / 1000) * 1000;
};

/**
 * The instant a `datetime-local` value ("2026-06-01T09:00") names in the
 * site's zone, as ISO 8601 UTC; null for a value that is not one. Twice
 * corrected, so a time next to a clock change lands on the right side.
 */
export const siteLocalToIso = (local: string, timeZone: string): string | null => {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?$/.exec(local);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  let guess = asUtc - offsetAt(asUtc, timeZone);
  guess = asUtc - offsetAt(guess, timeZone);
  return new Date(guess).toISOString();
};

/** The zone the browser runs in: the fallback until the site's zone is known. */
export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;
