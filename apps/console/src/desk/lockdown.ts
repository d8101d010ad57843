import type { DoorStateView as DoorState } from '@gatehouse/api';

/** A lockdown or emergency release in force: its kind, who started it, why, since when, and its doors. */
export interface SiteOverride {
  kind: 'lockdown' | 'emergency';
  by: string;
  reason: string;
  since: number | null;
  doorIds: Set<string>;
}

/** The site-wide override from the door states (the earliest door's start names it). */
export const siteOverride = (states: DoorState[]): SiteOverride | null => {
  const held = states.filter((s) => s.manual?.mode === 'lockdown' || s.manual?.mode === 'emergency');
  if (held.length === 0) return null;
  const first = held.reduce((a, b) => ((a.manual!.since ?? 0) <= (b.manual!.since ?? 0) ? a : b)).manual!;
  return {
    kind: first.mode as SiteOverride['kind'],
    by: first.byName,
    reason: first.reason,
    since: first.since ?? null,
    doorIds: new Set(held.map((s) => s.doorId)),
  };
};
