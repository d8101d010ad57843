import type { HealthRegistry } from '../health';
import type { Metrics } from '../metrics';
import type { LoginsGateway } from './logins-gateway';

const sum = (counts: Partial<Record<string, number>>) =>
  Object.values(counts).reduce<number>((a, n) => a + (n ?? 0), 0);

/** Login ingest in health (its counters and listeners) and /metrics. */
export const registerLogins = (logins: LoginsGateway, health: HealthRegistry, metrics: Metrics): void => {
  health.register('logins', () => {
    const counters = logins.counters();
    return {
      // Unreadable messages are a sender's problem to look at, not the gateway's failing.
      status: counters.journalFailures > 0 ? 'degraded' : 'up',
      ...(counters.journalFailures > 0
        ? { detail: `${counters.journalFailures} login(s) not journaled` }
        : {}),
      ...counters,
      listeners: logins.listenerStatus(),
    };
  });
  const c = () => logins.counters();
  metrics.observe('gatehouse_logins_accepted', 'Login facts accepted since start', () => c().accepted);
  metrics.observe('gatehouse_logins_duplicates', 'Login events dropped as duplicates', () => c().duplicates);
  metrics.observeEach(
    'gatehouse_logins_ignored',
    'Login messages ignored, by reason',
    'reason',
    () => c().ignored as Record<string, number>,
  );
  metrics.observeEach(
    'gatehouse_logins_unknown',
    'Login messages unreadable or refused, by reason',
    'reason',
    () => ({
      ...(c().unknown as Record<string, number>),
      ...(c().refused as Record<string, number>),
    }),
  );
  metrics.observe(
    'gatehouse_logins_unmapped_accounts',
    'Accepted logins whose account maps to nobody',
    () => c().unmappedAccounts,
  );
  metrics.observe(
    'gatehouse_logins_unplaced_workstations',
    'Accepted logins from a workstation with no zone',
    () => c().unplacedWorkstations,
  );
  metrics.observeEach(
    'gatehouse_logins_listener_accepted',
    'Messages each login listener accepted',
    'listener',
    () => Object.fromEntries(logins.listenerStatus().map((l) => [l.listener, l.accepted])),
  );
  metrics.observeEach(
    'gatehouse_logins_listener_rejected',
    'Messages each login listener refused',
    'listener',
    () => Object.fromEntries(logins.listenerStatus().map((l) => [l.listener, sum(l.rejected)])),
  );
  metrics.observeEach(
    'gatehouse_logins_mqtt_rejected',
    'Messages or events on the logins MQTT topic refused, by reason',
    'reason',
    () => ({ ...(logins.topic?.counters.rejected ?? {}) }) as Record<string, number>,
  );
  metrics.observe(
    'gatehouse_logins_sessions_open',
    'Login sessions tracked (open and locked)',
    () => logins.sessions.size,
  );
  metrics.observe(
    'gatehouse_logins_sessions_timed_out',
    'Login sessions ended by a time-out (their end never came)',
    () => logins.sessions.counters.timedOut,
  );
  metrics.observe(
    'gatehouse_logins_session_ids_forgotten',
    'Logon ids a session forgot, holding its most (their logoffs then end nothing)',
    () => logins.sessions.counters.idsForgotten,
  );
};
