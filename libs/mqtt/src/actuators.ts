import type { GatehouseBus } from '@gatehouse/contracts';
import type { MqttSensorSource } from './client';

export const ACTUATOR_KINDS = ['shelly-gen1', 'tasmota', 'esphome', 'generic'] as const;
export type ActuatorKind = (typeof ACTUATOR_KINDS)[number];

export interface ActuatorBinding {
  door: string;
  kind: ActuatorKind;
  device: string;
  /** Shelly relay index, Tasmota POWER number, ESPHome switch name. */
  channel?: string;
  generic?: {
    commandTopic: string;
    stateTopic: string;
    on: string;
    off: string;
    onState: string;
    offState: string;
  };
}

interface Topics {
  command: string;
  state: string;
  on: string;
  off: string;
  isOn: (payload: string) => boolean | null;
}

/** Each ecosystem's relay: where to command it and where it confirms (INTEROP.md section 3). */
export const actuatorTopics = (a: ActuatorBinding): Topics => {
  const ch = a.channel;
  switch (a.kind) {
    case 'shelly-gen1':
      return {
        command: `shellies/${a.device}/relay/${ch ?? '0'}/command`,
        state: `shellies/${a.device}/relay/${ch ?? '0'}`,
        on: 'on',
        off: 'off',
        isOn: (p) => (p === 'on' ? true : p === 'off' ? false : null),
      };
    case 'tasmota':
      return {
        command: `cmnd/${a.device}/POWER${ch ?? '1'}`,
        state: `stat/${a.device}/POWER${ch ?? '1'}`,
        on: 'ON',
        off: 'OFF',
        isOn: (p) => (p === 'ON' ? true : p === 'OFF' ? false : null),
      };
    case 'esphome':
      return {
        command: `${a.device}/switch/${ch ?? 'lock'}/command`,
        state: `${a.device}/switch/${ch ?? 'lock'}/state`,
        on: 'ON',
        off: 'OFF',
        isOn: (p) => (p === 'ON' ? true : p === 'OFF' ? false : null),
      };
    case 'generic': {
      const g = a.generic!;
      return {
        command: g.commandTopic,
        state: g.stateTopic,
        on: g.on,
        off: g.off,
        isOn: (p) => (p === g.onState ? true : p === g.offState ? false : null),
      };
    }
  }
};

export interface ActuationReport {
  door: string;
  ms: number;
  confirmed: boolean;
  /** How long the device took to confirm it switched on. */
  confirmMs: number | null;
}

/**
 * A relay that did not switch back off: the door may stand unlocked. Reported
 * when the first attempt fails (`stuck`), and again when a retry finally
 * switches it off (`released`); a switch-off that works first time is normal
 * and reported by nobody.
 */
export interface SwitchOffReport {
  door: string;
  outcome: 'stuck' | 'released';
  attempts: number;
  /** Why the last attempt failed: the broker refused the publish, or the device never confirmed. */
  detail: string | null;
}

/** Retries of a switch-off that failed: quick at first, then every 16 s; five in all, then the alarm stands. */
export const SWITCH_OFF_RETRY_MS: readonly number[] = [1000, 2000, 4000, 8000, 16000];

/**
 * Door strikes switched by MQTT relays: on for the unlock time, then off. The
 * device's own state topic confirms each switch; no confirmation within the
 * time allowed is reported (the lock may not have opened).
 */
export class MqttDoorActuators {
  private readonly byDoor = new Map<string, { binding: ActuatorBinding; topics: Topics }>();
  /** Per door, who waits for the relay's next reported state. */
  private readonly waiting = new Map<string, Set<(on: boolean) => void>>();
  /**
   * Per door, the latest pulse: an earlier pulse's switch-off must not cut a
   * later grant's unlock time short, and a new pulse ends an old retry loop.
   */
  private readonly generation = new Map<string, number>();

  constructor(
    private readonly mqtt: Pick<MqttSensorSource, 'handleTopic' | 'publish' | 'clock'>,
    private readonly bus: GatehouseBus,
    bindings: readonly ActuatorBinding[],
    /** Where each pulse's outcome goes (the journal, an alarm); a promise it returns is awaited. */
    private readonly report: (r: ActuationReport) => unknown,
    private readonly confirmWithinMs = 2000,
    /** Where a relay that did not switch back off is reported (the journal and a high alarm). */
    private readonly reportSwitchOff: (r: SwitchOffReport) => unknown = () => undefined,
  ) {
    for (const b of bindings) this.byDoor.set(b.door, { binding: b, topics: actuatorTopics(b) });
  }

