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

export interface DemoReaders {
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

  const badge = () => {
    const stranger = Math.random() < 0.15;
    const bits = encode(
      'H10301',
      stranger ? 99 : 21,
      stranger ? 4000 + Math.floor(Math.random() * 999) : 10100 + Math.floor(Math.random() * 24),
    );
    const choices: (() => void)[] = [];
    if (osdp)
      choices.push(
        () => osdp!.pd(1).presentCard(bits),
        () => osdp!.pd(2).presentCard(bits),
      );
    if (bridge)
      choices.push(
        () => bridge!.wiegand(0, bits),
        () => bridge!.wiegand(1, bits),
      );
    choices[Math.floor(Math.random() * choices.length)]?.();
  };
  const timer = setInterval(badge, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(stops.map((s) => s()));
    },
  };
};
