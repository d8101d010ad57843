import type { GatehouseConfig } from '@gatehouse/config';
import type { JournalEntry, Log } from '@gatehouse/contracts';
import { SESSION_ATTRIBUTED } from './entry';
import { type LoginAction, type SessionAction, type SessionFact, SessionTracker } from '@gatehouse/logins';

/** The login actions that open or end a session; a failed logon does neither. */
export const SESSION_ACTIONS: Partial<Record<LoginAction, SessionAction>> = {
  logon: 'logon',
  'session-opened': 'logon',
  unlock: 'unlock',
  lock: 'lock',
  logoff: 'logoff',
  'session-closed': 'logoff',
};

const MINUTE = 60_000;
/** What a view shows for a value it could not open (the journal's ERASED_VALUE, UNREADABLE_VALUE). */
const UNSHOWN = new Set(['erased person', 'unreadable']);

export const sessionTracker = (config: GatehouseConfig['logins']['sessions']): SessionTracker =>
  new SessionTracker({
    idleTimeoutMs: config.idleTimeoutMinutes * MINUTE,
    lockedTimeoutMs: config.lockedTimeoutMinutes * MINUTE,
    maxSessions: config.maxSessions,
  });

/** How far back a restart reads: no session older than its longest time-out can still be open. */
export const restoreHorizonMs = (config: GatehouseConfig['logins']['sessions']): number =>
  Math.max(config.idleTimeoutMinutes, config.lockedTimeoutMinutes) * MINUTE;

type Payload = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** A `login.*` entry, as a view opens it, back into the fact the tracker took when it arrived. */
export const sessionFactOf = (entry: JournalEntry): SessionFact | null => {
  const p = entry.payload as Payload;
  const action = SESSION_ACTIONS[str(p.action) as LoginAction];
  const host = str(p.host);
  const at = Date.parse(str(p.occurredAt) ?? entry.time);
  if (!action || !host || !Number.isFinite(at)) return null;
  return {
    at,
    action,
    personId: str(p.personId),
    accountDigest: str(p.accountKey),
    // Opened for the view when the keys allow it; a sealed or erased value is no name to show.
    account: typeof p.account === 'string' && !UNSHOWN.has(p.account) ? p.account : null,
    host,
    zone: str(p.zone),
    remote: p.remote === true,
    sessionId: str(p.sessionId),
  };
};

export interface SessionHistory {
  since(afterSeq: number, filter: { from: string; types: string[] }, limit: number): Promise<JournalEntry[]>;
}

const PAGE = 500;
/** A restart reads at most this many login entries (newest kept out only past it, logged). */
const MAX_RESTORED = 1_000_000;

/**
 * Sessions kept across a restart: rebuilt from the journal's `login.*`
 * entries within the longest time-out, in the order they were journaled (the
 * order the tracker took them live), so no table of its own has to be kept
 * in step with the journal. Yields between pages; bounded by MAX_RESTORED.
 */
export const restoreSessions = async (
  tracker: SessionTracker,
  deps: {
    history: SessionHistory;
    open: (entry: JournalEntry) => JournalEntry;
    now: number;
    horizonMs: number;
    log: Log;
  },
): Promise<number> => {
  const from = new Date(deps.now - deps.horizonMs).toISOString();
  let after = 0;
  let read = 0;
  while (read < MAX_RESTORED) {
    const page = await deps.history.since(after, { from, types: ['login.*'] }, PAGE);
    for (const entry of page) {
      if (entry.type === SESSION_ATTRIBUTED) {
        const p = entry.payload as Payload;
        const account = str(p.accountKey);
        const personId = str(p.personId);
        if (account && personId) tracker.attribute(account, personId);
        continue;
      }
      const fact = sessionFactOf(deps.open(entry));
      if (fact) tracker.apply(fact, deps.now);
    }
    read += page.length;
    if (page.length < PAGE) return read;
    after = page.at(-1)!.seq;
  }
  deps.log('warn', 'login sessions restored from the first entries only', { read, from });
  return read;
};
