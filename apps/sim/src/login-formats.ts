/**
 * Login events as real senders write them, for the demo's simulated
 * workstations (the shapes of libs/logins/fixtures): NXLog's
 * `to_syslog_ietf()` of a Windows Security record (RFC 5424, every field a
 * structured-data parameter), Winlogbeat's JSON for the Beats listener, and a
 * Linux PAM line as rsyslog forwards it (RFC 3164, local time without a zone).
 */

export type WindowsAction = 'logon' | 'lock' | 'unlock' | 'logoff';

const EVENT_ID: Record<WindowsAction, number> = { logon: 4624, lock: 4800, unlock: 4801, logoff: 4647 };
const TEXT: Record<WindowsAction, string> = {
  logon: 'An account was successfully logged on.',
  lock: 'The workstation was locked.',
  unlock: 'The workstation was unlocked.',
  logoff: 'User initiated logoff:',
};

export interface WindowsEvent {
  action: WindowsAction;
  at: Date;
  /** Host name as the workstation names itself (`WS-01`); the DNS domain is appended. */
  host: string;
  user: string;
  domain: string;
  /** TargetLogonId: one per session, so a lock, unlock and logoff belong to its logon. */
  logonId: string;
  recordNumber: number;
  /** 2 interactive, 10 remote interactive. */
  logonType?: number;
}

const DNS_SUFFIX = 'corp.example.com';
const sdValue = (v: string) => v.replace(/[\\"\]]/g, (c) => `\\${c}`);

const fields = (e: WindowsEvent): Record<string, string> => ({
  EventType: 'AUDIT_SUCCESS',
  EventID: String(EVENT_ID[e.action]),
  Hostname: `${e.host}.${DNS_SUFFIX}`,
  Channel: 'Security',
  RecordNumber: String(e.recordNumber),
  TargetUserName: e.user,
  TargetDomainName: e.domain,
  TargetLogonId: e.logonId,
  ...(e.action === 'logon'
    ? { LogonType: String(e.logonType ?? 2), LogonProcessName: 'User32 ', WorkstationName: e.host }
    : {}),
});

/** An RFC 5424 line as NXLog sends a Windows record (priority 14: user, informational). */
export const nxlogSyslog = (e: WindowsEvent): string => {
  const params = Object.entries(fields(e))
    .map(([k, v]) => `${k}="${sdValue(v)}"`)
    .join(' ');
  return `<14>1 ${e.at.toISOString()} ${e.host}.${DNS_SUFFIX} Microsoft-Windows-Security-Auditing 788 - [NXLOG@14506 ${params}] ${TEXT[e.action]}`;
};

/** The Winlogbeat document of a Windows record, as output.logstash ships it. */
export const winlogbeatDocument = (e: WindowsEvent): object => {
  const data = fields(e);
  return {
    '@timestamp': e.at.toISOString(),
    '@metadata': { beat: 'winlogbeat', type: '_doc', version: '8.12.2' },
    host: { name: `${e.host}.${DNS_SUFFIX}`, hostname: e.host.toLowerCase(), os: { family: 'windows' } },
    message: TEXT[e.action],
    event: {
      code: data.EventID,
      kind: 'event',
      provider: 'Microsoft-Windows-Security-Auditing',
      outcome: 'success',
    },
    winlog: {
      channel: 'Security',
      computer_name: `${e.host}.${DNS_SUFFIX}`,
      event_id: data.EventID,
      record_id: data.RecordNumber,
      provider_name: 'Microsoft-Windows-Security-Auditing',
      event_data: Object.fromEntries(
        Object.entries(data).filter(
          ([k]) => !['EventType', 'EventID', 'Hostname', 'Channel', 'RecordNumber'].includes(k),
        ),
      ),
    },
  };
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Nov 30 09:05:33" on the clocks of `timeZone`: RFC 3164 has no zone, the receiver assumes the site's. */
export const rfc3164Time = (at: Date, timeZone: string): string => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const day = String(Number(parts.day)).padStart(2, ' ');
  return `${MONTHS[Number(parts.month) - 1]} ${day} ${parts.hour}:${parts.minute}:${parts.second}`;
};

export interface LinuxEvent {
  action: 'logon' | 'logoff';
  at: Date;
  host: string;
  user: string;
  /** The display manager's process: the PAM session's key at this host (`gdm-password:<pid>`). */
  pid: number;
}

/** A PAM session line of the display manager, as rsyslog forwards it (priority 86: authpriv, info). */
export const linuxAuthSyslog = (e: LinuxEvent, timeZone: string): string => {
  const what =
    e.action === 'logon'
      ? `session opened for user ${e.user}(uid=1001) by (uid=0)`
      : `session closed for user ${e.user}`;
  return `<86>${rfc3164Time(e.at, timeZone)} ${e.host} gdm-password[${e.pid}]: pam_unix(gdm-password:session): ${what}`;
};
