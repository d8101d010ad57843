import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from '../../libs/bridge-protocol/src';
import { recoverKeysFromCapture, SimulatedOsdpBus } from '../../libs/testing/src';
import { launchChromium } from '../support/browser';
import { bootstrapAdmin, type Client, operatorClient, PERMANENT_PASSWORD } from '../support/client';
import { removeDir, startGatewayWithSite, type RunningGateway } from '../support/gateway';
import { waitFor } from '../support/wait';

interface ReaderRow {
  id: string;
  online: boolean;
  secureChannel: string;
  firmware: string | null;
  serial: string | null;
  tamper: boolean | null;
  lastError: string | null;
  counters: Record<string, number>;
}

const FRONT_KEY = '8f1a2b3c4d5e6f708192a3b4c5d6e7f8';
const FLOOR_KEY = '0102030405060708090a0b0c0d0e0f10';
const key = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

/**
 * OSDP readers in secure channel on a real pseudo-terminal (socat), the gateway
 * as the control panel in its own process, decisions by the real access engine.
 */
describe('OSDP readers in secure channel', () => {
  let gw: RunningGateway;
  let dir: string;
  let bus: SimulatedOsdpBus;
  let admin: Client;
  let fm: Client;
  let managedKey = '';
  const readers = async () => (await fm.get<{ readers: ReaderRow[] }>('/api/v1/readers')).body.readers;
  const reader = async (id: string) => (await readers()).find((r) => r.id === id)!;
  const until = (what: string, ok: (r: ReaderRow) => boolean, id: string, ms = 10_000) =>
    waitFor(
      what,
      async () => {
        const r = await reader(id);
        return ok(r) ? r : undefined;
      },
      ms,
    );

  const alarmOf = (type: string, readerId?: string) =>
    waitFor(`a ${type} alarm`, async () => {
      const items = (
        await admin.get<{ items: { type: string; readerId: string | null }[] }>('/api/v1/alarms')
      ).body.items;
      return items.some((a) => a.type === type && (readerId === undefined || a.readerId === readerId))
        ? true
        : undefined;
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-osdp-'));
    bus = await new SimulatedOsdpBus(join(dir, 'ttyCP'), join(dir, 'ttyPD'), [
      { address: 1, scbk: key(FRONT_KEY), serial: 1001 },
      { address: 2, scbk: null, serial: 1002 }, // fresh from the box: install mode
      { address: 3, scbk: key(FLOOR_KEY), serial: 1003 }, // holds a key the gateway does not know
      { address: 4, scbk: key(FRONT_KEY), serial: 1004 },
    ]).start();
    // Labels its secure replies 02 15 / 02 17 with a valid MAC, as libosdp's PD did before its issue 7.
    bus.pd(4).faults.mislabelReplies = true;
    writeFileSync(join(dir, 'front.key'), FRONT_KEY);
    gw = await startGatewayWithSite(
      dir,
      [
        'demo:',
        '  seedSite: true',
        'serial:',
        '  - id: osdp-1',
        `    path: ${join(dir, 'ttyCP')}`,
        '    protocol: osdp',
        '    pollIntervalMs: 50',
        '    readers:',
        `      - { id: front-in, address: 1, scbk: { file: ${join(dir, 'front.key')} } }`,
        '      - { id: floor-in, address: 2, installMode: true }', // no key given: the gateway makes one
        `      - { id: server-in, address: 3, scbk: { file: ${join(dir, 'front.key')} } }`,
        `      - { id: lobby-in, address: 4, scbk: { file: ${join(dir, 'front.key')} } }`,
        // The second relay names a door the site does not have: warned about, and shown by /health/ready.
        '    relays: [{ relay: 0, address: 1, door: front-door }, { relay: 1, address: 1, door: no-such-door }]',
        '    inputs: [{ input: 0, address: 1, sensor: front-contact, door: front-door, role: contact }]',
        // Info: readers going online are logged at that level.
      ],
      { env: { GATEHOUSE_LOG_LEVEL: 'info' }, timeoutMs: 45_000 },
    );
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
  }, 60_000);

  afterAll(async () => {
    await gw?.stop();
    await bus?.stop();
    if (gw) removeDir(gw.dataDir);
    if (dir) removeDir(dir);
  });

  it('brings readers online in secure channel, installing the key of a reader fresh from the box', async () => {
    const front = await until(
      'front-in secure',
      (r) => r.online && r.secureChannel === 'established',
      'front-in',
    );
    expect(front).toMatchObject({ firmware: '2.1.0', serial: '1001' });
    await until(
      'floor-in secure with its new key',
      (r) => r.online && r.secureChannel === 'established',
      'floor-in',
    );
    expect(bus.pd(2).secure).toBe(true);
    // The key the gateway made and installed is its own: random, and kept sealed in the database.
    managedKey = Buffer.from(bus.pd(2).scbk!).toString('hex');
    expect(managedKey).toMatch(/^[0-9a-f]{32}$/);
    expect([FRONT_KEY, FLOOR_KEY, '303132333435363738393a3b3c3d3e3f']).not.toContain(managedKey);
    const db = new Database(join(gw.dataDir, 'gatehouse.db'), { readonly: true });
    try {
      const row = db
        .prepare('SELECT sealed, installed FROM reader_keys WHERE reader_id = ?')
        .get('floor-in') as {
        sealed: string;
        installed: number;
      };
      expect(row.installed).toBe(1);
      expect(row.sealed).toMatch(/^v1\./);
      expect(row.sealed.toLowerCase()).not.toContain(managedKey);
    } finally {
      db.close();
    }
  });

  it('keeps the installed key out of the capture download: nothing in it decrypts to a key', async () => {
    const res = await fm.get('/api/v1/readers/ports/osdp-1/capture');
    expect(res.status).toBe(200);
    // The install is in the capture: CHLNG to floor-in with SCBK-D (03 11 00), header kept, data withheld.
    expect(res.text).toMatch(/tx\s+5302..000.031100(76)(xx){10}/);
    expect(recoverKeysFromCapture(res.text)).toEqual([]);
    expect(res.text.toLowerCase()).not.toContain(managedKey);
    expect(res.text.toLowerCase()).not.toContain(FRONT_KEY);
  });

  it('works with a reader that labels its secure replies with a command type, counting the mislabels', async () => {
    const lobby = await until(
      'lobby-in secure',
      (r) => r.online && r.secureChannel === 'established' && (r.counters.mislabelled ?? 0) > 0,
      'lobby-in',
    );
    expect(lobby.counters).toMatchObject({ badMacs: 0, sessions: 1 });
    const online = await admin.get<{ items: unknown[] }>(
      '/api/v1/journal?type=reader.online&reader=lobby-in',
    );
    expect(online.body.items.length).toBeLessThanOrEqual(1);
    const offline = await admin.get<{ items: unknown[] }>(
      '/api/v1/journal?type=reader.offline&reader=lobby-in',
    );
    expect(offline.body.items).toHaveLength(0);
  });

  it('says in /health/ready which readers are online, and names relays bound to doors the site lacks', async () => {
    await until('server-in refused', (x) => x.secureChannel === 'failed', 'server-in');
    const ready = await admin.get<{
      components: {
        readers: { status: string; readers: { id: string; online: boolean }[]; unknownDoors: string[] };
      };
    }>('/health/ready');
    const readers = ready.body.components.readers;
    expect(readers.status).toBe('degraded');
    expect(readers.readers.find((r) => r.id === 'front-in')).toMatchObject({ online: true });
    expect(readers.readers.find((r) => r.id === 'server-in')).toMatchObject({ online: false });
    expect(readers.unknownDoors).toEqual(['serial osdp-1 relay 1 (reader address 1) -> door no-such-door']);
    expect(gw.output()).toMatch(/name doors the site does not have/);
  });

  it('logs readers going online and a failed secure channel, without keys', async () => {
    await waitFor('the log lines', async () =>
      /reader online.*front-in|front-in.*reader online/.test(gw.output()) &&
      /server-in.*reader secure-channel-failed|reader secure-channel-failed.*server-in/.test(gw.output())
        ? true
        : undefined,
    );
    expect(gw.output().toLowerCase()).not.toContain(FRONT_KEY);
  });

  it('never talks plain text to a reader whose key does not match, and raises an alarm', async () => {
    const r = await until('server-in refused', (x) => x.secureChannel === 'failed', 'server-in');
    expect(r.online).toBe(false);
    expect(r.lastError).toMatch(/cryptogram/);
    await alarmOf('reader-secure-channel', 'server-in');
  });

  it('grants a card through the secure channel: green LED, beep, and the output pulsed for the unlock time', async () => {
    const pd = bus.pd(1);
    pd.outputs.outputs.length = 0;
    pd.presentCard(encode('H10301', 21, 10100));
    await waitFor('the output pulse', async () => (pd.outputs.outputs.length > 0 ? true : undefined));
    expect(pd.outputs.outputs[0]).toEqual({ output: 0, controlCode: 5, timer: 50 }); // 5 s in 100 ms
    expect(pd.outputs.led).toMatchObject({ colour: 2 });
    expect(pd.outputs.buzzer).toMatchObject({ count: 1 });
  });

  it('cuts the output at once when a lockdown starts just after a grant, and the door no longer reads unlocked', async () => {
    const guard = await operatorClient(admin, gw.url, 'gwen', ['guard']);
    const pd = bus.pd(1);
    pd.outputs.outputs.length = 0;
    pd.presentCard(encode('H10301', 21, 10100));
    await waitFor('the output pulse', async () => (pd.outputs.outputs.length > 0 ? true : undefined));
    const started = await guard.post('/api/v1/access/lockdown', {
      kind: 'lockdown',
      doors: 'all',
      reason: 'drill',
    });
    try {
      expect(started.status).toBeLessThan(300);
      // Control code 1: off now, aborting the 5 s timed output the grant started.
      await waitFor('the output cut', async () => (pd.outputs.outputs.length > 1 ? true : undefined));
      expect(pd.outputs.outputs[1]).toEqual({ output: 0, controlCode: 1, timer: 0 });
      const board = await guard.get<{ items: { doorId: string; phase: string }[] }>('/api/v1/doors/board');
      expect(board.body.items.find((d) => d.doorId === 'front-door')?.phase).not.toBe('unlocked');
    } finally {
      await guard.post('/api/v1/access/lockdown/release', { reason: 'drill over' });
    }
  });

  it('denies an unknown card: red LED, three beeps, no output', async () => {
    const pd = bus.pd(1);
    pd.outputs.outputs.length = 0;
    pd.presentCard(encode('H10301', 21, 4242));
    // LED and buzzer are two commands, one transaction each: wait for both.
    await waitFor('the red LED and three beeps', async () =>
      pd.outputs.led?.colour === 1 && pd.outputs.buzzer?.count === 3 ? true : undefined,
    );
    expect(pd.outputs.outputs).toHaveLength(0);
  });

  it("reports the reader's door contact input to the door board", async () => {
    const board = async () =>
      (
        await fm.get<{ items: { doorId: string; open: boolean | null }[] }>('/api/v1/doors/board')
      ).body.items.find((d) => d.doorId === 'front-door');
    await waitFor('the contact known closed', async () =>
      (await board())?.open === false ? true : undefined,
    );
    bus.pd(1).setInput(0, true);
    await waitFor('the front door open', async () => ((await board())?.open ? true : undefined));
    bus.pd(1).setInput(0, false);
    await waitFor('the front door closed', async () => ((await board())?.open === false ? true : undefined));
  });

  it('raises and clears a tamper alarm, and no power alarm for a healthy reader (LSTATR power 0)', async () => {
    const power = await admin.get<{ items: { type: string }[] }>('/api/v1/alarms');
    expect(power.body.items.filter((a) => a.type === 'reader-power')).toEqual([]);
    expect((await reader('front-in')).tamper).toBe(false);
    bus.pd(1).setTamper(true);
    await until('tamper', (r) => r.tamper === true, 'front-in');
    await alarmOf('reader-tamper', 'front-in');
    bus.pd(1).setTamper(false);
    await until('tamper cleared', (r) => r.tamper === false, 'front-in');
  });

  it('re-establishes a session the reader dropped, and survives a reader that goes silent', async () => {
    const before = (await reader('front-in')).counters.sessions!;
    bus.pd(1).dropSession();
    await until(
      'a new session',
      (r) => r.counters.sessions! > before && r.secureChannel === 'established',
      'front-in',
    );

    bus.pd(2).faults.silent = true;
    await until('floor-in offline', (r) => !r.online, 'floor-in');
    expect((await reader('front-in')).online).toBe(true); // the rest of the bus carries on
    bus.pd(2).faults.silent = false;
    await until('floor-in back', (r) => r.online && r.secureChannel === 'established', 'floor-in', 15_000);
  }, 30_000);

  it('marks every reader offline when the bus vanishes, and brings them back when it returns', async () => {
    const pulledAt = new Date().toISOString();
    await bus.stop(); // the USB adapter pulled out
    await until('front-in offline', (r) => !r.online, 'front-in');
    await alarmOf('reader-offline', 'front-in');
    await alarmOf('reader-offline', 'floor-in');
    // Each reopen fails while it is away (the capture shows every try): the journal has the change once.
    await waitFor(
      'three failed reopens',
      async () => {
        const capture = (await fm.get('/api/v1/readers/ports/osdp-1/capture')).text;
        const closes = capture
          .split('\n')
          .filter((l) => l.slice(0, 24) >= pulledAt && / event +closed/.test(l));
        return closes.length >= 4 ? true : undefined;
      },
      20_000,
    );
    const closed = await admin.get<{ items: { type: string }[] }>(
      `/api/v1/journal?type=reader.port-closed,reader.port-opened&from=${pulledAt}`,
    );
    expect(closed.body.items.map((e) => e.type)).toEqual(['reader.port-closed']);
    // Plugged back in: the readers keep the keys they hold (front-in its own, floor-in the one installed).
    bus = await new SimulatedOsdpBus(join(dir, 'ttyCP'), join(dir, 'ttyPD'), [
      { address: 1, scbk: key(FRONT_KEY), serial: 1001 },
      { address: 2, scbk: key(managedKey), serial: 1002 },
      { address: 3, scbk: key(FLOOR_KEY), serial: 1003 },
    ]).start();
    await until('front-in back', (r) => r.online && r.secureChannel === 'established', 'front-in', 40_000);
    await until('floor-in back', (r) => r.online && r.secureChannel === 'established', 'floor-in', 10_000);
  }, 60_000);

  it('lets an admin reinstall a key when a reader with a gateway-made key is replaced', async () => {
    // floor-in swapped for a reader fresh from the box: it refuses the key the gateway holds.
    await bus.stop();
    bus = await new SimulatedOsdpBus(join(dir, 'ttyCP'), join(dir, 'ttyPD'), [
      { address: 1, scbk: key(FRONT_KEY), serial: 1001 },
      { address: 2, scbk: null, serial: 2002 },
      { address: 3, scbk: key(FLOOR_KEY), serial: 1003 },
    ]).start();
    await until('the replacement refused', (r) => r.secureChannel === 'failed', 'floor-in', 20_000);
    const reason = { reason: 'floor-in reader replaced (ticket 4711)' };
    expect((await fm.post('/api/v1/readers/floor-in/reinstall-key', reason)).status).toBe(403);
    expect((await admin.post('/api/v1/readers/front-in/reinstall-key', reason)).status).toBe(409);
    expect((await admin.post('/api/v1/readers/nope/reinstall-key', reason)).status).toBe(404);
    expect((await admin.post('/api/v1/readers/floor-in/reinstall-key', {})).status).toBe(400);
    const done = await admin.post('/api/v1/readers/floor-in/reinstall-key', reason);
    expect([done.status, done.body]).toEqual([202, { readerId: 'floor-in', state: 'reinstalling' }]);
    await until(
      'floor-in back with a new key',
      (r) => r.online && r.secureChannel === 'established',
      'floor-in',
      15_000,
    );
    const renewed = Buffer.from(bus.pd(2).scbk!).toString('hex');
    expect(renewed).not.toBe(managedKey);
    expect(renewed).toMatch(/^[0-9a-f]{32}$/);
    const journal = await admin.get<{
      items: { type: string; actor: unknown; payload: { reason?: string } }[];
    }>('/api/v1/journal?type=reader.key-reinstall');
    expect(journal.body.items[0]).toMatchObject({ payload: { reason: reason.reason } });
    managedKey = renewed;
  }, 60_000);

  it('rotates a gateway-made key inside the secure channel', async () => {
    const reason = { reason: 'yearly key rotation' };
    expect((await admin.post('/api/v1/readers/front-in/rotate-key', reason)).status).toBe(409); // configured key
    const before = (await reader('floor-in')).counters.sessions!;
    const r = await admin.post('/api/v1/readers/floor-in/rotate-key', reason);
    expect([r.status, r.body]).toEqual([202, { readerId: 'floor-in', state: 'rotating' }]);
    await until(
      'a session with the new key',
      (x) => x.counters.sessions! > before && x.secureChannel === 'established',
      'floor-in',
    );
    const rotated = Buffer.from(bus.pd(2).scbk!).toString('hex');
    expect(rotated).not.toBe(managedKey);
    await waitFor('the rotation and the new key on record', async () => {
      const types = (
        await admin.get<{ items: { type: string }[] }>(
          '/api/v1/journal?type=reader.key-rotation,reader.key-set',
        )
      ).body.items.map((e) => e.type);
      return types.includes('reader.key-rotation') && types.includes('reader.key-set') ? true : undefined;
    });
    managedKey = rotated;
  }, 30_000);

  it('shows the readers in the console, and the card format tool interprets pasted bits', async () => {
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${gw.url}/#readers`);
      await page.getByLabel('User name').fill('fran');
      await page.getByLabel('Password').fill(PERMANENT_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const row = page.locator('[data-reader="front-in"]');
      // The secure channel in words (Secure), not its code.
      await row.getByText('Secure', { exact: true }).waitFor();
      expect(await row.textContent()).toMatch(/Online.*fw 2\.1\.0.*s\/n 1001/);
      expect(await page.locator('[data-reader="server-in"]').textContent()).toMatch(/Offline.*FAILED/);
      await page.getByLabel('Bits or hex').fill(encode('H10301', 21, 10100).join(''));
      await page.getByRole('button', { name: 'Interpret' }).click();
      const table = page.getByTestId('interpretations');
      await table.waitFor();
      expect(await table.textContent()).toMatch(/H10301211010021:10100ok/);
      expect(await page.getByRole('link', { name: /Download \(\d+ records\)/ }).getAttribute('href')).toBe(
        '/api/v1/readers/ports/osdp-1/capture',
      );
      // An administrator rotates a gateway-made key from the console (the API session carried over).
      const [name, value] = admin.cookie!.split('=') as [string, string];
      const adminContext = await browser.newContext();
      await adminContext.addCookies([{ name, value, url: gw.url }]);
      const adminPage = await adminContext.newPage();
      await adminPage.goto(`${gw.url}/#readers`);
      const before = (await reader('floor-in')).counters.sessions!;
      await adminPage.locator('[data-reader="floor-in"]').getByRole('button', { name: 'Rotate key' }).click();
      const ask = adminPage.getByRole('dialog', { name: /^Rotate the key of .+\?$/ });
      await ask.getByLabel(/Reason/).fill('rotation from the console');
      await ask.getByRole('button', { name: 'Rotate the key' }).click();
      await adminPage.getByText(/^rotate the key: started for /).waitFor();
      await until('a session with the rotated key', (x) => x.counters.sessions! > before, 'floor-in');
      managedKey = Buffer.from(bus.pd(2).scbk!).toString('hex');
      expect(await adminPage.locator('[data-reader="front-in"]').textContent()).toContain(
        'set in the configuration',
      );

      // The guard desk names the reader where an alarm has no door.
      await page.goto(`${gw.url}/#desk`);
      await page.getByText('Reader secure channel').first().waitFor();
      // By its door and direction, as the journal names it ("Front door entry reader").
      expect(await page.locator('tr', { hasText: 'Reader secure channel' }).first().textContent()).toMatch(
        / (entry|exit) reader/,
      );
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('never writes a key to the log or the journal', async () => {
    const journal = await admin.get('/api/v1/journal/export?format=jsonl');
    for (const k of [FRONT_KEY, managedKey]) {
      expect(gw.output()).not.toContain(k);
      expect(journal.text.toLowerCase()).not.toContain(k);
    }
    expect(journal.text).toContain('reader.key-set');
  });
});
