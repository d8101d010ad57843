import type { HealthRegistry } from '../health';
import type { Metrics } from '../metrics';
import type { GatingService } from './gating-service';

/** Login gating in health and /metrics: answers by reason, refusals, answers withheld. */
export const registerGating = (gating: GatingService, health: HealthRegistry, metrics: Metrics): void => {
  if (!gating.enabled) return;
  health.register('gating', () => {
    const counters = gating.counters();
    const withheld = counters['not-journaled'] ?? 0;
    return {
      status: withheld > 0 ? 'degraded' : 'up',
      ...(withheld > 0 ? { detail: `${withheld} answer(s) withheld: the journal failed` } : {}),
      counters,
    };
  });
  metrics.observeEach(
    'gatehouse_gating_answers',
    'Login gating questions by outcome (reason, refused, not-journaled)',
    'outcome',
    () => gating.counters(),
  );
};
