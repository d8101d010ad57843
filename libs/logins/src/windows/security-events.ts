import { normaliseAccount } from '../account';
import type { Interpretation, LoginAction } from '../event';
import { digestKey, recordKey } from '../key';
import type { WindowsRecord } from './record';

/**
 * Logon types that are a person: 2 interactive (at the console), 7 unlock,
 * 10 remote interactive (RDP), 11 cached interactive (domain unreachable).
 * 3 network and 5 service (and batch, proxy, new-credentials) are not.
 */
const PERSON_LOGON_TYPES = new Set([2, 7, 10, 11]);

/**
 * Windows itself logs interactive logons for its own sessions: the Desktop
 * Window Manager (DWM-n in "Window Manager"), the font driver host (UMFD-n),
 * and machine accounts (NAME$). None is a person.
 */
const SYSTEM_DOMAINS = new Set(['window manager', 'font driver host', 'nt authority']);

const ACTIONS: Record<number, LoginAction> = {
  4624: 'logon',
  4625: 'logon-failed',
  4634: 'logoff',
  4647: 'logoff',
  4800: 'lock',
  4801: 'unlock',
};

/** Events that carry a LogonType and are only a person's for the types above. */
const TYPED = new Set([4624, 4625, 4634]);

const address = (value: string | undefined): string | null =>
  value && value !== '-' && value !== '::1' && value !== '127.0.0.1' ? value.replace(/^::ffff:/, '') : null;

/** Turns one Windows Security record into a login fact, or says why it is none. */
export const interpretWindowsRecord = (record: WindowsRecord, raw: string): Interpretation => {
  let action = ACTIONS[record.eventId];
  if (!action) return { kind: 'ignored', reason: 'not-a-login-event' };
  const data = record.data;
  let logonType: number | undefined;
  if (TYPED.has(record.eventId)) {
    if (data.LogonType === undefined || !/^\d{1,2}$/.test(data.LogonType)) {
      return { kind: 'unknown', reason: 'missing-field', raw };
    }
    logonType = Number(data.LogonType);
    if (!PERSON_LOGON_TYPES.has(logonType)) return { kind: 'ignored', reason: 'not-interactive' };
    // Windows logs an unlock as a type 7 logon beside 4801; both say "unlock".
    if (record.eventId === 4624 && logonType === 7) action = 'unlock';
  }
  const userName = data.TargetUserName;
  const domain = data.TargetDomainName;
  if (!userName) return { kind: 'unknown', reason: 'missing-field', raw };
  if (userName.endsWith('$') || (domain && SYSTEM_DOMAINS.has(domain.toLowerCase()))) {
    return { kind: 'ignored', reason: 'system-account' };
  }
  const account = normaliseAccount(userName, domain);
  if (!account) return { kind: 'unknown', reason: 'missing-field', raw };
  const host = record.computer.toLowerCase();
  const failure =
    record.eventId === 4625
      ? data.SubStatus && data.SubStatus !== '0x0'
        ? data.SubStatus
        : data.Status
      : undefined;
  return {
    kind: 'login',
    event: {
      key: record.recordId
        ? recordKey(host, record.channel, record.recordId)
        : digestKey(host, String(record.eventId), record.occurredAt, data.TargetLogonId ?? '', account.key),
      action,
      os: 'windows',
      remote: logonType === 10,
      account,
      workstation: { host },
      clientAddress: address(data.IpAddress),
      sessionId: data.TargetLogonId && data.TargetLogonId !== '0x0' ? data.TargetLogonId.toLowerCase() : null,
      occurredAt: record.occurredAt,
      timeAssumed: record.timeAssumed,
      source: {
        format: record.format,
        eventId: record.eventId,
        ...(logonType !== undefined ? { logonType } : {}),
        ...(failure ? { failure } : {}),
      },
      raw,
    },
  };
};