  start(): void {
    for (const { binding, topics } of this.byDoor.values()) {
      this.mqtt.handleTopic(topics.state, (payload) => {
        const on = topics.isOn(payload.toString('utf8').trim());
        if (on !== null) for (const w of [...(this.waiting.get(binding.door) ?? [])]) w(on);
      });
    }
    // The pulse is the listener's promise: a publish or a report that fails is the bus's to count and log.
    this.bus.on('access.decided', 'mqtt-actuators', (d) =>
      d.grant && d.doorId ? this.pulse(d.doorId, d.unlockMs) : undefined,
    );
    this.bus.on('door.command', 'mqtt-actuators', (c) =>
      c.action === 'pulse' ? this.pulse(c.doorId, c.ms ?? 5000) : undefined,
    );
  }

  /** The relays run on the broker connection's clock (the injected one). */
  private get clock() {
    return this.mqtt.clock;
  }

  async pulse(door: string, ms: number): Promise<ActuationReport | null> {
    const a = this.byDoor.get(door);
    if (!a) return null;
    const pulseNo = (this.generation.get(door) ?? 0) + 1;
    this.generation.set(door, pulseNo);
    const started = this.clock.monotonicMs();
    const confirmed = this.nextState(door, true);
    await this.mqtt.publish(a.topics.command, a.topics.on);
    this.clock.after(
      ms,
      () => {
        // A later pulse owns the relay now: its own switch-off ends the unlock.
        if (this.generation.get(door) !== pulseNo) return;
        this.bus.track('door.command', 'mqtt-actuators', this.switchOff(door, pulseNo), { door, ms });
      },
      true,
    );
    const confirmMs = (await confirmed) === null ? null : this.clock.monotonicMs() - started;
    const r: ActuationReport = { door, ms, confirmed: confirmMs !== null, confirmMs };
    await this.report(r);
    return r;
  }

  /**
   * Switches the relay off and waits for the device to say so. A publish the
   * broker refuses, or a device that stays silent, leaves the door possibly
   * unlocked: that is reported at once (an alarm), then retried on a bounded
   * schedule until it works or a newer pulse takes over.
   */
  private async switchOff(door: string, pulseNo: number): Promise<void> {
    const a = this.byDoor.get(door)!;
    let stuck = false;
    for (let attempt = 1; attempt <= SWITCH_OFF_RETRY_MS.length + 1; attempt++) {
      if (this.generation.get(door) !== pulseNo) return;
      const off = this.nextState(door, false);
      const detail = await this.mqtt.publish(a.topics.command, a.topics.off).then(
        async () => ((await off) === null ? 'the relay did not confirm it switched off' : null),
        (e: unknown) => {
          off.cancel();
          return `the broker did not take the switch-off: ${e instanceof Error ? e.message : String(e)}`;
        },
      );
      if (detail === null) {
        if (stuck) await this.reportSwitchOff({ door, outcome: 'released', attempts: attempt, detail: null });
        return;
      }
      if (!stuck) await this.reportSwitchOff({ door, outcome: 'stuck', attempts: attempt, detail });
      stuck = true;
      if (attempt > SWITCH_OFF_RETRY_MS.length) return;
      await new Promise<void>((resolve) => this.clock.after(SWITCH_OFF_RETRY_MS[attempt - 1], resolve, true));
    }
  }

  /**
   * Resolves with the time taken when the device reports `on`, or null when
   * it has not within the time allowed.
   */
  private nextState(door: string, on: boolean): Promise<true | null> & { cancel: () => void } {
    let cancel = () => undefined as void;
    const promise = new Promise<true | null>((resolve) => {
      const waiters = this.waiting.get(door) ?? new Set<(on: boolean) => void>();
      this.waiting.set(door, waiters);
      const done = (result: true | null) => {
        stopTimer();
        waiters.delete(waiter);
        resolve(result);
      };
      const waiter = (state: boolean) => {
        if (state === on) done(true);
      };
      const stopTimer = this.clock.after(this.confirmWithinMs, () => done(null));
      waiters.add(waiter);
      cancel = () => done(null);
    });
    return Object.assign(promise, { cancel: () => cancel() });
  }
}
