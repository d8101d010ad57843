import argon2 from 'argon2';
import type { CredentialPresented, JournalEntryInput, SubjectRef } from '@gatehouse/contracts';
import { type AccessContext, json } from './access-context';
import { AccessEngine, type Decision, type PinOutcome } from './engine';
import type { CredentialRecord } from './index-data';

/** A card read at a card-and-PIN door waits this long for its PIN on the keypad. */
const PIN_WAIT_MS = 15_000;

/**
 * The decision path: a credential at a reader (and the PIN typed for it) in,
 * a journaled decision and its bus announcements out. Presence and "last used"
 * are projected from the decisions' journal entries.
 */
export class AccessDecisions {
  private readonly pendingPins = new Map<string, { presented: CredentialPresented; until: number }>();

  constructor(private readonly ctx: AccessContext) {
    const { store, engine, journal, bus } = ctx;
    for (const p of store.presence()) engine.presence.set(p.cardholderId, p);
    // Presence and "last used" are views of the decisions: written in the journal's own transaction.
    journal.addProjector('access', (entries) => {
      for (const e of entries) {
        if (e.type === 'access.granted') {
          const p = e.payload as {
            cardholderId?: string;
            credentialId?: string;
            presenceZone?: string;
            doorId?: string;
            at?: number;
          };
          if (p.cardholderId && p.presenceZone && p.doorId)
            store.setPresence(p.cardholderId, {
              zone: p.presenceZone,
              at: p.at ?? Date.parse(e.time),
              doorId: p.doorId,
            });
          if (p.credentialId) store.touchCredential(p.credentialId, p.at ?? Date.parse(e.time));
        } else if (e.type === 'access.passback-forgiven') {
          const who = (e.payload as { cardholderId?: string | null }).cardholderId;
          if (who) store.setPresence(who, null);
          else store.clearPresence();
        }
      }
    });
    // The decisions' promises go back to the bus, which counts and logs a rejection (never unhandled).
    bus.on('credential.presented', 'access', (p) => this.present(p));
    bus.on('keypad.entered', 'access', (k) => this.keypad(k.readerId, k.digits, k.at));
  }

  private get engine(): AccessEngine {
    return this.ctx.engine;
  }

  private async checkPin(credential: CredentialRecord | undefined, pin: string): Promise<PinOutcome> {
    if (!credential || !/^\d{1,12}$/.test(pin)) return 'wrong';
    const [ok, duress] = await Promise.all([
      credential.pinHash ? argon2.verify(credential.pinHash, pin).catch(() => false) : Promise.resolve(false),
      credential.duressPinHash
        ? argon2.verify(credential.duressPinHash, pin).catch(() => false)
        : Promise.resolve(false),
    ]);
    return duress ? 'duress' : ok ? 'ok' : 'wrong';
  }

  /**
   * A credential at a reader. The card part is decided synchronously from the
   * index; only a typed PIN waits for its hash check. The decision is journaled
   * and announced on the bus without waiting for the journal's commit.
   */
  async present(p: CredentialPresented): Promise<Decision> {
    const before = this.presenceBefore(p);
    const first = this.engine.decide({ readerId: p.readerId, format: p.format, number: p.number, at: p.at });
    this.exitWithoutEntry(first, before);
    if (first.reason !== 'pin-required' || p.pin === undefined) {
      if (first.reason === 'pin-required')
        this.pendingPins.set(p.readerId, { presented: p, until: p.at + PIN_WAIT_MS });
      return this.finish(first, p);
    }
    return this.withPin(p, p.pin);
  }

