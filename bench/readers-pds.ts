import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { CMD, REPLY } from '@gatehouse/osdp';
import { SimulatedOsdpBus } from '@gatehouse/testing';
import { lowerOwnPriority } from './load-priority';

export type PdsRequest = { bus: number; address: number; bits: number[] } | 'rtt' | 'stop';
export type PdsAnswer = 'ready' | { rtt: number[] } | { wire: number[] };

/**
 * Round trips of 16-byte frames from this process through a bare
 * pseudo-terminal pair to a peer in the gateway's process that echoes them:
 * the same two processes and the same kind of line as a card and its
 * feedback, with nothing but the echo in between.
 */
const ptyRoundTrip = async (path: string, count: number): Promise<number[]> => {
  const port = new SerialPort({ path, baudRate: 115_200, autoOpen: false });
  port.on('error', () => undefined);
  await new Promise<void>((r, j) => port.open((e) => (e ? j(e) : r())));
  const frame = Buffer.alloc(16, 0x5a);
  const times: number[] = [];
  let got = 0;
  let waiting: (() => void) | null = null;
  port.on('data', (chunk: Buffer) => {
    got += chunk.length;
    if (got >= 16 && waiting) {
      got -= 16;
      const w = waiting;
      waiting = null;
      w();
    }
  });
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await new Promise<void>((r) => {
      waiting = r;
      port.write(frame);
    });
    times.push(performance.now() - t0);
  }
  await new Promise<void>((r) => port.close(() => r()));
  return times;
};

/**
 * The PD side of `npm run bench -- readers`, in its own process so that the
 * gateway's timings are not the simulators' work: OSDP buses of simulated
 * readers, and one more pseudo-terminal pair for the reference round trip.
 * It times the wire as a reader sees it: from writing the reply that carries
 * a card to reading the LED command that answers it.
 * argv: <dir> <buses> <pds per bus> <key hex> [nice]. Cards come in over IPC.
 * With a nice value, the PDs run at that lower priority once their lines are
 * up (`lowerOwnPriority`; the socat processes keep theirs).
 */
const main = async () => {
  const [dir, busCount, perBus, keyHex, nice] = process.argv.slice(2);
  const key = Uint8Array.from(Buffer.from(keyHex!, 'hex'));
  const buses: SimulatedOsdpBus[] = [];
  const wire: number[] = [];
  for (let b = 0; b < Number(busCount); b++) {
    const pds = Array.from({ length: Number(perBus) }, (_, i) => ({ address: i + 1, scbk: key }));
    const bus = await new SimulatedOsdpBus(join(dir!, `cp${b}`), join(dir!, `pd${b}`), pds).start();
    for (const pd of bus.pds) {
      let cardSentAt: number | null = null;
      pd.watch = (event, code) => {
        if (event === 'reply' && code === REPLY.RAW) cardSentAt = performance.now();
        else if (event === 'command' && code === CMD.LED && cardSentAt !== null) {
          wire.push(performance.now() - cardSentAt);
          cardSentAt = null;
        }
      };
    }
    buses.push(bus);
  }
  const socat = spawn('socat', [
    `pty,raw,echo=0,link=${join(dir!, 'echo-a')}`,
    `pty,raw,echo=0,link=${join(dir!, 'echo-b')}`,
  ]);
  while (!existsSync(join(dir!, 'echo-a')) || !existsSync(join(dir!, 'echo-b')))
    await new Promise((r) => setTimeout(r, 20));
  lowerOwnPriority(Number(nice ?? 0));
  const answer = (a: PdsAnswer) => process.send!(a);
  process.on('message', (m: PdsRequest) => {
    if (m === 'rtt') return void ptyRoundTrip(join(dir!, 'echo-a'), 2000).then((rtt) => answer({ rtt }));
    if (m === 'stop') {
      process.send!(
        { wire } satisfies PdsAnswer,
        () =>
          void Promise.all(buses.map((b) => b.stop())).finally(() => {
            socat.kill();
            process.exit(0);
          }),
      );
      return;
    }
    buses[m.bus]!.pd(m.address).presentCard(m.bits);
  });
  answer('ready');
};

void main();
