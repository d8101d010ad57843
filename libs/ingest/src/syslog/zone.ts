/**
 * Wall-clock time in a named zone to an instant. RFC 3164 and NXLog's
 * EventTime carry local time without an offset; the gateway assumes its own
 * zone and records that it did.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (zone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(zone);
  if (!formatter) {
    // Throws RangeError for an unknown zone: a configuration error, caught at start.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
};

/**
 * Offsets by zone and quarter hour. Zones change offset only at quarter-hour
 * instants, so a quarter hour has one offset. Measured (bench ingest): asking
 * Intl for every message was a quarter of the syslog path's time.
 */
const QUARTER_HOUR_MS = 15 * 60_000;
const offsetCache = new Map<string, number>();
const MAX_CACHED_OFFSETS = 4096;

/**
 * The last two quarter hours asked for, in place: a wall time is settled in
 * two rounds (wallTimeToInstant), at the guess and at the guess less the
 * offset, which lie in different quarter hours wherever the offset is not
 * zero; one slot thrashed between them and built a key and an object at each
 * of a message's two calls (measured: 1.4 µs a message in the logins bench).
 */
const recent = { zone: ['', ''], quarter: [NaN, NaN], offset: [0, 0], next: 0 };

/** The zone's offset from UTC at an instant, in milliseconds. */
const offsetAt = (instantMs: number, zone: string): number => {
  const quarter = Math.floor(instantMs / QUARTER_HOUR_MS);
  // A stream's messages mostly fall in the same quarter hours: skip building a key for them.
  if (quarter === recent.quarter[0] && zone === recent.zone[0]) return recent.offset[0]!;
  if (quarter === recent.quarter[1] && zone === recent.zone[1]) return recent.offset[1]!;
  const key = `${zone}|${quarter}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    offset = computeOffset(instantMs, zone);
    if (offsetCache.size >= MAX_CACHED_OFFSETS) offsetCache.clear();
    offsetCache.set(key, offset);
  }
  const slot = recent.next;
  recent.zone[slot] = zone;
  recent.quarter[slot] = quarter;
  recent.offset[slot] = offset;
  recent.next = 1 - slot;
  return offset;
};

const computeOffset = (instantMs: number, zone: string): number => {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return asUtc - Math.floor(instantMs / 1000) * 1000;
};

export interface WallTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms?: number;
}

/** The instant (ms since epoch) a wall time in `zone` names; NaN when the fields are out of range. */
export const wallTimeToInstant = (wall: WallTime, zone: string): number => {
  const { year, month, day, hour, minute, second } = wall;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return NaN;
  const guess = Date.UTC(year, month - 1, day, hour, minute, second, wall.ms ?? 0);
  // Two rounds settle the offset except inside a DST gap, where either answer is as good.
  const first = guess - offsetAt(guess, zone);
  return guess - offsetAt(first, zone);
};

/** Checks a zone name once, at configuration time. */
export const isKnownZone = (zone: string): boolean => {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
};
