import type { Cardholder, Door, DoorMode, Reason } from './model';
import { credentialKey, OUTSIDE_ZONE } from './model';
import type { AccessIndex, CredentialRecord } from './index-data';
import { LocalClock, scheduleState } from './schedule';

export type PinOutcome = 'ok' | 'duress' | 'wrong';

export interface DecisionRequest {
  readerId: string;
  format: string;
  number: string;
  /** When the credential was presented (epoch ms). */
  at: number;
  /** Result of checking a PIN typed with this presentation; absent when none was typed. */
  pin?: PinOutcome;
}

export type DecisionAlarmType =
  | 'anti-passback'
  | 'duress'
  | 'revoked-credential-used'
  | 'lost-credential-used'
  | 'watch-listed-credential-used'
  | 'pin-brute-force'
  | 'tailgating';

export interface DecisionAlarm {
  type: DecisionAlarmType;
  priority: 'critical' | 'high' | 'medium' | 'low';
  /** Raised without any sign at the door (duress). */
  silent: boolean;
  detail?: string;
}

export interface Decision {
  grant: boolean;
  reason: Reason;
  at: number;
  readerId: string;
  doorId: string | null;
  direction: 'entry' | 'exit' | null;
  cardholderId: string | null;
  credentialId: string | null;
  mode: DoorMode | null;
  unlockMs: number;
  alarms: DecisionAlarm[];
  /** Where the person is believed to be after this grant. */
  presenceZone: string | null;
}

export interface ManualMode {
  mode: DoorMode;
  /** Epoch ms when it ends by itself; null: until changed. */
  until: number | null;
  by: string;
  reason: string;
  /** Epoch ms when a guard set it (the lockdown banner says since when); the engine does not read it. */
  since?: number;
}

export interface Presence {
  zone: string;
  at: number;
  doorId: string;
}

/** Escort rule hook: visitors' escorts arrive with the visitors issue; until then none is ever present. */
export type EscortCheck = (visitor: Cardholder, door: Door, at: number) => boolean;

export interface EngineSettings {
  pinAttempts: number;
  pinWindowMs: number;
  pinLockoutMs: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  pinAttempts: 3,
  pinWindowMs: 10 * 60_000,
  pinLockoutMs: 10 * 60_000,
};

/**
 * The access decision: pure logic over an in-memory index and the run-time state
 * (presence, anti-passback, manual modes, PIN failures). Synchronous: it never
 * waits on the database or the network. The order of checks is the contract
 * (and the reference evaluator of the property tests follows it):
 *   reader → emergency → credential known → credential state → validity →
 *   cardholder state → watch list → lockdown → level → schedule → PIN →
 *   escort → anti-passback → grant.
 */
export class AccessEngine {
  readonly presence = new Map<string, Presence>();
  readonly manualModes = new Map<string, ManualMode>();
  private readonly lastUse = new Map<string, number>();
  /** When each credential was last granted; newer than the stored record until the decision's journal entry is projected. */
  readonly credentialUse = new Map<string, number>();
  private readonly firstPersonIn = new Map<string, string>();
  private readonly pinFailures = new Map<string, { count: number; since: number; lockedUntil: number }>();
  private readonly clock = new LocalClock();

  constructor(
    private idx: AccessIndex,
    private escortCheck: EscortCheck = () => false,
    private readonly settings: EngineSettings = DEFAULT_ENGINE_SETTINGS,
  ) {}

  get index(): AccessIndex {
    return this.idx;
  }

  /** Swaps in a rebuilt index in one step. */
  replaceIndex(index: AccessIndex): void {
    this.idx = index;
  }

  setEscortCheck(check: EscortCheck): void {
    this.escortCheck = check;
  }

  /** The mode a door is in now: a live manual mode, else its schedule's unlock, else its normal mode. */
  effectiveMode(door: Door, at: number): DoorMode {
    const manual = this.manualModes.get(door.id);
    if (manual && (manual.until === null || manual.until > at)) return manual.mode;
    if (door.unlockScheduleId && this.scheduleUnlocks(door, at)) return 'unlocked';
    return door.mode;
  }

  private scheduleUnlocks(door: Door, at: number): boolean {
    const schedule = this.idx.schedules.get(door.unlockScheduleId!);
    if (!schedule || scheduleState(schedule, this.idx.holidayDates, at, this.clock) !== 'active')
      return false;
    if (!door.firstPersonIn) return true;
    return this.firstPersonIn.get(door.id) === this.clock.at(schedule.timeZone, at).date;
  }

