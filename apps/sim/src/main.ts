import { DEMO_DOORS, SimulatedDoorSensors } from '@gatehouse/testing';
import { startDemoReaders } from './readers';
import { SimulatedWorkstations } from './workstations';

const say = (line: string) => process.stdout.write(`${line}\n`);
const port = (v: string | undefined) => (v && /^\d{1,5}$/.test(v) ? Number(v) : null);

/**
 * The simulated site: door sensors publishing real Zigbee2MQTT and Shelly
 * payloads to a broker, badge readers on pseudo-terminals (OSDP readers and
 * the Wiegand bridge firmware in simavr), and workstations sending real login
 * events to the gateway's listeners.
 * `node dist/apps/sim/src/main.js mqtt://127.0.0.1:1884 [--readers <tty dir> <key dir>]
 *  [--workstations <syslog-tcp port|-> <syslog-udp port|-> <beats port|-> <time zone>]`;
 * the demo gateway starts it by itself.
 */
const main = async () => {
  const url = process.argv[2] ?? 'mqtt://127.0.0.1:1884';
  const sim = new SimulatedDoorSensors(url, DEMO_DOORS);
  await sim.connect();
  await sim.announce();
  sim.run({ passageEveryMs: 12_000, heldEveryMs: 150_000, heldForMs: 35_000, forcedEveryMs: 300_000 });
  say(`simulated door sensors publishing to ${url}`);
  const at = process.argv.indexOf('--readers');
  const ws = process.argv.indexOf('--workstations');
  // With workstations, their people badge as the script says; random known cards would contradict it.
  const readers =
    at > 0 ? await startDemoReaders(process.argv[at + 1]!, process.argv[at + 2]!, ws > 0 ? 0 : 15_000) : null;
  let workstations: SimulatedWorkstations | null = null;
  if (ws > 0) {
    const [tcp, udp, beats, timeZone] = process.argv.slice(ws + 1, ws + 5);
    workstations = new SimulatedWorkstations(readers ? readers.present : null, {
      ports: { syslogTcp: port(tcp), syslogUdp: port(udp), beats: port(beats) },
      timeZone: timeZone ?? 'UTC',
      stepMs: Number(process.env.GATEHOUSE_SIM_STEP_MS) || 20_000,
      tripEvery: Number(process.env.GATEHOUSE_SIM_TRIP_EVERY) || 6,
      say: (line) => say(`demo ${line}`),
    });
    workstations.start();
    say(
      'simulated workstations: Windows desks over NXLog syslog and Winlogbeat, Linux desks over syslog UDP',
    );
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void Promise.all([sim.stop(), readers?.stop(), workstations?.stop()]).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
};

main().catch((error: unknown) => {
  process.stderr.write(`gatehouse-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
