import { normaliseAccount } from '../account';
import type { Interpretation, LoginAction } from '../event';
import { digestKey } from '../key';
import type { SyslogFields } from '../syslog-fields';

/** PAM services where an opened session is a person arriving (at the desk, or over SSH). */
const PERSON_SERVICES = new Set(['login', 'gdm-password', 'lightdm', 'sshd']);
/** Display managers log their greeter's own session through logind; not a person. */
const GREETER_USERS = new Set(['gdm', 'gdm-greeter', 'lightdm', 'sddm']);

/** OpenSSH 9.8 split the per-connection process out as `sshd-session`. */
const SSHD = new Set(['sshd', 'sshd-session']);
const SSH_ACCEPTED = /^Accepted (\S+) for (\S+) from (\S+) port (\d+)/;
/** `session opened for user alice(uid=1000) by (uid=0)`; older PAM omits `(uid=...)`, some add `by LOGIN(uid=0)`. */
const PAM_SESSION = /^pam_unix\(([^:()\s]+):session\): session (opened|closed) for user ([^\s(]+)/;
const LOGIND_NEW = /^New session (\S+?) of user (\S+?)\.?$/;
const LOGIND_REMOVED = /^Removed session (\S+?)\.?$/;

interface Found {
  action: LoginAction;
  user: string | null;
  service: string;
  remote: boolean;
  sessionId: string | null;
  clientAddress: string | null;
}

const find = (message: SyslogFields): Found | 'ignored-service' | 'system-account' | null => {
  const app = message.appName?.replace(/\]$/, '') ?? '';
  const text = message.message;
  const pid = message.procId;
  if (SSHD.has(app)) {
    const accepted = SSH_ACCEPTED.exec(text);
    if (accepted) {
      return {
        action: 'logon',
        user: accepted[2]!,
        service: 'sshd',
        remote: true,
        sessionId: pid ? `sshd:${pid}` : null,
        clientAddress: accepted[3]!,
      };
    }
  }
  const pam = PAM_SESSION.exec(text);
  if (pam) {
    const service = pam[1]!;
    if (!PERSON_SERVICES.has(service)) return 'ignored-service';
    return {
      action: pam[2] === 'opened' ? 'session-opened' : 'session-closed',
      user: pam[3]!,
      service,
      remote: service === 'sshd',
      sessionId: pid ? `${service}:${pid}` : null,
      clientAddress: null,
    };
  }
  if (app === 'systemd-logind') {
    const opened = LOGIND_NEW.exec(text);
    if (opened) {
      if (GREETER_USERS.has(opened[2]!)) return 'system-account';
      return {
        action: 'session-opened',
        user: opened[2]!,
        service: 'systemd-logind',
        remote: false,
        sessionId: `logind:${opened[1]}`,
        clientAddress: null,
      };
    }
    const removed = LOGIND_REMOVED.exec(text);
    if (removed) {
      return {
        action: 'session-closed',
        user: null,
        service: 'systemd-logind',
        remote: false,
        sessionId: `logind:${removed[1]}`,
        clientAddress: null,
      };
    }
  }
  return null;
};

/** sshd, pam_unix and systemd-logind lines from a Linux host's auth log. */
export const interpretLinuxAuth = (message: SyslogFields, raw: string): Interpretation | null => {
  const found = find(message);
  if (found === null) return null;
  if (typeof found === 'string') return { kind: 'ignored', reason: found };
  if (!message.hostname || !message.timestamp) return { kind: 'unknown', reason: 'missing-field', raw };
  const account = found.user === null ? null : normaliseAccount(found.user);
  if (found.user !== null && !account) return { kind: 'unknown', reason: 'missing-field', raw };
  const host = message.hostname.toLowerCase();
  return {
    kind: 'login',
    event: {
      key: digestKey(host, message.timestamp, message.appName ?? '', message.procId ?? '', message.message),
      action: found.action,
      os: 'linux',
      remote: found.remote,
      account,
      workstation: { host },
      clientAddress: found.clientAddress,
      sessionId: found.sessionId,
      occurredAt: message.timestamp,
      timeAssumed: message.assumed,
      source: { format: 'linux-syslog', service: found.service },
      raw,
    },
  };
};
