import { Injectable } from '@nestjs/common';

export type ComponentStatus = 'up' | 'down' | 'degraded';
export interface ComponentHealth {
  status: ComponentStatus;
  detail?: string;
  since?: string;
  [key: string]: unknown;
}

/**
 * Components report their health through a probe. Readiness is "every
 * component up or degraded"; later issues register each reader, broker and
 * camera here, so the answer says which device is down and since when.
 */
@Injectable()
export class HealthRegistry {
  private readonly probes = new Map<string, () => ComponentHealth>();
  private readonly changedAt = new Map<string, { status: ComponentStatus; since: string }>();

  register(name: string, probe: () => ComponentHealth): void {
    this.probes.set(name, probe);
  }

  /** Status only, overall and per component: what anyone may know without signing in. */
  summary(): { ready: boolean; components: Record<string, { status: ComponentStatus }> } {
    const { ready, components } = this.report();
    return {
      ready,
      components: Object.fromEntries(Object.entries(components).map(([n, c]) => [n, { status: c.status }])),
    };
  }

  report(): { ready: boolean; components: Record<string, ComponentHealth> } {
    const components: Record<string, ComponentHealth> = {};
    for (const [name, probe] of this.probes) {
      let health: ComponentHealth;
      try {
        health = probe();
      } catch (error) {
        health = { status: 'down', detail: (error as Error).message };
      }
      const previous = this.changedAt.get(name);
      if (!previous || previous.status !== health.status) {
        this.changedAt.set(name, { status: health.status, since: new Date().toISOString() });
      }
      components[name] = { ...health, since: this.changedAt.get(name)!.since };
    }
    return { ready: Object.values(components).every((c) => c.status !== 'down'), components };
  }
}
