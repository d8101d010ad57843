import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from '@gatehouse/bridge-protocol';
import { BridgeHarness, buildBridgeFirmware, SimulatedOsdpBus } from '@gatehouse/testing';

/** Where the demo site's simulated readers put their pseudo-terminals (config/demo-site.yaml names them). */
export const DEMO_TTY = {
  osdpGateway: 'osdp-gateway',
  osdpReaders: 'osdp-readers',
  bridge: 'bridge',
} as const;

/** The demo's readers: the front door's on OSDP, the call floor's behind the Wiegand bridge. */
export type DemoReaderId = 'front-in' | 'front-out' | 'floor-in' | 'floor-out';

export interface DemoReaders {
  /** Presents a card at a reader; false when that reader is not running (its simulator could not start). */
  present(reader: DemoReaderId, facility: number, card: number): boolean;
  stop(): Promise<void>;
}

const say = (line: string) => process.stdout.write(`demo readers: ${line}\n`);

/**
 * The demo site's badge readers: two OSDP readers on one bus (the front door's,
 * one with its key set, one fresh from the box that the gateway installs) and
 * the Wiegand bridge firmware running in simavr for the call floor's readers.
 * Now and then someone badges: mostly known cards, sometimes a stranger's.
 */
export const startDemoReaders = async (
  dir: string,
  keyDir: string,
  /** Random badges this often; 0 leaves the badging to a script (the simulated workstations' people). */
  everyMs = 15_000,
): Promise<DemoReaders> => {
  mkdirSync(dir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  let osdp: SimulatedOsdpBus | null = null;
  let bridge: BridgeHarness | null = null;
  try {
    const frontKey = Uint8Array.from(
      Buffer.from(readFileSync(join(keyDir, 'front-in.scbk'), 'utf8').trim(), 'hex'),
    );
    osdp = await new SimulatedOsdpBus(join(dir, DEMO_TTY.osdpGateway), join(dir, DEMO_TTY.osdpReaders), [
      { address: 1, scbk: frontKey, serial: 20261 },
      { address: 2, scbk: null, serial: 20262 },
    ]).start();
    const bus = osdp;
    stops.push(() => bus.stop());
    say('two OSDP readers (secure channel) on a pseudo-terminal pair');
  } catch (e) {
    say(`OSDP readers off: ${e instanceof Error ? e.message : String(e)} (they need socat)`);
  }
  const built = existsSync('/usr/bin/avr-gcc')
    ? buildBridgeFirmware()
    : { ok: false as const, why: 'gcc-avr is not installed' };
  if (built.ok) {
    try {
      bridge = await new BridgeHarness(join(dir, DEMO_TTY.bridge)).start();
      const b = bridge;
      stops.push(() => b.stop());
      say('the Wiegand bridge firmware runs in simavr');
    } catch (e) {
      say(`Wiegand bridge off: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else {
    say(`Wiegand bridge off: ${built.why} (Debian: gcc-avr avr-libc simavr libsimavr-dev libelf-dev)`);
  }

  const present = (reader: DemoReaderId, facility: number, card: number): boolean => {
    const bits = encode('H10301', facility, card);
    switch (reader) {
      case 'front-in':
        osdp?.pd(1).presentCard(bits);
        return osdp !== null;
      case 'front-out':
        osdp?.pd(2).presentCard(bits);
        return osdp !== null;
      case 'floor-in':
        bridge?.wiegand(0, bits);
        return bridge !== null;
      case 'floor-out':
        bridge?.wiegand(1, bits);
        return bridge !== null;
    }
  };
  const readers: DemoReaderId[] = [
    ...(osdp ? (['front-in', 'front-out'] as const) : []),
    ...(bridge ? (['floor-in', 'floor-out'] as const) : []),
  ];
  const badge = () => {
    const stranger = Math.random() < 0.15;
    const reader = readers[Math.floor(Math.random() * readers.length)];
    if (!reader) return;
    present(
      reader,
      stranger ? 99 : 21,
      stranger ? 4000 + Math.floor(Math.random() * 999) : 10100 + Math.floor(Math.random() * 24),
    );
  };
  const timer = everyMs > 0 ? setInterval(badge, everyMs) : null;
  return {
    present,
    async stop() {
      if (timer) clearInterval(timer);
      await Promise.all(stops.map((s) => s()));
    },
  };
};
