import type { Account } from './account';

/** What a login event says happened at a workstation. */
export type LoginAction =
  'logon' | 'logon-failed' | 'logoff' | 'lock' | 'unlock' | 'session-opened' | 'session-closed';

/** Which shipper format an event came in. */
export type LoginFormat = 'winlogbeat' | 'nxlog-json' | 'windows-syslog' | 'linux-syslog';

/**
 * The contract event (`login.observed`): one interactive login fact, parsed,
 * normalised and keyed, with the raw message it came from. Sessions and the
 * correlation rules consume this; they never read shipper formats.
 */
export interface LoginObserved {
  /** Same key, same fact: a resent record (Beats retry, syslog duplicate) is dropped by it. */
  key: string;
  action: LoginAction;
  os: 'windows' | 'linux';
  /** Remote interactive (RDP type 10, SSH): a person, but not at this desk. */
  remote: boolean;
  /** Null only when the format does not name the account (logind's "Removed session"). */
  account: Account | null;
  /** The computer the session is on, as it names itself (lower case). */
  workstation: { host: string };
  /** Where a remote or network logon came from (Windows IpAddress, sshd "from"). */
  clientAddress: string | null;
  /** Ties logon to logoff: Windows TargetLogonId, logind session id, sshd pid. */
  sessionId: string | null;
  /** When it happened by the sender's clock (ISO, UTC). */
  occurredAt: string;
  /** What was assumed to get `occurredAt` (a zone or year the format lacks). */
  timeAssumed: { year?: number; zone?: string } | null;
  source: {
    format: LoginFormat;
    /** Windows event id (4624, ...). */
    eventId?: number;
    logonType?: number;
    /** PAM service or program (login, gdm-password, sshd, systemd-logind). */
    service?: string;
    /** Windows failure status for 4625. */
    failure?: string;
  };
  raw: string;
}

/** Why a message was recognised but is not a login fact (counted, not kept). */
export type IgnoredReason = 'not-interactive' | 'ignored-service' | 'system-account' | 'not-a-login-event';

/** Why a message could not be read at all (counted and kept for a person to look at). */
export type UnknownReason = 'unknown-format' | 'missing-field' | 'bad-time' | 'not-json-object';

export type Interpretation =
  | { kind: 'login'; event: LoginObserved }
  | { kind: 'ignored'; reason: IgnoredReason }
  | { kind: 'unknown'; reason: UnknownReason; raw: string };
