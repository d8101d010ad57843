import { Injectable, type OnModuleDestroy } from '@nestjs/common';

export type ComponentStatus = 'up' | 'down' | 'degraded';
export interface ComponentHealth {
  status: ComponentStatus;
  detail?: string;
  /** When the current status began: the probe's own when it knows (the broker's connection), else the registry's. */
  since?: string;
  /** The status has not changed since the probe was registered (at start): `since` is that time, not a change seen. */
  sinceStart?: boolean;
  [key: string]: unknown;
}

/** How often the registry looks at every probe, so a change is dated when it happens, not when someone asks. */
const SAMPLE_MS = 2000;

/**
 * Components report their health through a probe. Readiness is "every
 * component up or degraded"; later issues register each reader, broker and
 * camera here, so the answer says which device is down and since when.
 */
@Injectable()
export class HealthRegistry implements OnModuleDestroy {
  private readonly probes = new Map<string, () => ComponentHealth>();
  private readonly changedAt = new Map<
    string,
    { status: ComponentStatus; since: string; atStart: boolean }
  >();
  private sampler: ReturnType<typeof setInterval> | null = null;

  register(name: string, probe: () => ComponentHealth): void {
    this.probes.set(name, probe);
    // Looked at once now (at start): until its status changes, it is said "since start", in words.
    this.observe(name, probe);
    this.sampler ??= setInterval(() => {
      for (const [n, p] of this.probes) this.observe(n, p);
    }, SAMPLE_MS);
    this.sampler.unref?.();
  }

  onModuleDestroy(): void {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
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
    for (const [name, probe] of this.probes) components[name] = this.observe(name, probe);
    return { ready: Object.values(components).every((c) => c.status !== 'down'), components };
  }

  /**
   * The probe's answer with since when its status holds: the probe's own time
   * when it gives one; else when the registry saw the status change (sampled
   * every SAMPLE_MS), or the registration if it never changed (`sinceStart`).
   * Before, the first look was taken for the change: "Working since" said when
   * someone first opened the system page.
   */
  private observe(name: string, probe: () => ComponentHealth): ComponentHealth {
    let health: ComponentHealth;
    try {
      health = probe();
    } catch (error) {
      health = { status: 'down', detail: (error as Error).message };
    }
    const previous = this.changedAt.get(name);
    if (!previous || previous.status !== health.status) {
      this.changedAt.set(name, {
        status: health.status,
        since: new Date().toISOString(),
        atStart: !previous,
      });
    }
    const seen = this.changedAt.get(name)!;
    if (typeof health.since === 'string') return health;
    return { ...health, since: seen.since, ...(seen.atStart ? { sinceStart: true } : {}) };
  }
}
