import type { Feedback, PortHost, PortReaderState, PortStatus, ReaderPort, SerialPortConfig } from './port';
import { SerialChannel } from './serial-channel';

/**
 * What every reader port does with its serial line, whatever the protocol:
 * open and reopen it, report its state to the host, keep the capture.
 */
export abstract class SerialReaderPort implements ReaderPort {
  protected readonly channel: SerialChannel;

  constructor(
    readonly config: SerialPortConfig,
    protected readonly host: PortHost,
  ) {
    this.channel = new SerialChannel({
      path: config.path,
      baudRate: config.baudRate,
      reconnectMinMs: 500,
      reconnectMaxMs: 30_000,
      onData: (chunk) => this.received(chunk, host.monotonic()),
      show: (direction, bytes) => this.captureText(direction, bytes),
      onState: (state, detail) => {
        if (state === 'closed') this.lineLost(host.monotonic(), detail);
        host.portState(this, state, detail);
      },
    });
  }

  abstract tick(nowMs: number): void;
  abstract feedback(address: number, kind: Feedback): void;
  abstract pulse(relay: SerialPortConfig['relays'][number], ms: number): void;
  abstract status(): PortStatus;
  abstract readerStates(): PortReaderState[];
  protected abstract received(chunk: Uint8Array, nowMs: number): void;
  /** The port closed: its readers are unreachable until it reopens. */
  protected abstract lineLost(nowMs: number, detail?: string): void;

  /** How the capture shows bytes off the line: hex, unless the protocol has secrets to withhold. */
  protected captureText(_direction: 'rx' | 'tx', bytes: Uint8Array): string {
    return Buffer.from(bytes).toString('hex');
  }

  /** Watches the line's bytes in both directions (see SerialChannel.tap). */
  set tap(fn: SerialChannel['tap']) {
    this.channel.tap = fn;
  }
  get tap(): SerialChannel['tap'] {
    return this.channel.tap;
  }

  get capture() {
    return this.channel.capture;
  }

  start(): void {
    this.channel.start();
  }

  stop(): Promise<void> {
    return this.channel.stop();
  }

  protected portStatus(counters: Record<string, number>): PortStatus {
    return {
      id: this.config.id,
      path: this.config.path,
      protocol: this.config.protocol,
      state: this.channel.current,
      lastError: this.channel.lastError,
      opens: this.channel.opens,
      captureRecords: this.channel.capture.size,
      counters,
    };
  }
}
