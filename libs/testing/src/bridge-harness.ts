import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The firmware folder, found from the source tree or from dist/. */
export const FIRMWARE_DIR =
  [
    resolve(__dirname, '..', '..', '..', 'firmware-bridge'),
    resolve(__dirname, '..', '..', '..', '..', 'firmware-bridge'),
  ].find((d) => existsSync(join(d, 'Makefile'))) ?? resolve(__dirname, '..', '..', '..', 'firmware-bridge');

export interface PinChange {
  pin: string;
  level: number;
  /** Simulated time of the change, in ms since the AVR started. */
  simMs: number;
}

/**
 * Builds the bridge firmware and its simavr harness (make, gcc-avr, libsimavr);
 * returns why not when the toolchain is missing, so the demo can say so.
 */
export const buildBridgeFirmware = (): { ok: true } | { ok: false; why: string } => {
  const r = spawnSync('make', ['-s', '-C', FIRMWARE_DIR, 'all', 'harness'], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (r.error) return { ok: false, why: r.error.message };
  if (r.status !== 0)
    return { ok: false, why: (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ') };
  return { ok: true };
};

/**
 * The real bridge firmware running in simavr (firmware-bridge/sim/harness.c),
 * its UART on a pseudo-terminal reachable at `link`. Tests and the demo site
 * pulse its Wiegand lines and inputs and watch its relay, LED and buzzer pins.
 */
export class BridgeHarness {
  readonly pins: PinChange[] = [];
  private child: ChildProcess | null = null;
  private out = '';
  private exited: Promise<void> = Promise.resolve();
  ptyPath: string | null = null;

  constructor(readonly link: string) {}

  async start(timeoutMs = 10_000): Promise<this> {
    const child = spawn(
      join(FIRMWARE_DIR, 'build', 'harness'),
      [join(FIRMWARE_DIR, 'build', 'bridge.elf'), this.link],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    this.exited = new Promise((r) => child.once('exit', () => r()));
    // Writing to a harness that has just exited (killed with its process group, say) is not an error of ours.
    child.stdin!.on('error', () => undefined);
    child.stderr!.on('data', (d: Buffer) => (this.out += d.toString()));
    let partial = '';
    child.stdout!.on('data', (d: Buffer) => {
      partial += d.toString();
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) this.line(line);
    });
    const deadline = Date.now() + timeoutMs;
    while (!this.ptyPath) {
      if (child.exitCode !== null) throw new Error(`bridge harness exited: ${this.out}`);
      if (Date.now() > deadline) throw new Error('bridge harness did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
    return this;
  }

  private line(line: string): void {
    this.out += `${line}\n`;
    const pty = /^pty (\S+)/.exec(line);
    if (pty) this.ptyPath = pty[1]!;
    const pin = /^pin (\w\d) (\d) ([\d.]+)/.exec(line);
    if (pin) this.pins.push({ pin: pin[1]!, level: Number(pin[2]), simMs: Number(pin[3]) });
  }

  private send(command: string): void {
    this.child?.stdin?.write(`${command}\n`);
  }

  /** Presents a card: the bits as Wiegand pulses on reader 0 or 1. */
  wiegand(reader: 0 | 1, bits: readonly number[] | string): void {
    this.send(`wiegand ${reader} ${typeof bits === 'string' ? bits : bits.join('')}`);
  }

  /** Drives an input pin, e.g. "C2" (door A contact: 1 = open) or "C3" (exit button: 0 = pressed). */
  pin(pin: string, level: 0 | 1): void {
    this.send(`pin ${pin} ${level}`);
  }

  /** Bytes towards the gateway, as line noise or a torn frame would arrive. */
  raw(hex: string): void {
    this.send(`raw ${hex}`);
  }

  reset(): void {
    this.send('reset');
  }

  /** Waits for a pin to reach a level after the change at index `from`. */
  async waitPin(pin: string, level: number, from = 0, timeoutMs = 10_000): Promise<PinChange> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.pins.slice(from).find((p) => p.pin === pin && p.level === level);
      if (hit) return hit;
      if (Date.now() > deadline)
        throw new Error(
          `pin ${pin} did not go to ${level}; changes: ${JSON.stringify(this.pins.slice(from))}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stops the simulated board: "quit" lets it remove its link; SIGKILL is a yanked cable. */
  async stop(how: 'quit' | 'kill' = 'quit'): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    if (how === 'quit') this.send('quit');
    else this.child.kill('SIGKILL');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }
}
