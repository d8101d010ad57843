import type { JsonObject } from '@gatehouse/contracts';
import type { Alarm } from './alarm';
import { type AlarmTransport, webhookTransport } from './notifier';

/**
 * What a workstation agent is told when it should lock a session: the host and
 * the session, the alert it answers and why. Never the person's name or
 * account: the agent needs neither, and the request crosses the site network.
 */
export interface WorkstationLockDocument {
  kind: 'workstation-lock';
  /** The alarm in the guard's queue. */
  alertId: string;
  rule: string;
  workstation: string;
  /** The session at the host (logind session id, Windows logon id); null when the source gave none. */
  sessionId: string | null;
  /** When the alert was raised (ISO 8601, UTC). */
  at: string;
  reason: string;
}

/** Fixed words per rule: the alarm's detail may name a zone or the person, these never do. */
const REASONS: Record<string, string> = {
  'session-after-badge-out': 'the session is still active after its user badged out',
  'login-after-badge-out': 'a login after its user badged out',
  'login-without-badge-in': 'a login without a badge-in',
  'credential-sharing': 'the account is in use at another workstation or in a zone its user never entered',
  'leaver-activity': "a leaver's account is in use",
};

export const DEFAULT_LOCK_RULES: readonly string[] = ['session-after-badge-out'];

/** The lock request for a raised alarm of one of `rules` about a workstation session; null otherwise. */
export const lockDocumentFor = (
  a: Alarm,
  change: string,
  at: number,
  rules: readonly string[],
): WorkstationLockDocument | null => {
  if (change !== 'alarm.raised' || !rules.includes(a.type) || !a.workstation) return null;
  return {
    kind: 'workstation-lock',
    alertId: a.id,
    rule: a.type,
    workstation: a.workstation.host,
    sessionId: a.workstation.sessionId,
    at: new Date(at).toISOString(),
    reason: REASONS[a.type] ?? `correlation alert ${a.type}`,
  };
};

export interface WorkstationLockOptions {
  url: string;
  secret: string;
  rules: readonly string[];
  ca?: Buffer;
  timeoutMs?: number;
  userAgent: string;
}

/**
 * The lock webhook as one more target of the alarm outbox: persistent, retried
 * with backoff, signed as every webhook is (X-Gatehouse-Signature over
 * "<timestamp>.<body>"). A request still queued when its alert is withdrawn is
 * cancelled; one delivered is not taken back (unlocking is the person's own act).
 */
export const workstationLockTransport = (o: WorkstationLockOptions): AlarmTransport => {
  const http = webhookTransport({
    url: o.url,
    secret: o.secret,
    userAgent: o.userAgent,
    events: ['alarm.raised'],
    silentAlarms: false,
    personalData: false,
    ...(o.ca ? { ca: o.ca } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  });
  const url = new URL(o.url);
  return {
    ...http,
    name: `workstation-lock ${url.origin}${url.pathname}`,
    document: (a, change, at) => lockDocumentFor(a, change, at, o.rules) as JsonObject | null,
    withdrawCancels: true,
    journalOutcome: true,
  };
};
