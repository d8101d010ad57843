import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import {
  commandFrame,
  encodeFrame,
  FrameReader,
  type BridgeMessage,
  type GatewayCommand,
  readBridgeMessage,
} from '../../libs/bridge-protocol/src';
import { BridgeHarness, buildBridgeFirmware } from '../../libs/testing/src';
import { waitFor } from '../support/wait';

/**
 * The real AVR build in simavr, spoken to directly over its pseudo-terminal
 * with the TypeScript codec, no gateway: what the firmware does on its own.
 */
describe('bridge firmware in simavr', () => {
  let dir: string;
  let bridge: BridgeHarness;
  let port: SerialPort;
  const heard: BridgeMessage[] = [];
  // The bridge re-sends an event whose ACK it has not yet seen with the same
  // sequence number (PROTOCOL.md); on a loaded machine our ACK can be late.
  // Like the gateway's BridgeLink, a retry is not a second event.
  // Retries come 200 ms apart in the simulated AVR's time, three at most, and
  // simavr runs slower than real time on a loaded machine, so a retry is told
  // by its sequence number alone, not by wall-clock time (CI once heard a
  // retry of "closed" over 2 s late and counted it twice). Sequence numbers
  // wrap at 256: only one of the last few events' numbers is a retry.
  const recentEventSeqs: number[] = [];
  let seq = 0;
  const send = (c: GatewayCommand) => port.write(Buffer.from(encodeFrame(commandFrame(c, seq++))));
  const next = (what: string, ok: (m: BridgeMessage) => boolean, from: number, ms = 5000) =>
    waitFor(what, async () => heard.slice(from).find(ok), ms);

  beforeAll(async () => {
    const built = buildBridgeFirmware();
    if (!built.ok) throw new Error(`cannot build the firmware: ${built.why}`);
    dir = mkdtempSync(join(tmpdir(), 'gh-fw-'));
    bridge = await new BridgeHarness(join(dir, 'tty')).start();
    port = new SerialPort({ path: join(dir, 'tty'), baudRate: 115_200, autoOpen: false });
    port.on('error', () => undefined);
    const reader = new FrameReader();
    port.on('data', (chunk: Buffer) => {
      for (const f of reader.push(chunk)) {
        const m = readBridgeMessage(f);
        if ('invalid' in m) continue;
        const isEvent = m.type === 'card' || m.type === 'keypad' || m.type === 'input';
        // Acknowledge events as the gateway does, so they are not re-sent.
        if (isEvent) send({ type: 'ack', seq: f.seq });
        if (isEvent && recentEventSeqs.includes(f.seq)) continue;
        if (isEvent) recentEventSeqs.splice(0, recentEventSeqs.push(f.seq) - 16);
        heard.push(m);
      }
    });
    await new Promise<void>((r, j) => port.open((e) => (e ? j(e) : r())));
    send({ type: 'ping' });
    await next('HELLO', (m) => m.type === 'hello', 0);
    // At boot the bridge reports each input's settled level (20 ms in) and
    // re-sends each report twice, 200 ms apart, until it is acknowledged.
    // Opening the port flushes what came before, so a boot report's retry can
    // arrive after HELLO, in the middle of the first test (CI once heard door
    // A "closed" twice that way). A heartbeat one second in comes after every
    // boot retry: the tests start from there.
    await next(
      'a heartbeat after the boot reports',
      (m) => m.type === 'heartbeat' && m.uptimeS >= 1,
      0,
      10_000,
    );
  }, 120_000);

  afterAll(async () => {
    if (port?.isOpen) await new Promise((r) => port.close(r));
    await bridge?.stop();
  });

  it('reports a door contact once it has settled, not its bounce', async () => {
    const from = heard.length;
    for (let i = 0; i < 5; i++) {
      bridge.pin('C2', 1);
      bridge.pin('C2', 0);
    }
    bridge.pin('C2', 1);
    const open = await next('door A open', (m) => m.type === 'input' && m.input === 0 && m.active, from);
    expect(open).toEqual({ type: 'input', input: 0, active: true });
    bridge.pin('C2', 0);
    await next('door A closed', (m) => m.type === 'input' && m.input === 0 && !m.active, from);
    expect(heard.slice(from).filter((m) => m.type === 'input' && m.input === 0)).toHaveLength(2);
  });

  it('sends a 4-bit Wiegand frame as a keypad key and refuses an over-long frame', async () => {
    const from = heard.length;
    bridge.wiegand(1, '0111');
    expect(await next('key 7', (m) => m.type === 'keypad', from)).toEqual({
      type: 'keypad',
      reader: 1,
      key: '7',
    });
    bridge.wiegand(0, '1'.repeat(70));
    expect(await next('error 4', (m) => m.type === 'error', from)).toEqual({
      type: 'error',
      code: 4,
      detail: 0,
    });
  });

  it('counts garbage from the gateway in its heartbeat and keeps obeying', async () => {
    const from = heard.length;
    port.write(Buffer.from('7e05ffff00000000deadbeef7e3f', 'hex'));
    const mark = bridge.pins.length;
    send({ type: 'relay', relay: 1, ms: 300 });
    const on = await bridge.waitPin('B1', 1, mark);
    const off = await bridge.waitPin('B1', 0, bridge.pins.indexOf(on) + 1);
    expect(off.simMs - on.simMs).toBeGreaterThan(295);
    expect(off.simMs - on.simMs).toBeLessThan(305);
    const hb = (await next(
      'a heartbeat counting bad frames',
      (m) => m.type === 'heartbeat' && m.badFrames > 0,
      from,
      3000,
    )) as {
      badFrames: number;
    };
    expect(hb.badFrames).toBeGreaterThan(0);
  });

  it('locks the relays when the gateway goes silent (fail-secure) and says so when it is back', async () => {
    const mark = bridge.pins.length;
    send({ type: 'relay', relay: 0, ms: 60_000 });
    const on = await bridge.waitPin('B0', 1, mark);
    // Silence for longer than the 5 s watchdog announced in HELLO.
    const off = await bridge.waitPin('B0', 0, bridge.pins.indexOf(on) + 1, 9000);
    expect(off.simMs - on.simMs).toBeGreaterThan(4900);
    expect(off.simMs - on.simMs).toBeLessThan(5200);
    const from = heard.length;
    send({ type: 'ping' });
    const failsafe = await next('FAILSAFE', (m) => m.type === 'failsafe' && m.relay === 0, from);
    expect(failsafe).toMatchObject({ type: 'failsafe', relay: 0, released: false });
    expect((failsafe as { silentMs: number }).silentMs).toBeGreaterThan(4900);
  }, 20_000);
});
