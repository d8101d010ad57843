import type { Clock, GatehouseBus } from '@gatehouse/contracts';
import type { AccessContext, JournalPort } from './access-context';
import { AccessDecisions } from './decisions';
import { AccessEngine } from './engine';
import { GuardActions } from './guard';
import { AccessIndex } from './index-data';
import { AccessRecords, ensureOutsideZone } from './records';
import type { AccessStore, DocumentTable, DocumentTypes } from './store';

/**
 * Access control as the gateway wires it: three parts over one decision engine,
 * one store and one journal. `records` administers the site's records,
 * `decisions` decides what readers present (the path to review for a
 * decision), `guard` holds the guard desk's actions on doors and presence.
 * The methods below only pass calls on to the part that owns them.
 */
export class AccessService {
  readonly engine: AccessEngine;
  readonly records: AccessRecords;
  readonly decisions: AccessDecisions;
  readonly guard: GuardActions;

  constructor(
    readonly store: AccessStore,
    journal: JournalPort,
    clock: Clock,
    bus?: GatehouseBus,
  ) {
    ensureOutsideZone({ store, journal });
    this.engine = new AccessEngine(AccessIndex.build(store.snapshot()));
    const ctx: AccessContext = { store, journal, clock, engine: this.engine, bus };
    this.records = new AccessRecords(ctx);
    this.guard = new GuardActions(ctx);
    this.decisions = new AccessDecisions(ctx);
  }

  // ---------- records ----------

  list<K extends DocumentTable>(table: K): DocumentTypes[K][] {
    return this.records.list(table);
  }
  get<K extends DocumentTable>(table: K, id: string): DocumentTypes[K] {
    return this.records.get(table, id);
  }
  patch<K extends DocumentTable, R>(
    table: K,
    id: string,
    fields: Partial<DocumentTypes[K]>,
    save: (record: DocumentTypes[K] & { id: string }) => Promise<R>,
  ): Promise<R> {
    return this.records.patch(table, id, fields, save);
  }
  useImportWriter(...a: Parameters<AccessRecords['useImportWriter']>) {
    return this.records.useImportWriter(...a);
  }
  commitImport(...a: Parameters<AccessRecords['commitImport']>) {
    return this.records.commitImport(...a);
  }
  eraseCardholder(...a: Parameters<AccessRecords['eraseCardholder']>) {
    return this.records.eraseCardholder(...a);
  }
  searchCardholders(...a: Parameters<AccessRecords['searchCardholders']>) {
    return this.records.searchCardholders(...a);
  }
  doorsOf(...a: Parameters<AccessRecords['doorsOf']>) {
    return this.records.doorsOf(...a);
  }
  saveZone(...a: Parameters<AccessRecords['saveZone']>) {
    return this.records.saveZone(...a);
  }
  deleteZone(...a: Parameters<AccessRecords['deleteZone']>) {
    return this.records.deleteZone(...a);
  }
  saveDoor(...a: Parameters<AccessRecords['saveDoor']>) {
    return this.records.saveDoor(...a);
  }
  deleteDoor(...a: Parameters<AccessRecords['deleteDoor']>) {
    return this.records.deleteDoor(...a);
  }
  saveSchedule(...a: Parameters<AccessRecords['saveSchedule']>) {
    return this.records.saveSchedule(...a);
  }
  deleteSchedule(...a: Parameters<AccessRecords['deleteSchedule']>) {
    return this.records.deleteSchedule(...a);
  }
  saveHoliday(...a: Parameters<AccessRecords['saveHoliday']>) {
    return this.records.saveHoliday(...a);
  }
  deleteHoliday(...a: Parameters<AccessRecords['deleteHoliday']>) {
    return this.records.deleteHoliday(...a);
  }
  saveLevel(...a: Parameters<AccessRecords['saveLevel']>) {
    return this.records.saveLevel(...a);
  }
  deleteLevel(...a: Parameters<AccessRecords['deleteLevel']>) {
    return this.records.deleteLevel(...a);
  }
  saveGroup(...a: Parameters<AccessRecords['saveGroup']>) {
    return this.records.saveGroup(...a);
  }
  deleteGroup(...a: Parameters<AccessRecords['deleteGroup']>) {
    return this.records.deleteGroup(...a);
  }
  createCardholder(...a: Parameters<AccessRecords['createCardholder']>) {
    return this.records.createCardholder(...a);
  }
  updateCardholder(...a: Parameters<AccessRecords['updateCardholder']>) {
    return this.records.updateCardholder(...a);
  }
  setPhoto(...a: Parameters<AccessRecords['setPhoto']>) {
    return this.records.setPhoto(...a);
  }
  photo(...a: Parameters<AccessRecords['photo']>) {
    return this.records.photo(...a);
  }
  credentialView(...a: Parameters<AccessRecords['credentialView']>) {
    return this.records.credentialView(...a);
  }
  credentialsOf(...a: Parameters<AccessRecords['credentialsOf']>) {
    return this.records.credentialsOf(...a);
  }
  getCredential(...a: Parameters<AccessRecords['getCredential']>) {
    return this.records.getCredential(...a);
  }
  createCredential(...a: Parameters<AccessRecords['createCredential']>) {
    return this.records.createCredential(...a);
  }
  updateCredential(...a: Parameters<AccessRecords['updateCredential']>) {
    return this.records.updateCredential(...a);
  }
  deleteCredential(...a: Parameters<AccessRecords['deleteCredential']>) {
    return this.records.deleteCredential(...a);
  }

  // ---------- decisions ----------

  present(...a: Parameters<AccessDecisions['present']>) {
    return this.decisions.present(...a);
  }
  keypad(...a: Parameters<AccessDecisions['keypad']>) {
    return this.decisions.keypad(...a);
  }
  simulate(...a: Parameters<AccessDecisions['simulate']>) {
    return this.decisions.simulate(...a);
  }

  // ---------- guard ----------

  doorStates(...a: Parameters<GuardActions['doorStates']>) {
    return this.guard.doorStates(...a);
  }
  unlockMomentarily(...a: Parameters<GuardActions['unlockMomentarily']>) {
    return this.guard.unlockMomentarily(...a);
  }
  setDoorMode(...a: Parameters<GuardActions['setDoorMode']>) {
    return this.guard.setDoorMode(...a);
  }
  lockdown(...a: Parameters<GuardActions['lockdown']>) {
    return this.guard.lockdown(...a);
  }
  releaseLockdown(...a: Parameters<GuardActions['releaseLockdown']>) {
    return this.guard.releaseLockdown(...a);
  }
  forgive(...a: Parameters<GuardActions['forgive']>) {
    return this.guard.forgive(...a);
  }
  presenceList(...a: Parameters<GuardActions['presenceList']>) {
    return this.guard.presenceList(...a);
  }
  whoCanOpen(...a: Parameters<GuardActions['whoCanOpen']>) {
    return this.guard.whoCanOpen(...a);
  }
}