  /** Digits typed after a card at a card-and-PIN door ("#" ends the entry, "*" clears). */
  async keypad(readerId: string, digits: string, at: number): Promise<Decision | null> {
    const pending = this.pendingPins.get(readerId);
    if (!pending || pending.until < at) {
      this.pendingPins.delete(readerId);
      return null;
    }
    this.pendingPins.delete(readerId);
    return this.withPin({ ...pending.presented, at }, digits.replace(/#$/, ''));
  }

  private async withPin(p: CredentialPresented, pin: string): Promise<Decision> {
    const credential = this.engine.index.credentials.get(`${p.format}/${p.number}`);
    const outcome = await this.checkPin(credential, pin);
    const before = this.presenceBefore(p);
    const d = this.engine.decide({
      readerId: p.readerId,
      format: p.format,
      number: p.number,
      at: p.at,
      pin: outcome,
    });
    this.exitWithoutEntry(d, before);
    return this.finish(d, p);
  }

  private presenceBefore(p: CredentialPresented) {
    const holder = this.engine.index.credentials.get(`${p.format}/${p.number}`)?.cardholderId;
    return holder ? this.engine.presence.get(holder) : undefined;
  }

  /**
   * A tailgating indication: an exit by someone last seen somewhere other than
   * inside this door means they came in on someone else's card. (With
   * anti-passback on, the engine itself refuses or flags it.)
   */
  private exitWithoutEntry(d: Decision, before: { zone: string } | undefined): void {
    if (!d.grant || d.direction !== 'exit' || !d.doorId || !before) return;
    const door = this.engine.index.doors.get(d.doorId);
    if (!door || door.antiPassback !== 'none' || before.zone === door.zoneIn) return;
    d.alarms.push({
      type: 'tailgating',
      priority: 'medium',
      silent: false,
      detail: `exit with no entry (last seen in ${before.zone})`,
    });
  }

  private finish(d: Decision, p: CredentialPresented): Decision {
    const subjects: SubjectRef[] = [{ kind: 'reader', id: d.readerId }];
    if (d.doorId) subjects.push({ kind: 'door', id: d.doorId });
    if (d.cardholderId) subjects.push({ kind: 'person', id: d.cardholderId });
    if (d.credentialId) subjects.push({ kind: 'credential', id: d.credentialId });
    if (d.presenceZone) subjects.push({ kind: 'zone', id: d.presenceZone });
    const entry: JournalEntryInput = {
      type: d.grant ? 'access.granted' : 'access.denied',
      source: `reader:${d.readerId}`,
      subjects,
      timeSource: p.sourceTime ? 'device' : 'gateway',
      ...(p.sourceTime ? { sourceTime: p.sourceTime } : {}),
      // The credential as presented (format, number, raw bits) is kept with the decision.
      payload: json({
        reason: d.reason,
        readerId: d.readerId,
        doorId: d.doorId,
        direction: d.direction,
        mode: d.mode,
        cardholderId: d.cardholderId,
        credentialId: d.credentialId,
        presenceZone: d.presenceZone,
        at: d.at,
        credential: {
          format: p.format,
          number: p.number,
          raw: p.raw ?? null,
          interpretations: p.interpretations ?? null,
        },
        alarms: d.alarms,
      }),
    };
    // Nobody waits for the write: the bus tracks it, so one that fails is counted and logged, not swallowed.
    this.ctx.bus.track(entry.type, 'access', this.ctx.journal.append(entry), entry);
    // The alarm service keeps and journals alarms; decisions only announce them.
    for (const a of d.alarms) {
      this.ctx.bus.emit('alarm.raised', {
        ...a,
        doorId: d.doorId,
        readerId: d.readerId,
        cardholderId: d.cardholderId,
        at: d.at,
      });
    }
    this.ctx.bus.emit('access.decided', {
      readerId: d.readerId,
      doorId: d.doorId,
      grant: d.grant,
      reason: d.reason,
      unlockMs: d.unlockMs,
      awaitingPin: d.reason === 'pin-required',
      cardholderId: d.cardholderId,
      at: d.at,
    });
    return d;
  }

  /**
   * A decision as it would be made at `at` (now by the clock), without changing
   * any state or opening anything (the facility manager's tester).
   */
  simulate(
    readerId: string,
    format: string,
    number: string,
    at = this.ctx.clock.now().getTime(),
    pin?: PinOutcome,
  ): Decision {
    const probe = new AccessEngine(this.engine.index);
    for (const [k, v] of this.engine.manualModes) probe.manualModes.set(k, v);
    for (const [k, v] of this.engine.presence) probe.presence.set(k, v);
    for (const [k, v] of this.engine.credentialUse) probe.credentialUse.set(k, v);
    return probe.decide({ readerId, format, number, at, pin });
  }
}
