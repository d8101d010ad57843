import { type Actor, DomainError } from '@gatehouse/contracts';
import { type AccessContext, journalChange, json, notFound, requireAll } from './access-context';
import type { ManualMode } from './engine';
import type { DoorMode } from './model';

export interface DoorState {
  doorId: string;
  name: string;
  mode: DoorMode;
  manual: (ManualMode & { doorId: string }) | null;
}

/** Where a person is believed to be, learned from grants, and since when (ISO time). */
export interface PresenceRow {
  cardholderId: string;
  name: string | null;
  zone: string;
  /** The zone's name for reception's screen (the id when the zone was removed since). */
  zoneName: string;
  since: string;
  doorId: string;
  /** The name of the door the person last passed (the id when the door was removed since). */
  doorName: string;
}

/** Someone who can open a door at a time, with their name. */
export interface WhoCanOpenRow {
  id: string;
  name: string | null;
}

/**
 * What a guard does to doors and people, beside the decisions: remote unlock,
 * manual modes, lockdown and emergency release, forgiving anti-passback; and
 * what the guard desk reads (door states, presence, who can open a door).
 */
export class GuardActions {
  constructor(private readonly ctx: AccessContext) {
    const now = ctx.clock.now().getTime();
    for (const o of ctx.store.overrides())
      if (o.until === null || o.until > now) ctx.engine.manualModes.set(o.doorId, o);
  }

  doorStates(): DoorState[] {
    const { engine, clock } = this.ctx;
    const now = clock.now().getTime();
    return [...engine.index.doors.values()].map((d) => {
      const manual = engine.manualModes.get(d.id);
      return {
        doorId: d.id,
        name: d.name,
        mode: engine.effectiveMode(d, now),
        manual: manual && (manual.until === null || manual.until > now) ? { ...manual, doorId: d.id } : null,
      };
    });
  }

  async unlockMomentarily(doorId: string, reason: string, actor: Actor): Promise<void> {
    const door = this.ctx.engine.index.doors.get(doorId);
    if (!door) throw notFound('door', doorId);
    // A lockdown holds every door shut: opening one is a decision to release it (or an
    // emergency release for that door), not a remote unlock that would slip through it.
    const held = this.heldBy(doorId);
    if (held?.mode === 'lockdown')
      throw new DomainError(
        'conflict',
        'door.in-lockdown',
        `${door.name} is in a lockdown (started by ${this.ctx.operatorName(held.by)}: ${held.reason}); release the lockdown first, or use an emergency release to open it`,
      );
    // Journaled (committed) before the strike is told: no door opens on a command that is not on record.
    await journalChange(
      this.ctx.journal,
      'door.remote-unlock',
      actor,
      { doorId, ms: door.unlockMs, reason },
      [{ kind: 'door', id: doorId }],
    );
    this.ctx.bus.emit('door.command', { doorId, action: 'pulse', ms: door.unlockMs, reason });
  }

  private async setModes(
    doorIds: string[],
    mode: DoorMode | null,
    untilMs: number | null,
    reason: string,
    actor: Actor,
    type: string,
  ): Promise<void> {
    const { engine, store, clock, bus } = this.ctx;
    const now = clock.now().getTime();
    const by = actor.name ?? actor.id ?? actor.kind;
    await journalChange(
      this.ctx.journal,
      type,
      actor,
      { doors: doorIds, mode, until: untilMs === null ? null : new Date(untilMs).toISOString(), reason },
      doorIds.slice(0, 50).map((id) => ({ kind: 'door' as const, id })),
      () => {
        for (const id of doorIds)
          store.setOverride(id, mode ? { mode, until: untilMs, by, reason } : null, now);
      },
    );
    for (const id of doorIds) {
      if (mode) engine.manualModes.set(id, { mode, until: untilMs, by, reason, since: now });
      else engine.manualModes.delete(id);
      const effective = engine.effectiveMode(engine.index.doors.get(id)!, now);
      bus.emit('door.mode-changed', { doorId: id, mode: effective, until: untilMs, by, reason });
    }
  }

  /** The lockdown or emergency release holding a door now, if any. */
  private heldBy(doorId: string) {
    const held = this.ctx.engine.manualModes.get(doorId);
    if (held?.mode !== 'lockdown' && held?.mode !== 'emergency') return undefined;
    if (held.until !== null && held.until <= this.ctx.clock.now().getTime()) return undefined;
    return held;
  }

