import { BridgeLink } from './bridge-link';
import type { Feedback, PortHost, PortReaderState, PortStatus, SerialPortConfig } from './port';
import { KeypadBuffer } from './port';
import { SerialReaderPort } from './serial-port-base';

/** Feedback as the bridge shows it: LED colour and time, and a beep pattern. */
const BRIDGE_FEEDBACK = {
  grant: { colour: 'green', ms: 2000, count: 1, onMs: 80, offMs: 0 },
  deny: { colour: 'red', ms: 2000, count: 3, onMs: 100, offMs: 100 },
  pin: { colour: 'amber', ms: 10_000, count: 2, onMs: 50, offMs: 50 },
} as const;

/** A serial bus with one Wiegand bridge (firmware-bridge/) and its two readers. */
export class BridgePort extends SerialReaderPort {
  private readonly link: BridgeLink;
  private readonly keypad = new KeypadBuffer();

  constructor(config: SerialPortConfig, host: PortHost) {
    super(config, host);
    const addresses = config.readers.map((r) => r.address);
    this.link = new BridgeLink((bytes) => this.channel.write(bytes), {
      card: (address, bits) => host.card(this, address, bits),
      keypad: (address, key) => {
        const digits = this.keypad.press(address, key, host.monotonic());
        if (digits) host.keypad(this, address, digits);
      },
      input: (input, active) => host.input(this, 0, input, active),
      status: (change, s) => {
        host.readerChanged(this, addresses, `bridge-${change}`, {
          firmware: s.firmware,
          watchdogMs: s.watchdogMs,
          failMode: s.failMode,
          uptimeS: s.uptimeS,
        });
        const silentMs = Math.round(host.monotonic() - (s.lastSeenMs ?? 0));
        for (const a of addresses) {
          if (change === 'offline')
            host.alarm(
              this,
              true,
              'reader-offline',
              a,
              `no word from the reader's bridge for ${Math.round(silentMs / 1000)} s`,
            );
          if (change === 'online') host.alarm(this, false, 'reader-offline', a, '');
        }
        // A bridge silent on an open port may be a stale pseudo-terminal or a wedged adapter: start afresh.
        if (change === 'offline') this.channel.reopen('bridge went silent');
      },
      failsafe: (relay, released, silentMs) => {
        const door = config.relays.find((r) => r.relay === relay)?.door ?? null;
        host.readerChanged(this, addresses, 'bridge-failsafe', { relay, door, released, silentMs });
        host.alarm(
          this,
          true,
          'bridge-failsafe',
          null,
          `the bridge ${released ? 'released' : 'locked'} the door (relay ${relay}) after ${Math.round(silentMs / 1000)} s without the gateway`,
          released ? 'high' : 'medium',
          door,
        );
      },
      bridgeError: (code, detail) => host.readerChanged(this, addresses, 'bridge-error', { code, detail }),
      rejected: (reason, raw) => host.rejected(this, reason, raw),
    });
  }

  protected received(chunk: Uint8Array, nowMs: number): void {
    this.link.receive(chunk, nowMs);
  }

  protected lineLost(): void {
    this.link.lost();
  }

  tick(nowMs: number): void {
    if (this.channel.current === 'open') this.link.tick(nowMs);
  }

  feedback(address: number, kind: Feedback): void {
    const f = BRIDGE_FEEDBACK[kind];
    const now = this.host.monotonic();
    this.link.send({ type: 'led', reader: address, colour: f.colour, ms: f.ms }, now);
    this.link.send({ type: 'buzzer', reader: address, count: f.count, onMs: f.onMs, offMs: f.offMs }, now);
  }

  pulse(relay: SerialPortConfig['relays'][number], ms: number): void {
    this.link.send({ type: 'relay', relay: relay.relay, ms: Math.min(ms, 65_535) }, this.host.monotonic());
  }

  status(): PortStatus {
    const c = this.link.status.counters;
    return this.portStatus({
      framesIn: c.framesIn,
      framesOut: c.framesOut,
      skippedBytes: c.skippedBytes,
      badFrames: c.badFrames,
    });
  }

  readerStates(): PortReaderState[] {
    const s = this.link.status;
    return this.config.readers.map((r) => ({
      address: r.address,
      online: s.online,
      secureChannel: 'none',
      model: s.firmware ? 'Gatehouse Wiegand bridge' : null,
      firmware: s.firmware,
      serial: null,
      tamper: null,
      power: null,
      lastSeenMs: s.lastSeenMs,
      lastError: this.channel.lastError,
      counters: { ...s.counters },
    }));
  }
}
