import mqtt, { type MqttClient } from 'mqtt';

/** How a simulated door reaches the broker: the same payload shapes as the real devices. */
export interface SimulatedDoor {
  doorId: string;
  kind: 'zigbee2mqtt' | 'shelly-gen1';
  /** Friendly name or device id. */
  device: string;
  /** Topic of a request-to-exit button (generic converter: "pressed"), if the door has one. */
  rexTopic?: string;
}

export interface SimulationPlan {
  /** Ordinary passages (REX, open, close) every this many ms, on a random door. */
  passageEveryMs: number;
  /** A door held open past its held time every this many ms. */
  heldEveryMs: number;
  heldForMs: number;
  /** An opening without REX or grant (forced) every this many ms; 0: never. */
  forcedEveryMs: number;
}

const contactPayload = (d: SimulatedDoor, open: boolean): [string, string] =>
  d.kind === 'zigbee2mqtt'
    ? [
        `zigbee2mqtt/${d.device}`,
        JSON.stringify({
          contact: !open,
          battery: 87,
          tamper: false,
          linkquality: 120 + Math.floor(Math.random() * 40),
        }),
      ]
    : [`shellies/${d.device}/sensor/state`, open ? 'open' : 'close'];

/**
 * Door sensors of a simulated site, publishing to a real broker: used by the
 * demo and by tests. Deterministic per plan (a counter, not wall-clock chance)
 * so a test can predict what it will see.
 */
export class SimulatedDoorSensors {
  private client: MqttClient | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private turn = 0;

  constructor(
    private readonly url: string,
    private readonly doors: readonly SimulatedDoor[],
  ) {}

  async connect(): Promise<void> {
    this.client = mqtt.connect(this.url, {
      clientId: `gatehouse-sim-${process.pid}`,
      clean: true,
      reconnectPeriod: 2000,
    });
    await new Promise<void>((resolve, reject) => {
      this.client!.once('connect', () => resolve());
      this.client!.once('error', reject);
    });
  }

  publish(topic: string, payload: string, retain = false): Promise<void> {
    return new Promise((resolve, reject) =>
      this.client!.publish(topic, payload, { qos: 1, retain }, (e) => (e ? reject(e) : resolve())),
    );
  }

  async setContact(d: SimulatedDoor, open: boolean): Promise<void> {
    const [topic, payload] = contactPayload(d, open);
    await this.publish(topic, payload, d.kind === 'zigbee2mqtt');
  }

  /** Every door closed, with its battery and availability: what real devices report when they join. */
  async announce(): Promise<void> {
    for (const d of this.doors) {
      await this.setContact(d, false);
      if (d.kind === 'zigbee2mqtt')
        await this.publish(`zigbee2mqtt/${d.device}/availability`, '{"state":"online"}', true);
      else {
        await this.publish(`shellies/${d.device}/sensor/battery`, '92');
        await this.publish(`shellies/${d.device}/online`, 'true', true);
      }
    }
  }

  private after(ms: number, fn: () => Promise<void>): void {
    const t = setTimeout(() => void fn().catch(() => undefined), ms);
    this.timers.push(t);
  }

  /** One person walking through: the exit button, the door opening, the door closing. */
  async passage(d: SimulatedDoor, openMs = 4000): Promise<void> {
    if (d.rexTopic) await this.publish(d.rexTopic, 'pressed');
    this.after(300, () => this.setContact(d, true));
    this.after(300 + openMs, () => this.setContact(d, false));
  }

  run(plan: SimulationPlan): void {
    const every = (ms: number, fn: () => Promise<void>) => {
      if (ms <= 0) return;
      const t = setInterval(() => void fn().catch(() => undefined), ms);
      this.timers.push(t);
    };
    // Until readers present cards (the readers issue), a passage is an exit-button press, so
    // ordinary passages use doors that have one; the others only open when forced.
    const withRex = this.doors.filter((d) => d.rexTopic);
    const pick = () => withRex[this.turn++ % withRex.length]!;
    if (withRex.length > 0) {
      every(plan.passageEveryMs, () => this.passage(pick()));
      every(plan.heldEveryMs, () => this.passage(pick(), plan.heldForMs));
    }
    every(plan.forcedEveryMs, async () => {
      const d = this.doors.find((x) => !x.rexTopic) ?? pick();
      await this.setContact(d, true);
      this.after(3000, () => this.setContact(d, false));
    });
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await new Promise<void>((resolve) =>
      this.client ? this.client.end(false, {}, () => resolve()) : resolve(),
    );
  }
}

/** The demo site's doors (see apps/gateway/src/demo.ts and config/demo-site.yaml). */
export const DEMO_DOORS: SimulatedDoor[] = [
  { doorId: 'front-door', kind: 'zigbee2mqtt', device: 'demo_front_door', rexTopic: 'demo/front-door/rex' },
  { doorId: 'floor-door', kind: 'shelly-gen1', device: 'shellydw2-DEMO01', rexTopic: 'demo/floor-door/rex' },
  { doorId: 'server-door', kind: 'zigbee2mqtt', device: 'demo_server_door' },
];