  /** A guard's mode for a door: unlocked, locked, card-and-PIN…, until a time or until changed; null returns to normal. */
  async setDoorMode(
    doorId: string,
    mode: DoorMode | null,
    untilMs: number | null,
    reason: string,
    actor: Actor,
  ) {
    if (!this.ctx.engine.index.doors.has(doorId)) throw notFound('door', doorId);
    if (mode === 'lockdown' || mode === 'emergency')
      throw new DomainError(
        'invalid',
        'door.mode-via-lockdown',
        'use lockdown or emergency release for those modes',
      );
    if (untilMs !== null && untilMs <= this.ctx.clock.now().getTime())
      throw new DomainError('invalid', 'door.until-past', 'the end of a manual mode must be in the future');
    // A guard's mode would replace the lockdown (or emergency release) on this one door: "unlocked"
    // or "normal" would open a door a lockdown holds shut, "locked" would shut one an evacuation
    // holds open. Only releasing the lockdown or emergency release itself ends it.
    const held = this.heldBy(doorId);
    if (held) {
      const door = this.ctx.engine.index.doors.get(doorId)!;
      const what = held.mode === 'lockdown' ? 'a lockdown' : 'an emergency release';
      throw new DomainError(
        'conflict',
        held.mode === 'lockdown' ? 'door.in-lockdown' : 'door.in-emergency',
        `${door.name} is in ${what} (started by ${this.ctx.operatorName(held.by)}: ${held.reason}); release it first to set the door's mode`,
      );
    }
    return this.setModes(
      [doorId],
      mode,
      untilMs,
      reason,
      actor,
      mode ? 'door.mode-set' : 'door.mode-cleared',
    );
  }

  /** Lockdown (privileged people only) or emergency release (everything open) of the given doors, or all. */
  async lockdown(kind: 'lockdown' | 'emergency', doorIds: string[] | 'all', reason: string, actor: Actor) {
    const doors = this.ctx.engine.index.doors;
    const ids = doorIds === 'all' ? [...doors.keys()] : doorIds;
    requireAll('door', ids, (i) => doors.has(i));
    // A second start would silently replace who started it and why: refused, with the one in force named.
    const inForce = ids.map((id) => this.ctx.engine.manualModes.get(id)).find((m) => m?.mode === kind);
    if (inForce)
      throw new DomainError(
        'conflict',
        `door.${kind}-in-force`,
        `${kind === 'lockdown' ? 'a lockdown' : 'an emergency release'} is already in force (started by ${this.ctx.operatorName(inForce.by)}: ${inForce.reason}); release it first`,
      );
    return this.setModes(
      ids,
      kind,
      null,
      reason,
      actor,
      kind === 'lockdown' ? 'door.lockdown-started' : 'door.emergency-release-started',
    );
  }

  /**
   * Ends lockdown or emergency release wherever it is set. Doors return to their
   * normal (or scheduled) mode; a manual unlock that the lockdown replaced is
   * deliberately not restored: after an incident nothing should reopen by itself.
   */
  async releaseLockdown(reason: string, actor: Actor) {
    const ids = [...this.ctx.engine.manualModes]
      .filter(([, m]) => m.mode === 'lockdown' || m.mode === 'emergency')
      .map(([id]) => id);
    if (ids.length === 0)
      throw new DomainError(
        'conflict',
        'door.no-lockdown',
        'no lockdown or emergency release is in force: there is nothing to release',
      );
    return this.setModes(ids, null, null, reason, actor, 'door.lockdown-released');
  }

  async forgive(cardholderId: string | null, reason: string, actor: Actor): Promise<number> {
    const { engine, store, journal } = this.ctx;
    if (cardholderId && !store.get('cardholders', cardholderId)) throw notFound('cardholder', cardholderId);
    const presence = engine.presence;
    const n = cardholderId === null ? presence.size : presence.has(cardholderId) ? 1 : 0;
    // The record first: the stored presence is cleared in its transaction (the projector), and only
    // once it is committed does the engine forget; a journal that fails leaves both as they were.
    await journal.append({
      type: 'access.passback-forgiven',
      source: 'access',
      actor,
      subjects: cardholderId ? [{ kind: 'person', id: cardholderId }] : [],
      payload: json({ cardholderId, reason, forgiven: n }),
      // A reason about one person may name them: sealed under their key, so their erasure reaches it.
      // Forgiving everyone is about nobody in particular, and stays in clear (README).
      ...(cardholderId ? { personal: { personId: cardholderId, paths: ['reason'] } } : {}),
    });
    engine.forgive(cardholderId ?? undefined);
    return n;
  }

  presenceList(): PresenceRow[] {
    const { engine } = this.ctx;
    return [...engine.presence].map(([cardholderId, p]) => ({
      cardholderId,
      name: engine.index.cardholders.get(cardholderId)?.name ?? null,
      zone: p.zone,
      zoneName: engine.index.zones.get(p.zone)?.name ?? p.zone,
      since: new Date(p.at).toISOString(),
      doorId: p.doorId,
      doorName: engine.index.doors.get(p.doorId)?.name ?? p.doorId,
    }));
  }

  /** Who can open a door at `at` (now by the clock), with their names, from the decision index. */
  whoCanOpen(doorId: string, at = this.ctx.clock.now().getTime()): { at: string; items: WhoCanOpenRow[] } {
    const { engine } = this.ctx;
    return {
      at: new Date(at).toISOString(),
      items: engine
        .whoCanOpen(doorId, at)
        .map((id) => ({ id, name: engine.index.cardholders.get(id)?.name ?? null })),
    };
  }
}
