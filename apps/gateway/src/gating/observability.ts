import type { HealthRegistry } from '../health';
import type { Metrics } from '../metrics';
import type { GatingService } from './gating-service';

/** Login gating in health and /metrics: answers by reason, refusals, answers not journaled. */
export const registerGating = (gating: GatingService, health: HealthRegistry, metrics: Metrics): void => {
  if (!gating.enabled) return;
  health.register('gating', () => {
    const counters = gating.counters();
    const lost = counters['not-journaled'] ?? 0;
    return {
      status: lost > 0 ? 'degraded' : 'up',
      ...(lost > 0 ? { detail: `${lost} answer(s) not journaled` } : {}),
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
