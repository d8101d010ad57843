import type { InterpretContext } from './context';
import type { Interpretation } from './event';
import { interpretLinuxAuth } from './linux/linux-auth';
import type { SyslogFields } from './syslog-fields';
import { fromNxlogJson } from './windows/nxlog';
import { isObject, type WindowsRecord } from './windows/record';
import { interpretWindowsRecord } from './windows/security-events';
import { fromWindowsSyslog } from './windows/windows-syslog';
import { fromWinlogbeat } from './windows/winlogbeat';

const fromRecord = (record: WindowsRecord | 'missing-field' | 'bad-time', raw: string): Interpretation =>
  typeof record === 'string' ? { kind: 'unknown', reason: record, raw } : interpretWindowsRecord(record, raw);

/**
 * A JSON document from a Beat, NXLog (over TCP, HTTP or inside syslog) or an
 * agent. Formats are recognised by their own fields; anything else is
 * unknown and kept, never guessed at.
 */
export const interpretJson = (value: unknown, raw: string, ctx: InterpretContext): Interpretation => {
  if (!isObject(value)) return { kind: 'unknown', reason: 'not-json-object', raw };
  const winlogbeat = fromWinlogbeat(value);
  if (winlogbeat) return fromRecord(winlogbeat, raw);
  const nxlog = fromNxlogJson(value, ctx.zone);
  if (nxlog) return fromRecord(nxlog, raw);
  return { kind: 'unknown', reason: 'unknown-format', raw };
};

const WINDOWS_SENDERS = /Security-Auditing|MSWinEventLog/i;

/**
 * A syslog message: Windows records as NXLog sends them (structured data, or
 * JSON as the message), Linux auth lines. Other programs' messages are not
 * login events (a syslog feed carries everything the host logs).
 */
export const interpretSyslog = (
  message: SyslogFields,
  raw: string,
  ctx: InterpretContext,
): Interpretation => {
  const windows = fromWindowsSyslog(message);
  if (windows) return fromRecord(windows, raw);
  const body = message.message.trim();
  if (body.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return { kind: 'unknown', reason: 'unknown-format', raw };
    }
    return interpretJson(value, raw, ctx);
  }
  const linux = interpretLinuxAuth(message, raw);
  if (linux) return linux;
  // A Windows record in a shape we do not read (Snare tab-separated, rendered
  // text only): a login may hide in it, so it is kept for a person, not dropped.
  if (WINDOWS_SENDERS.test(message.appName ?? '') || WINDOWS_SENDERS.test(body.slice(0, 64))) {
    return { kind: 'unknown', reason: 'unknown-format', raw };
  }
  return { kind: 'ignored', reason: 'not-a-login-event' };
};
