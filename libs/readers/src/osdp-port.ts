import {
  CMD,
  ControlPanel,
  encodeBuzzer,
  encodeLed,
  encodeOutputs,
  LED_COLOUR,
  type PdStatus,
  redactedBytes,
  redactedHex,
} from '@gatehouse/osdp';
import type { Feedback, PortHost, PortReaderState, PortStatus, SerialPortConfig } from './port';
import { KeypadBuffer } from './port';
import { SerialReaderPort } from './serial-port-base';

const TENTHS = (ms: number) => Math.max(1, Math.round(ms / 100));

/** Feedback as an OSDP reader shows it: a temporary LED colour and a beep pattern (times in 100 ms). */
const OSDP_FEEDBACK = {
  grant: { colour: LED_COLOUR.green, ms: 2000, beeps: 1, on: 1, off: 0 },
  deny: { colour: LED_COLOUR.red, ms: 2000, beeps: 3, on: 1, off: 1 },
  pin: { colour: LED_COLOUR.amber, ms: 10_000, beeps: 2, on: 1, off: 1 },
} as const;

const NO_CHANGE = { controlCode: 0, onTime: 0, offTime: 0, onColour: 0, offColour: 0 };

/** A serial bus with OSDP readers: the gateway is the control panel (libs/osdp). */
export class OsdpPort extends SerialReaderPort {
  private readonly cp: ControlPanel;
  private readonly keypad = new KeypadBuffer();
  private readonly inputs = new Map<number, number[]>();

  constructor(config: SerialPortConfig, host: PortHost) {
    super(config, host);
    this.cp = new ControlPanel(
      (bytes) => this.channel.write(bytes),
      config.readers.map((r) => ({
        address: r.address,
        scbk: r.scbk,
        installMode: r.installMode,
        nextKey: r.nextKey ?? null,
      })),
      {
        card: (address, _reader, bits) => host.card(this, address, bits),
        keypad: (address, _reader, keys) => {
          for (const key of keys) {
            const digits = this.keypad.press(address, key, host.monotonic());
            if (digits) host.keypad(this, address, digits);
          }
        },
        inputs: (address, states) => {
          const before = this.inputs.get(address);
          this.inputs.set(address, states);
          states.forEach((state, input) => {
            if (before?.[input] !== state) host.input(this, address, input, state === 1);
          });
        },
        changed: (address, change, s) => this.changed(address, change, s),
        // Dead letters keep raw bytes for the record, but never a handshake's or a key's.
        rejected: (_address, reason, raw) =>
          host.rejected(this, reason, redactedBytes(raw, this.cp.secretsOnLine)),
      },
      { pollIntervalMs: config.pollIntervalMs, baudRate: config.baudRate, markByte: config.markByte },
    );
  }

  /** Each reader's last reported power (by address), so a report says what it was before. */
  private readonly powerSeen = new Map<number, boolean>();

  private changed(address: number, change: string, s: PdStatus): void {
    const h = this.host;
    switch (change) {
      case 'online':
        h.readerChanged(this, [address], 'online', {
          vendor: s.vendor,
          model: s.model,
          firmware: s.firmware,
          serial: s.serial,
          secureChannel: s.secure,
          // Offline/online changes held back while it flapped (the journal and alarms got the first two).
          ...(s.heldChanges > 0 ? { heldChanges: s.heldChanges } : {}),
        });
        return h.alarm(this, false, 'reader-offline', address, '');
      case 'offline':
        h.readerChanged(this, [address], 'offline', { reason: s.lastError, flapping: s.flapping });
        return h.alarm(
          this,
          true,
          'reader-offline',
          address,
          `no reply from the reader: ${s.lastError ?? 'silent'}${
            s.flapping ? ' (flapping: further changes are held until it is stable)' : ''
          }`,
        );
      case 'secure':
        h.readerChanged(this, [address], 'secure-channel', { sessions: s.counters.sessions });
        return h.alarm(this, false, 'reader-secure-channel', address, '');
      case 'secure-failed':
        h.readerChanged(this, [address], 'secure-channel-failed', { reason: s.lastError });
        // A reader that cannot prove the key may have been swapped for another.
        return h.alarm(
          this,
          true,
          'reader-secure-channel',
          address,
          `the secure channel failed: ${s.lastError}`,
        );
      case 'keyset':
        return h.readerChanged(this, [address], 'key-set', {}); // the key itself is never written anywhere
      case 'keyset-failed':
        h.readerChanged(this, [address], 'key-set-failed', { reason: s.lastError });
        return h.alarm(
          this,
          true,
          'reader-key-rotation',
          address,
          `the reader refused its new key: ${s.lastError}`,
          'medium',
        );
      case 'tamper':
        h.readerChanged(this, [address], 'tamper', { tamper: s.tamper });
        return h.alarm(this, s.tamper === true, 'reader-tamper', address, 'the reader reports tampering');
      case 'power': {
        // What it reported before, when it had: the first report is the power as it is, not a
        // restoration (the journal says "restored" only after a fault).
        const was = this.powerSeen.get(address);
        if (s.power !== null) this.powerSeen.set(address, s.power);
        h.readerChanged(this, [address], 'power', { power: s.power, ...(was === undefined ? {} : { was }) });
        return h.alarm(
          this,
          s.power === false,
          'reader-power',
          address,
          'the reader reports a power fault',
          'medium',
        );
      }
    }
  }

