import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { launchChromium, signIn } from '../support/browser';
import { bootstrapAdmin, Client, operatorClient, PERMANENT_PASSWORD } from '../support/client';
import { startPrivateBroker, type PrivateBroker } from '../support/broker';
import { aDoor, aZone } from '@gatehouse/testing';
import { createSite } from '../support/site';
import { waitFor } from '../support/wait';
import { removeDir, startGateway, startGatewayWithSite, type RunningGateway } from '../support/gateway';

/**
 * What door sensors send in the field, through a Mosquitto of the test's own:
 * bad side fields, impossible device times, floods of garbage, and a site with
 * more doors than reporting sensors.
 */
describe('doors in the field (a private Mosquitto)', () => {
  let broker: PrivateBroker;
  let gw: RunningGateway;
  let admin: Client;
  let guard: Client;
  let dir: string;
  let pub: mqtt.MqttClient;
  const EXTRA_DOORS = 5;

  const send = (topic: string, payload: string) =>
    new Promise<void>((r, j) => pub.publish(topic, payload, { qos: 1 }, (e) => (e ? j(e) : r())));
  type BoardDoor = {
    doorId: string;
    name: string;
    phase: string;
    alarms: string[];
    sensors: { sensorId: string; neverHeard: boolean; lastSeen: string | null }[];
  };
  const board = async () => (await guard.get<{ items: BoardDoor[] }>('/api/v1/doors/board')).body.items;
  const phase = async (door: string) => (await board()).find((d) => d.doorId === door)?.phase;
  const refused = async () =>
    (
      await admin.get<{ items: { payload: { origin: string; reason: string; raw: string } }[] }>(
        '/api/v1/journal?type=device.message-refused&limit=200',
      )
    ).body.items.map((e) => e.payload);
  const rpc = (ts: unknown, open: boolean) =>
    JSON.stringify({ method: 'NotifyStatus', params: { ts, 'window:0': { open } } });

  beforeAll(async () => {
    // Mosquitto's default queue (1,000 messages a client) would drop part of the flood before the gateway sees it.
    broker = await startPrivateBroker({ extra: ['max_queued_messages 100000'] });
    dir = mkdtempSync(join(tmpdir(), 'gh-field-'));
    gw = await startGatewayWithSite(dir, [
      'demo:',
      '  seedSite: true',
      'doors:',
      '  sensorGraceSeconds: 0',
      'mqtt:',
      `  url: ${broker.url}`,
      '  clientId: gatehouse-field-test',
      'sensors:',
      '  - { id: field-z, door: front-door, converter: zigbee2mqtt, device: field_z }',
      '  - { id: field-g, door: floor-door, converter: shelly-gen2, device: field_g }',
      '  - { id: field-silent, door: server-door, converter: zigbee2mqtt, device: field_silent }',
      '  - { id: field-noisy, door: front-door, converter: zigbee2mqtt, device: field_noisy }',
    ]);
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    guard = await operatorClient(admin, gw.url, 'gina', ['guard']);
    const fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    await createSite(fm, {
      zones: [aZone({ id: 'annex', name: 'Annex' })],
      doors: Array.from({ length: EXTRA_DOORS }, (_, i) =>
        aDoor({ id: `annex-${i}`, name: `Annex door ${i}`, zoneIn: 'annex', readers: [] }),
      ),
    });
    pub = mqtt.connect(broker.url, { clientId: `field-pub-${process.pid}`, clean: true });
    await new Promise<void>((r) => pub.once('connect', () => r()));
    await waitFor('the broker connection', async () => {
      const h = await admin.get<{ components: { mqtt?: { status: string } } }>('/health/ready');
      return h.body.components.mqtt?.status === 'up' ? true : undefined;
    });
    await send('zigbee2mqtt/field_z', '{"contact":true}');
    await send('field_g/events/rpc', rpc(Date.now() / 1000, false));
    await waitFor('both doors secure', async () =>
      (await phase('front-door')) === 'secure' && (await phase('floor-door')) === 'secure' ? true : undefined,
    );
  });
  afterAll(async () => {
    await new Promise<void>((r) => (pub ? pub.end(false, {}, () => r()) : r()));
    await gw?.stop();
    await broker?.remove();
    if (gw) removeDir(gw.dataDir);
    removeDir(dir);
  });

  it('the board shows every door, sensor or not, and flags a sensor never heard from', async () => {
    const doors = await board();
    expect(doors.map((d) => d.doorId).sort()).toEqual(
      [
        'front-door',
        'floor-door',
        'server-door',
        ...Array.from({ length: EXTRA_DOORS }, (_, i) => `annex-${i}`),
      ].sort(),
    );
    expect(doors.find((d) => d.doorId === 'annex-3')).toMatchObject({
      name: 'Annex door 3',
      phase: 'unknown',
      sensors: [],
    });
    expect(doors.find((d) => d.doorId === 'server-door')!.sensors).toEqual([
      expect.objectContaining({ sensorId: 'field-silent', neverHeard: true, lastSeen: null }),
    ]);
    expect(doors.find((d) => d.doorId === 'front-door')!.sensors).toEqual([
      expect.objectContaining({ sensorId: 'field-z', neverHeard: false }),
      expect.objectContaining({ sensorId: 'field-noisy', neverHeard: true }),
    ]);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await signIn(page, gw.url, 'gina', PERMANENT_PASSWORD);
      await page.getByRole('link', { name: 'Guard desk' }).click();
      await page.getByTestId('door-annex-4').getByText('Annex door 4').waitFor();
      await page.getByTestId('door-server-door').getByText('Contact: Never heard').waitFor();
      expect(await page.getByTestId('door-board').locator('.door-tile').count()).toBe(3 + EXTRA_DOORS);
      expect(await page.getByTestId('door-floor-door').textContent()).not.toContain('Never heard');
    } finally {
      await browser.close();
    }
  });

  it('a bad side field is refused alone: the opening in the same message is seen, the refusal kept', async () => {
    await send('zigbee2mqtt/field_z', '{"contact":false,"battery":101}');
    await waitFor('the forced opening', async () =>
      (await phase('front-door')) === 'forced' ? true : undefined,
    );
    await send('zigbee2mqtt/field_z', '{"contact":true,"tamper":"false"}');
    await waitFor('the door closed', async () =>
      (await phase('front-door')) === 'secure' ? true : undefined,
    );
    const letters = await waitFor('both refusals', async () => {
      const items = (await refused()).filter((l) => l.origin === 'zigbee2mqtt/field_z');
      return items.length >= 2 ? items : undefined;
    });
    expect(letters.map((l) => l.reason).sort()).toEqual([
      'field-z: refused battery is not a percentage (the rest was taken)',
      'field-z: refused tamper is not a boolean (the rest was taken)',
    ]);
    expect(letters.map((l) => Buffer.from(l.raw, 'base64').toString()).sort()).toEqual([
      '{"contact":false,"battery":101}',
      '{"contact":true,"tamper":"false"}',
    ]);
  });

  it('a device time ahead of the clock or past any date is refused, and the door goes on working', async () => {
    await send('field_g/events/rpc', rpc(1e308, true));
    await waitFor('the opening, taken at arrival', async () =>
      (await phase('floor-door')) === 'forced' ? true : undefined,
    );
    await send('field_g/events/rpc', rpc(Date.now() / 1000 + 86_400, false));
    await waitFor('the closing, taken at arrival', async () =>
      (await phase('floor-door')) === 'secure' ? true : undefined,
    );
    // A sane time after those: not "out of order", the door is not frozen.
    await send('field_g/events/rpc', rpc(Date.now() / 1000, true));
    await waitFor('the next opening', async () =>
      (await phase('floor-door')) === 'forced' ? true : undefined,
    );
    await send('field_g/events/rpc', rpc(Date.now() / 1000 + 1, false));
    await waitFor('closed again', async () => ((await phase('floor-door')) === 'secure' ? true : undefined));
    const reasons = (await refused()).filter((l) => l.origin === 'field_g/events/rpc').map((l) => l.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^field-g: refused ts is not a time \(the rest was taken\)$/),
        expect.stringMatching(/^field-g: device time \S+ is outside the sane window/),
      ]),
    );
    expect(reasons.filter((r) => /out of order/.test(r))).toEqual([]);
  });

  it('5,000 bad messages from one sensor cost a handful of journal entries; the rest are counted and summarised', async () => {
    const BAD = 5000;
    await Promise.all(Array.from({ length: BAD }, (_, i) => send('zigbee2mqtt/field_noisy', `garbage ${i}`)));
    await waitFor(
      'every bad message counted',
      async () => {
        // Read as an admin: the component details are not for anonymous callers.
        const h = await admin.get<{ components: { mqtt: { refused: number } } }>('/health/ready');
        return h.body.components.mqtt.refused >= BAD ? true : undefined;
      },
      30_000,
    );
    // The gateway still reads its sensors after the flood.
    await send('zigbee2mqtt/field_z', '{"contact":false}');
    await waitFor('the door still read', async () =>
      (await phase('front-door')) === 'forced' ? true : undefined,
    );
    const kept = (await refused()).filter((l) => l.origin === 'zigbee2mqtt/field_noisy');
    expect(kept).toHaveLength(5);
    expect(kept.map((l) => Buffer.from(l.raw, 'base64').toString()).sort()).toEqual(
      ['garbage 0', 'garbage 1', 'garbage 2', 'garbage 3', 'garbage 4'].sort(),
    );

    // The summary comes when the window ends, or at shutdown: nothing counted goes unreported.
    expect(await gw.stop()).toBe(0);
    const db = new Database(join(gw.dataDir, 'gatehouse.db'), { readonly: true });
    try {
      const letters = (
        db
          .prepare("SELECT entry_json FROM journal_entries WHERE type = 'device.message-refused'")
          .pluck()
          .all() as string[]
      )
        .map(
          (j) =>
            (JSON.parse(j) as { payload: { origin: string; reason: string; suppressed?: number } }).payload,
        )
        .filter((p) => p.origin === 'zigbee2mqtt/field_noisy');
      expect(letters).toHaveLength(6);
      expect(letters[5]).toMatchObject({
        reason: `${BAD - 5} more refused from field-noisy in 60 s beyond the first 5; the last: field-noisy: not JSON`,
        suppressed: BAD - 5,
      });
    } finally {
      db.close();
    }
  });

  it('a door used while the gateway was restarting: every reading journaled as late, one notice, no forced alarm', async () => {
    // The gateway is down (stopped above); the broker holds what the sensor sends for its session.
    expect(gw.process.exitCode).not.toBeNull();
    await send('zigbee2mqtt/field_z', '{"contact":true}');
    await send('zigbee2mqtt/field_z', '{"contact":false}');
    await send('zigbee2mqtt/field_z', '{"contact":true}');
    gw = await startGateway({ dataDir: gw.dataDir, env: { GATEHOUSE_CONFIG: join(dir, 'site.yaml') } });
    // The sessions live in the database: the same sign-ins, at the new address.
    admin = Object.assign(new Client(gw.url), { cookie: admin.cookie, csrf: admin.csrf });
    guard = Object.assign(new Client(gw.url), { cookie: guard.cookie, csrf: guard.csrf });
    type Entry = { seq: number; type: string; payload: { late?: string } };
    const entries = async (query: string) =>
      (await admin.get<{ items: Entry[] }>(`/api/v1/journal?${query}&limit=200`)).body.items;
    const late = await waitFor('the three late readings', async () => {
      const items = (await entries('type=sensor.reading&device=field-z')).filter((e) => e.payload.late);
      return items.length >= 3 ? items : undefined;
    });
    expect(new Set(late.map((e) => e.payload.late)).size).toBe(1);
    await waitFor('the door closed', async () =>
      (await phase('front-door')) === 'secure' ? true : undefined,
    );
    const restarted = Math.max(...(await entries('type=journal.restarted')).map((e) => e.seq));
    expect((await entries('type=door.forced&door=front-door')).filter((e) => e.seq > restarted)).toEqual([]);
    const notices = (
      await guard.get<{ items: { type: string; doorId: string; count: number }[] }>('/api/v1/alarms')
    ).body.items.filter((a) => a.type === 'used-while-away');
    expect(notices).toEqual([expect.objectContaining({ doorId: 'front-door', count: 1 })]);
  });
});
