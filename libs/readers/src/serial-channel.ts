import { SerialPort } from 'serialport';
import { CaptureRing } from './capture';

export type ChannelState = 'closed' | 'opening' | 'open' | 'stopped';

export interface SerialChannelOptions {
  path: string;
  baudRate: number;
  /** Backoff between attempts to (re)open, doubling from the first to the maximum. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  onData(chunk: Uint8Array): void;
  onState(state: ChannelState, detail?: string): void;
}

/**
 * A serial port that comes back: USB adapters vanish and reappear, a bridge's
 * pseudo-terminal goes away with its process. The channel reopens by path with
 * backoff and never lets a port error reach the process (serialport emits
 * "Canceled" on close with a pending read, which would crash it unheard).
 */
export class SerialChannel {
  private port: SerialPort | null = null;
  private state: ChannelState = 'closed';
  private retryTimer: NodeJS.Timeout | null = null;
  private delayMs: number;
  readonly capture = new CaptureRing();
  lastError: string | null = null;
  opens = 0;

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
    if (this.state !== 'open' || !this.port) return false;
    this.capture.add('tx', bytes);
    this.port.write(Buffer.from(bytes));
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
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private setState(state: ChannelState, detail?: string): void {
    if (this.state === 'stopped' && state !== 'stopped') return;
    this.state = state;
    this.capture.add('event', detail ? `${state}: ${detail}` : state);
    this.options.onState(state, detail);
  }

  private open(): void {
    this.setState('opening');
    const port = new SerialPort({
      path: this.options.path,
      baudRate: this.options.baudRate,
      autoOpen: false,
    });
    port.on('error', (error: Error) => this.lost(error.message, port));
    port.on('close', () => this.lost('port closed', port));
    port.on('data', (chunk: Buffer) => {
      this.capture.add('rx', chunk);
      this.options.onData(chunk);
    });
    this.port = port;
    port.open((error) => {
      if (this.port !== port || this.state === 'stopped') {
        if (!error) port.close(() => undefined);
        return;
      }
      if (error) return this.lost(error.message, port);
      // Bytes written before we opened can arrive late: start from a clean line.
      port.flush(() => undefined);
      this.opens++;
      this.delayMs = this.options.reconnectMinMs;
      this.lastError = null;
      this.setState('open');
    });
  }

  private lost(reason: string, port: SerialPort | null = this.port): void {
    if (port !== this.port || this.state === 'stopped') return;
    this.port = null;
    this.lastError = reason;
    if (port?.isOpen) port.close(() => undefined);
    this.setState('closed', reason);
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.options.reconnectMaxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.state === 'closed') this.open();
    }, delay);
    this.retryTimer.unref();
  }
}
