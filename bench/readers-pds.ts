import '../apps/aliases';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { SimulatedOsdpBus } from '@gatehouse/testing';

/**
 * The PD side of `npm run bench -- readers`, in its own process so that the
 * gateway's timings are not the simulators' work: OSDP buses of simulated
 * readers, and a bare echo on one more pseudo-terminal pair for the reference.
 * argv: <dir> <buses> <pds per bus> <key hex>. Cards come in over IPC.
 */
const main = async () => {
  const [dir, busCount, perBus, keyHex] = process.argv.slice(2);
  const key = Uint8Array.from(Buffer.from(keyHex!, 'hex'));
  const buses: SimulatedOsdpBus[] = [];
  for (let b = 0; b < Number(busCount); b++) {
    const pds = Array.from({ length: Number(perBus) }, (_, i) => ({ address: i + 1, scbk: key }));
    buses.push(await new SimulatedOsdpBus(join(dir!, `cp${b}`), join(dir!, `pd${b}`), pds).start());
  }
  // The reference: bytes echoed straight back by a bare serialport peer.
  const socat = spawn('socat', [
    `pty,raw,echo=0,link=${join(dir!, 'echo-a')}`,
    `pty,raw,echo=0,link=${join(dir!, 'echo-b')}`,
  ]);
  while (!existsSync(join(dir!, 'echo-a')) || !existsSync(join(dir!, 'echo-b')))
    await new Promise((r) => setTimeout(r, 20));
  const echo = new SerialPort({ path: join(dir!, 'echo-a'), baudRate: 115_200 });
  echo.on('error', () => undefined);
  echo.on('data', (chunk: Buffer) => echo.write(chunk));
  process.on('message', (m: { bus: number; address: number; bits: number[] } | 'stop') => {
    if (m === 'stop') {
      void Promise.all(buses.map((b) => b.stop())).finally(() => {
        socat.kill();
        process.exit(0);
      });
      return;
    }
    buses[m.bus]!.pd(m.address).presentCard(m.bits);
  });
  process.send!('ready');
};

void main();
