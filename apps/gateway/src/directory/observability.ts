import type { Clock } from '@gatehouse/contracts';
import type { DirectorySync } from '@gatehouse/directory';
import type { HealthRegistry } from '../health';
import type { Metrics } from '../metrics';

/**
 * Directory sync in health (degraded while the last run failed or was
 * refused: the mapping in use is then older than one interval) and /metrics.
 */
export const registerDirectory = (
  sync: DirectorySync | null,
  health: HealthRegistry,
  metrics: Metrics,
  clock: Clock,
): void => {
  if (!sync) return;
  health.register('directory', () => {
    const s = sync.status();
    const last = s.lastRun;
    const bad = last !== null && (last.result === 'failed' || last.result === 'refused');
    return {
      status: bad ? 'degraded' : 'up',
      ...(bad
        ? { detail: last.fault?.message ?? `answer refused: ${last.refusal?.reason ?? 'unsafe'}` }
        : {}),
      lastRunAt: last?.at ?? null,
      lastResult: last?.result ?? null,
      lastGoodAt: s.lastGoodAt,
      linked: s.linked,
    };
  });
  metrics.observe(
    'gatehouse_directory_linked',
    'Cardholders linked to the directory by the last applied sync',
    () => sync.status().linked,
  );
  metrics.observe(
    'gatehouse_directory_unmapped_accounts',
    'Directory accounts that map to no cardholder',
    () => sync.unmapped().count,
  );
  metrics.observe(
    'gatehouse_directory_last_good_age_seconds',
    'Seconds since a directory answer was last applied (-1: never)',
    () => {
      const at = sync.status().lastGoodAt;
      return at ? Math.round((clock.now().getTime() - Date.parse(at)) / 1000) : -1;
    },
  );
};
