import type { SyslogParse } from './message';
import { readPriority } from './priority';
import { parseRfc3164, type Rfc3164Context } from './rfc3164';
import { parseRfc5424 } from './rfc5424';
import { decodeUtf8 } from './utf8';

/** One syslog message already decoded from UTF-8, in either format. */
export const parseSyslogText = (text: string, ctx: Rfc3164Context): SyslogParse => {
  if (!text.startsWith('<')) return { ok: false, reason: 'not-syslog' };
  const pri = readPriority(text);
  if (!pri) return { ok: false, reason: 'bad-priority' };
  if (pri.rest.startsWith('1 ')) return parseRfc5424(pri.facility, pri.severity, pri.rest);
  return parseRfc3164(pri.facility, pri.severity, pri.rest, ctx);
};

/** One syslog message (a UDP datagram or a TCP frame) in either format. */
export const parseSyslog = (bytes: Uint8Array, ctx: Rfc3164Context): SyslogParse => {
  const text = decodeUtf8(bytes);
  if (text === null) return { ok: false, reason: 'invalid-utf8' };
  return parseSyslogText(text, ctx);
};
