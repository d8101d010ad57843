import { DEMO_DOORS, SimulatedDoorSensors } from '@gatehouse/testing';
import { startDemoReaders } from './readers';

/**
 * The simulated site: door sensors publishing real Zigbee2MQTT and Shelly
 * payloads to a broker, and badge readers on pseudo-terminals (OSDP readers and
 * the Wiegand bridge firmware in simavr).
 * `node dist/apps/sim/src/main.js mqtt://127.0.0.1:1884 [--readers <tty dir> <key dir>]`;
 * the demo gateway starts it by itself.
 */
const main = async () => {
  const url = process.argv[2] ?? 'mqtt://127.0.0.1:1884';
  const sim = new SimulatedDoorSensors(url, DEMO_DOORS);
  await sim.connect();
  await sim.announce();
  sim.run({ passageEveryMs: 12_000, heldEveryMs: 150_000, heldForMs: 35_000, forcedEveryMs: 300_000 });
  process.stdout.write(`simulated door sensors publishing to ${url}\n`);
  const at = process.argv.indexOf('--readers');
  const readers = at > 0 ? await startDemoReaders(process.argv[at + 1]!, process.argv[at + 2]!) : null;
  const stop = () => void Promise.all([sim.stop(), readers?.stop()]).finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
};

main().catch((error: unknown) => {
  process.stderr.write(`gatehouse-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