  protected override captureText(_direction: 'rx' | 'tx', bytes: Uint8Array): string {
    return redactedHex(bytes, this.cp.secretsOnLine);
  }

  protected received(chunk: Uint8Array, nowMs: number): void {
    this.cp.receive(chunk, nowMs);
  }

  protected lineLost(nowMs: number, detail?: string): void {
    this.cp.reset(nowMs, detail ? `serial port closed (${detail})` : 'serial port closed');
  }

  /** Replaces the reader's key inside a session with the current one. */
  rotate(address: number, key: Uint8Array): boolean {
    return this.cp.rotate(address, key);
  }

  /** A new key for a replaced reader, installed with SCBK-D at the next handshake. */
  reinstall(address: number, key: Uint8Array): void {
    this.cp.reinstall(address, key, this.host.monotonic());
  }

  tick(nowMs: number): void {
    if (this.channel.current === 'open') this.cp.tick(nowMs);
  }

  feedback(address: number, kind: Feedback): void {
    const f = OSDP_FEEDBACK[kind];
    const led = encodeLed([
      {
        reader: 0,
        led: 0,
        temporary: {
          controlCode: 2,
          onTime: 1,
          offTime: 0,
          onColour: f.colour,
          offColour: LED_COLOUR.black,
          timer: TENTHS(f.ms),
        },
        permanent: NO_CHANGE,
      },
    ]);
    this.cp.send(address, CMD.LED, led);
    this.cp.send(
      address,
      CMD.BUZ,
      encodeBuzzer({ reader: 0, tone: 2, on: f.on, off: f.off, count: f.beeps }),
    );
    this.cp.sendQueued(this.host.monotonic());
  }

  pulse(relay: SerialPortConfig['relays'][number], ms: number): void {
    // Control code 5: on now, off when the timer (in 100 ms) runs out; 0 ms is "off now": control
    // code 1, permanent off, aborting a timed output still running (a lockdown relocks at once).
    this.cp.send(
      relay.address,
      CMD.OUT,
      encodeOutputs([
        ms > 0
          ? { output: relay.relay, controlCode: 5, timer: TENTHS(ms) }
          : { output: relay.relay, controlCode: 1, timer: 0 },
      ]),
    );
    this.cp.sendQueued(this.host.monotonic());
  }

  status(): PortStatus {
    return this.portStatus({ ...this.cp.line });
  }

  readerStates(): PortReaderState[] {
    return this.config.readers.map((r) => {
      const s = this.cp.status(r.address)!;
      return {
        address: r.address,
        online: s.online,
        secureChannel: s.secure,
        model: s.vendor === null ? null : `vendor ${s.vendor} model ${s.model}`,
        firmware: s.firmware,
        serial: s.serial === null ? null : String(s.serial),
        tamper: s.tamper,
        power: s.power,
        lastSeenMs: s.lastSeenMs,
        lastError: s.lastError,
        counters: { ...s.counters },
      };
    });
  }
}
