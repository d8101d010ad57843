import type { JournalEntry } from './journal';
import { TypedEventBus } from './event-bus';

/** The process-wide event map. Later issues add device and domain events here. */
export interface GatehouseEvents {
  /** Emitted after the entries' transaction committed, in sequence order. */
  'journal.committed': readonly JournalEntry[];
  /** A component's health changed (storage, journal, later each device). */
  'health.changed': { component: string; status: 'up' | 'down' | 'degraded'; detail?: string };
}

export class GatehouseBus extends TypedEventBus<GatehouseEvents> {}