  decide(req: DecisionRequest): Decision {
    const reader = this.idx.readers.get(req.readerId);
    const base: Decision = {
      grant: false,
      reason: 'unknown-reader',
      at: req.at,
      readerId: req.readerId,
      doorId: null,
      direction: null,
      cardholderId: null,
      credentialId: null,
      mode: null,
      unlockMs: 0,
      alarms: [],
      presenceZone: null,
    };
    if (!reader) return base;
    const { door, direction } = reader;
    const mode = this.effectiveMode(door, req.at);
    const d: Decision = { ...base, doorId: door.id, direction, mode };
    const deny = (reason: Reason): Decision => ({ ...d, reason });

    const credential = this.idx.credentials.get(credentialKey(req.format, req.number));
    const cardholder = credential ? this.idx.cardholders.get(credential.cardholderId) : undefined;
    if (credential) {
      d.credentialId = credential.id;
      d.cardholderId = credential.cardholderId;
    }
    if (mode === 'emergency') return this.grant(d, door, direction, credential, 'granted-emergency');
    if (!credential || !cardholder) return deny('unknown-credential');

    switch (credential.state) {
      case 'revoked':
        d.alarms.push({ type: 'revoked-credential-used', priority: 'high', silent: false });
        return deny('credential-revoked');
      case 'lost':
        d.alarms.push({ type: 'lost-credential-used', priority: 'high', silent: false });
        return deny('credential-lost');
      case 'suspended':
        return deny('credential-suspended');
    }
    if (credential.validFrom !== null && req.at < credential.validFrom)
      return deny('credential-not-yet-valid');
    if (credential.validUntil !== null && req.at >= credential.validUntil) return deny('credential-expired');
    if (credential.expireUnusedDays !== null) {
      const lastSeen = this.credentialUse.get(credential.id) ?? credential.lastUsedAt ?? credential.createdAt;
      if (req.at - lastSeen > credential.expireUnusedDays * 86_400_000)
        return deny('credential-expired-unused');
    }
    if (cardholder.state !== 'active') return deny('cardholder-inactive');
    if (cardholder.watchListed) {
      d.alarms.push({ type: 'watch-listed-credential-used', priority: 'high', silent: true });
      return deny('watch-listed');
    }
    if (mode === 'lockdown' && !cardholder.privileged) return deny('door-lockdown');

    const levelIds = this.idx.levelsOf(cardholder);
    let sawLevel = false;
    let sawHoliday = false;
    let inSchedule = false;
    for (const id of levelIds) {
      const level = this.idx.levels.get(id);
      if (!level || !level.doors.has(door.id)) continue;
      sawLevel = true;
      const schedule = this.idx.schedules.get(level.scheduleId);
      const state = schedule
        ? scheduleState(schedule, this.idx.holidayDates, req.at, this.clock)
        : 'inactive';
      if (state === 'active') {
        inSchedule = true;
        break;
      }
      if (state === 'holiday') sawHoliday = true;
    }
    if (!sawLevel) return deny('no-access-level');
    if (!inSchedule) return deny(sawHoliday ? 'holiday' : 'outside-schedule');

    if (mode === 'card-and-pin' || credential.format === 'pin-only') {
      const pinCheck = this.checkPin(d, credential, req);
      if (pinCheck) return pinCheck;
    }

    if (door.escortRequired && cardholder.kind === 'visitor' && !this.escortCheck(cardholder, door, req.at)) {
      return deny('escort-required');
    }

    if (
      door.antiPassback !== 'none' &&
      this.passbackViolation(door, direction, cardholder.id, credential.id, req.at)
    ) {
      if (door.antiPassback === 'hard') return deny('anti-passback');
      // Informational: the person was let through; the guard sees it, nobody is called (alarms never escalate it).
      d.alarms.push({
        type: 'anti-passback',
        priority: 'low',
        silent: false,
        detail: 'soft anti-passback: granted',
      });
    }
    return this.grant(d, door, direction, credential, 'granted');
  }

