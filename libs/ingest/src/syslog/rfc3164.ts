import type { SyslogParse } from './message';
import { parseRfc5424Timestamp } from './rfc5424';
import { wallTimeToInstant } from './zone';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const BSD_TIME = /^([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})? /;
/** rsyslog's forward format puts an RFC 3339 time where BSD syslog has its own. */
const ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\S+) /;
/** TAG: the program, an optional `[pid]`, then `:`. gdm's worker really logs as `gdm-password]`. */
const TAG = /^([^\s:[]{1,48}\]?)(?:\[([^\]\s]{1,32})\])?: ?/;

export interface Rfc3164Context {
  /** Now, for the missing year. */
  now: Date;
  /** IANA zone assumed for the sender's local time. */
  zone: string;
}

/**
 * BSD syslog after `<PRI>`: `Mmm dd hh:mm:ss HOST TAG: MSG`. The year is the
 * one that puts the time nearest to now without being more than a day ahead
 * (a December message read on the 1st of January is last year's).
 */
export const parseRfc3164 = (
  facility: number,
  severity: number,
  afterPri: string,
  ctx: Rfc3164Context,
): SyslogParse => {
  let rest: string;
  let timestamp: string;
  let assumed: { year?: number; zone?: string } | null = null;
  const bsd = BSD_TIME.exec(afterPri);
  const iso = bsd ? null : ISO_TIME.exec(afterPri);
  if (bsd) {
    const month = MONTHS.indexOf(bsd[1]!) + 1;
    if (month === 0) return { ok: false, reason: 'bad-timestamp' };
    // One object per message, its year changed in place when it must be last year's.
    const wall = {
      year: ctx.now.getUTCFullYear(),
      month,
      day: Number(bsd[2]!.trim()),
      hour: Number(bsd[3]),
      minute: Number(bsd[4]),
      second: Number(bsd[5]),
      ms: bsd[6] ? Math.round(Number(bsd[6]) * 1000) : 0,
    };
    let instant = wallTimeToInstant(wall, ctx.zone);
    if (instant - ctx.now.getTime() > 24 * 3600_000) {
      wall.year -= 1;
      instant = wallTimeToInstant(wall, ctx.zone);
    }
    const year = wall.year;
    if (Number.isNaN(instant)) return { ok: false, reason: 'bad-timestamp' };
    timestamp = new Date(instant).toISOString();
    assumed = { year, zone: ctx.zone };
    rest = afterPri.slice(bsd[0].length);
  } else if (iso) {
    const parsed = parseRfc5424Timestamp(iso[1]!);
    if (!parsed) return { ok: false, reason: 'bad-timestamp' };
    timestamp = parsed;
    rest = afterPri.slice(iso[0].length);
  } else {
    return { ok: false, reason: 'not-syslog' };
  }
  const host = /^(\S{1,255}) /.exec(rest);
  if (!host) return { ok: false, reason: 'not-syslog' };
  rest = rest.slice(host[0].length);
  const tag = TAG.exec(rest);
  // One leading space and a trailing line end off, by looking at the ends (two regex replaces
  // per message were a measurable share of the path).
  let message = tag ? rest.slice(tag[0].length) : rest;
  if (message.charCodeAt(0) === 0x20) message = message.slice(1);
  if (message.endsWith('\n')) message = message.slice(0, message.endsWith('\r\n') ? -2 : -1);
  return {
    ok: true,
    message: {
      format: 'rfc3164',
      facility,
      severity,
      timestamp,
      assumed,
      hostname: host[1]!,
      appName: tag ? tag[1]! : null,
      procId: tag?.[2] ?? null,
      msgId: null,
      structuredData: [],
      message,
    },
  };
};
