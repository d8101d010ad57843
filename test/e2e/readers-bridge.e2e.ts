import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from '../../libs/bridge-protocol/src';
import { BridgeHarness, buildBridgeFirmware } from '../../libs/testing/src';
import { bootstrapAdmin, type Client, operatorClient } from '../support/client';
import { removeDir, startGatewayWithSite, type RunningGateway } from '../support/gateway';
import { waitFor } from '../support/wait';

interface Status {
  ports: { id: string; state: string; opens: number; counters: Record<string, number> }[];
  readers: {
    id: string;
    online: boolean;
    firmware: string | null;
    lastSeen: string | null;
    counters: Record<string, number>;
  }[];
}

/**
 * The whole Wiegand path with real parts: pulses into the AVR firmware running
 * in simavr -> its UART on a pseudo-terminal -> the gateway's serial port ->
 * the access engine's decision -> relay, LED and buzzer commands back -> the
 * harness sees the pins move.
 */
describe('Wiegand readers through the firmware bridge in simavr', () => {
  let gw: RunningGateway;
  let dir: string;
  let link: string;
  let bridge: BridgeHarness;
  let admin: Client;
  let fm: Client;
  const status = async () => (await fm.get<Status>('/api/v1/readers')).body;
  const bridgeOnline = (opens = 1) =>
    waitFor(
      'the bridge online',
      async () => {
        const s = await status();
        return s.readers[0]!.online && s.ports[0]!.opens >= opens ? s : undefined;
      },
      15_000,
    );

  beforeAll(async () => {
    const built = buildBridgeFirmware();
    if (!built.ok) throw new Error(`cannot build the firmware (gcc-avr, libsimavr-dev): ${built.why}`);
    dir = mkdtempSync(join(tmpdir(), 'gh-bridge-'));
    link = join(dir, 'ttyBRIDGE0');
    bridge = await new BridgeHarness(link).start();
    gw = await startGatewayWithSite(dir, [
      'demo:',
      '  seedSite: true',
      'serial:',
      '  - id: bridge-1',
      `    path: ${link}`,
      '    protocol: bridge',
      '    readers: [{ id: front-in, address: 0, format: H10301 }, { id: front-out, address: 1 }]',
      '    relays: [{ relay: 0, door: front-door }]',
      '    inputs:',
      '      - { input: 0, sensor: front-contact, door: front-door, role: contact }',
      '      - { input: 1, sensor: front-rex, door: front-door, role: rex }',
    ]);
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
  }, 120_000);

  afterAll(async () => {
    await bridge?.stop();
    await gw?.stop();
    if (gw) removeDir(gw.dataDir);
    if (dir) removeDir(dir);
  });

  it('comes online with the firmware version the bridge announced', async () => {
    const s = await bridgeOnline();
    expect(s.ports[0]).toMatchObject({ state: 'open' });
    expect(s.readers.map((r) => [r.id, r.online, r.firmware])).toEqual([
      ['front-in', true, '1.0.0'],
      ['front-out', true, '1.0.0'],
    ]);
  });

  it('grants a known card: green LED, a beep, and the relay pulsed for the door unlock time', async () => {
    await bridgeOnline();
    const from = bridge.pins.length;
    bridge.wiegand(0, encode('H10301', 21, 10100)); // a seeded IT cardholder, at any hour
    const green = await bridge.waitPin('D4', 1, from);
    const on = await bridge.waitPin('B0', 1, from);
    await bridge.waitPin('B2', 1, from); // one short beep
    const off = await bridge.waitPin('B0', 0, from, 10_000);
    expect(off.simMs - on.simMs).toBeGreaterThan(4900); // the door's unlockMs: 5000, timed by the AVR
    expect(off.simMs - on.simMs).toBeLessThan(5100);
    expect(green.simMs).toBeLessThan(on.simMs + 50);
    expect(bridge.pins.slice(from).some((p) => p.pin === 'D5' && p.level === 1)).toBe(false);
  }, 20_000);

  it('denies an unknown card: red LED and three beeps, no relay', async () => {
    const from = bridge.pins.length;
    bridge.wiegand(0, encode('H10301', 21, 9999));
    await bridge.waitPin('D5', 1, from);
    await waitFor(
      'three beeps',
      async () =>
        bridge.pins.slice(from).filter((p) => p.pin === 'B2' && p.level === 1).length >= 3 ? true : undefined,
      5000,
    );
    expect(bridge.pins.slice(from).some((p) => p.pin === 'B0')).toBe(false);
  });

  it('reports the door contact and exit button as the door board sees them', async () => {
    bridge.pin('C3', 0); // exit button pressed
    bridge.pin('C2', 1); // door opens
    const board = await waitFor('the door board to show the front door open', async () => {
      const b = await fm.get<{ items: { doorId: string; open: boolean | null; phase: string }[] }>(
        '/api/v1/doors/board',
      );
      const door = b.body.items.find((d) => d.doorId === 'front-door');
      return door?.open ? door : undefined;
    });
    expect(board.phase).not.toBe('forced'); // the exit button came first
    bridge.pin('C3', 1);
    bridge.pin('C2', 0);
  });

  it('skips line noise and a torn frame, counts them, and still reads the next card', async () => {
    const before = (await status()).ports[0]!.counters;
    bridge.raw('00ff7e05ee1234567e7e'); // garbage, a start byte, a bad length, a torn frame
    bridge.raw('7e0802');
    const from = bridge.pins.length;
    bridge.wiegand(0, encode('H10301', 21, 10100));
    await bridge.waitPin('D4', 1, from);
    const after = (await status()).ports[0]!.counters;
    expect(after.skippedBytes + after.badFrames).toBeGreaterThan(before.skippedBytes + before.badFrames);
  }, 15_000);

  it('notices a bridge reboot and keeps working after it', async () => {
    await new Promise((r) => setTimeout(r, 1200)); // an uptime to go back from
    bridge.reset();
    await waitFor(
      'the reboot to be noticed',
      async () => ((await status()).readers[0]!.counters.reboots! >= 1 ? true : undefined),
      8000,
    );
    const from = bridge.pins.length;
    bridge.wiegand(0, encode('H10301', 21, 10108));
    await bridge.waitPin('B0', 1, from);
  }, 20_000);

  it('survives the port vanishing mid-frame, raises reader-offline, and reconnects when it is back', async () => {
    bridge.raw('7e0a0100'); // half a frame, then the cable is gone
    await bridge.stop('kill');
    await waitFor(
      'the port closed and the reader offline',
      async () => {
        const s = await status();
        return s.ports[0]!.state !== 'open' && !s.readers[0]!.online ? s : undefined;
      },
      10_000,
    );
    await waitFor('a reader-offline alarm', async () =>
      (await admin.get<{ items: { type: string }[] }>('/api/v1/alarms')).body.items.some(
        (a) => a.type === 'reader-offline',
      )
        ? true
        : undefined,
    );

    bridge = await new BridgeHarness(link).start();
    await bridgeOnline(2);
    const from = bridge.pins.length;
    bridge.wiegand(0, encode('H10301', 21, 10100));
    await bridge.waitPin('B0', 1, from);
  }, 60_000);

  it('interprets pasted bits or hex for a facility manager, and refuses what is not bits', async () => {
    type Result = {
      bitCount: number;
      hex: string;
      interpretations: { format: string; number: string; parityOk: boolean }[];
    };
    const bits = await fm.post<Result>('/api/v1/readers/card-formats/interpret', {
      bits: '10000110010000111000001111',
    });
    expect(bits.status).toBe(200);
    expect(bits.body.interpretations).toEqual([
      { format: 'H10301', facility: 12, card: 34567, number: '12:34567', parityOk: true },
      { format: 'raw', facility: null, card: 0, number: '26:864383c0', parityOk: true },
    ]);
    const hex = await fm.post<Result>('/api/v1/readers/card-formats/interpret', {
      hex: '0x86 43 83 c0',
      bitCount: 26,
    });
    expect(hex.body.interpretations).toEqual(bits.body.interpretations);
    for (const bad of [
      { bits: '102' },
      { bits: '1'.repeat(257) },
      { hex: 'zz', bitCount: 8 },
      { hex: 'ff', bitCount: 9 },
      { bits: '1', colour: 'red' },
      {},
    ]) {
      const r = await fm.post<{ error: { code: string } }>('/api/v1/readers/card-formats/interpret', bad);
      expect([r.status, r.body.error.code]).toEqual([400, 'request.invalid']);
    }
    const guard = await operatorClient(admin, gw.url, 'gil', ['guard']);
    expect((await guard.post('/api/v1/readers/card-formats/interpret', { bits: '1' })).status).toBe(403);
  });

  it('lets a facility manager download the port capture, and journals who did', async () => {
    const capture = await fm.get('/api/v1/readers/ports/bridge-1/capture');
    expect(capture.status).toBe(200);
    expect(capture.headers.get('content-disposition')).toMatch(
      /attachment; filename="gatehouse-capture-bridge-1-/,
    );
    expect(capture.text).toMatch(/ rx {4}7e/);
    expect(capture.text).toMatch(/ tx {4}7e/);
    expect((await fm.get('/api/v1/readers/ports/nope/capture')).status).toBe(404);
    const guard = await operatorClient(admin, gw.url, 'gus', ['guard']);
    expect((await guard.get('/api/v1/readers/ports/bridge-1/capture')).status).toBe(403);
    expect((await guard.get('/api/v1/readers')).status).toBe(200);
    const journal = await fm.get<{ items: { type: string; actor: { name?: string } | null }[] }>(
      '/api/v1/journal?type=reader.*&limit=200',
    );
    const types = new Set(journal.body.items.map((e) => e.type));
    for (const t of [
      'reader.port-opened',
      'reader.port-closed',
      'reader.bridge-hello',
      'reader.bridge-offline',
      'reader.bridge-rebooted',
    ])
      expect(types).toContain(t);
    const download = journal.body.items.find((e) => e.type === 'reader.capture-downloaded');
    expect(JSON.stringify(download?.actor)).toContain('fran');
  }, 20_000);
});