  private checkPin(d: Decision, credential: CredentialRecord, req: DecisionRequest): Decision | null {
    const state = this.pinFailures.get(credential.id);
    if (state && state.lockedUntil > req.at) return { ...d, reason: 'pin-locked-out' };
    if (req.pin === undefined) return { ...d, reason: 'pin-required' };
    if (req.pin === 'wrong') {
      const fresh = !state || req.at - state.since > this.settings.pinWindowMs;
      const count = fresh ? 1 : state.count + 1;
      const locked = count >= this.settings.pinAttempts;
      this.pinFailures.set(credential.id, {
        count: locked ? 0 : count,
        since: fresh ? req.at : state.since,
        lockedUntil: locked ? req.at + this.settings.pinLockoutMs : 0,
      });
      if (locked) {
        d.alarms.push({
          type: 'pin-brute-force',
          priority: 'high',
          silent: false,
          detail: `${count} wrong PINs`,
        });
      }
      return { ...d, reason: 'pin-wrong' };
    }
    this.pinFailures.delete(credential.id);
    if (req.pin === 'duress') d.alarms.push({ type: 'duress', priority: 'critical', silent: true });
    return null;
  }

  private passbackViolation(
    door: Door,
    direction: 'entry' | 'exit',
    cardholderId: string,
    credentialId: string,
    at: number,
  ): boolean {
    if (door.antiPassbackKind === 'timed') {
      const last = this.lastUse.get(`${credentialId}|${door.id}`);
      return last !== undefined && at - last < door.antiPassbackSeconds * 1000;
    }
    const where = this.presence.get(cardholderId);
    // Nothing known (first read, or forgiven): no violation, and presence is learned from this grant.
    if (!where) return false;
    return direction === 'entry' ? where.zone === door.zoneIn : where.zone !== door.zoneIn;
  }

  private grant(
    d: Decision,
    door: Door,
    direction: 'entry' | 'exit',
    credential: CredentialRecord | undefined,
    reason: Reason,
  ): Decision {
    const granted: Decision = { ...d, grant: true, reason, unlockMs: door.unlockMs };
    if (credential) {
      const zone = direction === 'entry' ? door.zoneIn : door.zoneOut || OUTSIDE_ZONE;
      this.presence.set(credential.cardholderId, { zone, at: d.at, doorId: door.id });
      this.lastUse.set(`${credential.id}|${door.id}`, d.at);
      this.credentialUse.set(credential.id, d.at);
      granted.presenceZone = zone;
    }
    if (door.firstPersonIn && door.unlockScheduleId && reason === 'granted') {
      const schedule = this.idx.schedules.get(door.unlockScheduleId);
      if (schedule && scheduleState(schedule, this.idx.holidayDates, d.at, this.clock) === 'active') {
        this.firstPersonIn.set(door.id, this.clock.at(schedule.timeZone, d.at).date);
      }
    }
    return granted;
  }

  /** Forgets where a person is believed to be (or everyone), so anti-passback starts afresh. */
  forgive(cardholderId?: string): number {
    if (cardholderId === undefined) {
      const n = this.presence.size;
      this.presence.clear();
      this.lastUse.clear();
      return n;
    }
    for (const key of [...this.lastUse.keys()]) {
      const cred = this.idx.credentialsById.get(key.split('|')[0]!);
      if (cred?.cardholderId === cardholderId) this.lastUse.delete(key);
    }
    return this.presence.delete(cardholderId) ? 1 : 0;
  }

  /** Who could open a door at an instant, by levels and schedules (no run-time state). */
  whoCanOpen(doorId: string, at: number): string[] {
    const out: string[] = [];
    for (const c of this.idx.cardholders.values())
      if (c.state === 'active' && this.levelOpens(c, doorId, at)) out.push(c.id);
    return out;
  }

  /** The doors a person's levels open, and whether each is open to them at the instant. */
  doorsOf(cardholderId: string, at: number): { doorId: string; now: boolean; scheduleIds: string[] }[] {
    const c = this.idx.cardholders.get(cardholderId);
    if (!c) return [];
    const byDoor = new Map<string, string[]>();
    for (const id of this.idx.levelsOf(c)) {
      const level = this.idx.levels.get(id);
      if (!level) continue;
      for (const doorId of level.doors) byDoor.set(doorId, [...(byDoor.get(doorId) ?? []), level.scheduleId]);
    }
    return [...byDoor].map(([doorId, scheduleIds]) => ({
      doorId,
      scheduleIds,
      now: c.state === 'active' && this.levelOpens(c, doorId, at),
    }));
  }

  private levelOpens(c: Cardholder, doorId: string, at: number): boolean {
    for (const id of this.idx.levelsOf(c)) {
      const level = this.idx.levels.get(id);
      if (!level?.doors.has(doorId)) continue;
      const schedule = this.idx.schedules.get(level.scheduleId);
      if (schedule && scheduleState(schedule, this.idx.holidayDates, at, this.clock) === 'active')
        return true;
    }
    return false;
  }
}
