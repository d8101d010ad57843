import { ReadStream } from 'node:tty';
import { LinuxBinding, type LinuxPortBinding } from '@serialport/bindings-cpp';
import { CaptureRing } from './capture';

/** The gateway runs on Linux: the tty stream below needs a POSIX descriptor. */
type BindingPort = LinuxPortBinding;
const bindings = LinuxBinding;

export type ChannelState = 'closed' | 'opening' | 'open' | 'stopped';

export interface SerialChannelOptions {
  path: string;
  baudRate: number;
  /** Backoff between attempts to (re)open, doubling from the first to the maximum. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  onData(chunk: Uint8Array): void;
  onState(state: ChannelState, detail?: string): void;
  /** The capture's text for bytes that crossed the line (hex by default): the protocol withholds its secrets here. */
  show?(direction: 'rx' | 'tx', bytes: Uint8Array): string;
}

/**
 * A serial port that comes back: USB adapters vanish and reappear, a bridge's
 * pseudo-terminal goes away with its process. The channel reopens by path with
 * backoff and never lets a port error reach the process.
 */
export class SerialChannel {
  private line: { binding: BindingPort; stream: ReadStream } | null = null;
  /** Each open attempt's number: events of an older line are ignored. */
  private attempt = 0;
  private state: ChannelState = 'closed';
  private retryTimer: NodeJS.Timeout | null = null;
  private delayMs: number;
  readonly capture = new CaptureRing();
  lastError: string | null = null;
  opens = 0;
  /** Sees every chunk in both directions as it passes (benchmarks, line monitors). */
  tap: ((direction: 'rx' | 'tx', bytes: Uint8Array) => void) | null = null;

  constructor(private readonly options: SerialChannelOptions) {
    this.delayMs = options.reconnectMinMs;
  }

  get current(): ChannelState {
    return this.state;
  }

  start(): void {
    if (this.state === 'stopped') return;
    this.open();
  }

  write(bytes: Uint8Array): boolean {
    if (this.state !== 'open' || !this.line) return false;
    this.capture.add('tx', this.options.show?.('tx', bytes) ?? bytes);
    this.line.stream.write(Buffer.from(bytes));
    this.tap?.('tx', bytes);
    return true;
  }

  /** Closes the port and reopens it (after a bridge went silent, say). */
  reopen(reason: string): void {
    if (this.state !== 'open') return;
    this.lost(reason);
  }

  async stop(): Promise<void> {
    this.setState('stopped');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt++;
    await this.release();
  }

  private setState(state: ChannelState, detail?: string): void {
    if (this.state === 'stopped' && state !== 'stopped') return;
    this.state = state;
    this.capture.add('event', detail ? `${state}: ${detail}` : state);
    this.options.onState(state, detail);
  }

  private open(): void {
    this.setState('opening');
    const attempt = ++this.attempt;
    bindings
      .open({ path: this.options.path, baudRate: this.options.baudRate, lock: true })
      .then((binding: LinuxPortBinding) => {
        if (attempt !== this.attempt || this.state === 'stopped')
          return void binding.close().catch(() => undefined);
        return binding.flush().then(() => this.attach(binding, attempt));
      })
      .catch((error: Error) => {
        if (attempt === this.attempt) this.lost(error.message);
      });
  }

  /**
   * The binding opened the device and set its line (raw, baud, exclusive);
   * bytes then move through a tty stream on its descriptor, read and written on
   * the event loop itself. serialport's own stream reads through the thread
   * pool, which cost twice the CPU when sixteen readers are polled ten times a
   * second (bench/readers.ts).
   */
  private attach(binding: BindingPort, attempt: number): void {
    // Bytes written before we opened can arrive late: the flush above started from a clean line.
    const stream = new ReadStream(binding.fd!);
    this.line = { binding, stream };
    stream.on('data', (chunk: Buffer) => {
      this.capture.add('rx', this.options.show?.('rx', chunk) ?? chunk);
      this.tap?.('rx', chunk);
      this.options.onData(chunk);
    });
    // A vanished device ends the stream (EIO on a pty whose other side closed, ENXIO on a pulled USB adapter).
    stream.on('end', () => this.lost('device went away', attempt));
    stream.on('close', () => this.lost('port closed', attempt));
    stream.on('error', (error: Error) => this.lost(error.message, attempt));
    this.opens++;
    this.delayMs = this.options.reconnectMinMs;
    this.lastError = null;
    this.setState('open');
  }

  private lost(reason: string, attempt = this.attempt): void {
    if (attempt !== this.attempt || this.state === 'stopped' || this.state === 'closed') return;
    this.attempt++;
    this.lastError = reason;
    this.release();
    this.setState('closed', reason);
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.options.reconnectMaxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.state === 'closed') this.open();
    }, delay);
    this.retryTimer.unref();
  }

  /** Ends the stream first, then closes the descriptor through the binding that opened it. */
  private release(): Promise<void> {
    const line = this.line;
    this.line = null;
    if (!line) return Promise.resolve();
    line.stream.removeAllListeners('data');
    line.stream.on('error', () => undefined);
    line.stream.destroy();
    return line.binding.close().catch(() => undefined);
  }
}
