import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { SimulatedPd, type SimulatedPdOptions } from './osdp-pd';

/**
 * Simulated OSDP readers on a real pseudo-terminal pair made by socat: the PDs
 * hold one end (`pdLink`), the gateway opens the other (`cpLink`) as its serial
 * port. Several PDs share the bus (multi-drop) and each answers its address.
 */
export class SimulatedOsdpBus {
  readonly pds: SimulatedPd[];
  private socat: ChildProcess | null = null;
  private port: SerialPort | null = null;

  constructor(
    readonly cpLink: string,
    readonly pdLink: string,
    pds: SimulatedPdOptions[],
  ) {
    this.pds = pds.map((o) => new SimulatedPd(o, (bytes) => this.write(bytes)));
  }

  async start(timeoutMs = 5000): Promise<this> {
    this.socat = spawn(
      'socat',
      [`pty,raw,echo=0,link=${this.pdLink}`, `pty,raw,echo=0,link=${this.cpLink}`],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(this.pdLink) || !existsSync(this.cpLink)) {
      if (this.socat.exitCode !== null) throw new Error('socat exited (is it installed?)');
      if (Date.now() > deadline) throw new Error('socat did not create the pseudo-terminals');
      await new Promise((r) => setTimeout(r, 20));
    }
    const port = new SerialPort({ path: this.pdLink, baudRate: 115_200, autoOpen: false });
    port.on('error', () => undefined); // closing with a read pending emits "Canceled"
    port.on('data', (chunk: Buffer) => {
      for (const pd of this.pds) pd.receive(chunk);
    });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    this.port = port;
    return this;
  }

  private write(bytes: Uint8Array): void {
    this.port?.write(Buffer.from(bytes));
  }

  pd(address: number): SimulatedPd {
    const pd = this.pds.find((p) => p.options.address === address);
    if (!pd) throw new Error(`no simulated PD at address ${address}`);
    return pd;
  }

  async stop(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
    const socat = this.socat;
    this.socat = null;
    if (socat && socat.exitCode === null) {
      const gone = new Promise((r) => socat.once('exit', r));
      socat.kill('SIGTERM');
      await gone;
    }
  }
}
