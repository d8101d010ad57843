import type { Clock, GatehouseBus } from '@gatehouse/contracts';
import type { AccessContext, JournalPort } from './access-context';
import { AccessDecisions } from './decisions';
import { AccessEngine } from './engine';
import { GuardActions } from './guard';
import { AccessIndex, type SiteLookup } from './index-data';
import { AccessRecords, ensureOutsideZone } from './records';
import type { AccessStore } from './store';

/**
 * Access control as the gateway wires it: three parts over one decision engine,
 * one store and one journal. `records` administers the site's records,
 * `decisions` decides what readers present (the path to review for a
 * decision), `guard` holds the guard desk's actions on doors and presence.
 * Callers use the parts; this class only builds them.
 */
export class AccessService {
  readonly engine: AccessEngine;
  readonly records: AccessRecords;
  readonly decisions: AccessDecisions;
  readonly guard: GuardActions;

  constructor(
    readonly store: AccessStore,
    journal: JournalPort,
    readonly clock: Clock,
    bus: GatehouseBus,
    operatorName: (username: string) => string = (username) => username,
  ) {
    ensureOutsideZone({ store, journal });
    this.engine = new AccessEngine(AccessIndex.build(store.snapshot()));
    const ctx: AccessContext = { store, journal, clock, engine: this.engine, bus, operatorName };
    this.records = new AccessRecords(ctx);
    this.guard = new GuardActions(ctx);
    this.decisions = new AccessDecisions(ctx);
  }

  /** The site's records by id, read only, for the names controllers and other parts show. */
  get lookup(): SiteLookup {
    return this.engine.index;
  }
}
