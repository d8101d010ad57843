import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { bootstrapAdmin, Client, operatorClient } from '../support/client';
import { startPrivateBroker, type PrivateBroker } from '../support/broker';
import { waitFor as waitUntil } from '../support/wait';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';

const publishAll = async (url: string, messages: [string, string, boolean?][]) => {
  const c = mqtt.connect(url, { clientId: `test-pub-${Math.random().toString(16).slice(2)}`, clean: true });
  await new Promise<void>((r, j) => {
    c.once('connect', () => r());
    c.once('error', j);
  });
  for (const [topic, payload, retain] of messages) {
    await new Promise<void>((r, j) =>
      c.publish(topic, payload, { qos: 1, retain: retain ?? false }, (e) => (e ? j(e) : r())),
    );
  }
  await new Promise<void>((r) => c.end(false, {}, () => r()));
};

const siteFile = (dir: string, lines: string[]) => {
  const file = join(dir, 'site.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};

type MqttHealth = { status: string; state?: string; lastError?: string };
/** The MQTT component of /health/ready: status only for anyone, with its details for an admin. */
const health = async (gw: RunningGateway, admin?: Client) =>
  (
    (admin
      ? (await admin.get('/health/ready')).body
      : await (await fetch(`${gw.url}/health/ready`)).json()) as {
      components: { mqtt?: MqttHealth };
    }
  ).components.mqtt;

/** The TLS alert a client gets when the server wants a certificate it did not send (TLS 1.3; 1.2 says handshake failure). */
const TLS_REFUSAL = /alert certificate required|alert handshake failure/i;

const waitFor = <T>(what: string, fn: () => Promise<T | undefined>, ms = 15000) => waitUntil(what, fn, ms);

describe('MQTT faults (a private Mosquitto)', () => {
  const DOORS = 20;
  const CHANGES = 2000;

  describe('a broker restart in the middle of a burst', () => {
    let broker: PrivateBroker;
    let gw: RunningGateway;
    let admin: Client;
    let dir: string;
    // Half the doors on Zigbee2MQTT (no device time), half on Shelly Gen2 (the device's own ts).
    const zigbee = (i: number) => i % 2 === 0;

    beforeAll(async () => {
      // The broker must keep what it queues for the gateway: Mosquitto's default queue is 1,000 messages.
      broker = await startPrivateBroker({ persistent: true, extra: ['max_queued_messages 100000'] });
      dir = mkdtempSync(join(tmpdir(), 'gh-restart-'));
      const sensors = Array.from({ length: DOORS }, (_, i) =>
        zigbee(i)
          ? `  - { id: rs${i}, door: rdoor-${i}, converter: zigbee2mqtt, device: restart_${i} }`
          : `  - { id: rs${i}, door: rdoor-${i}, converter: shelly-gen2, device: restart_${i} }`,
      );
      gw = await startGateway({
        env: {
          GATEHOUSE_CONFIG: siteFile(dir, [
            'mqtt:',
            `  url: ${broker.url}`,
            '  clientId: gatehouse-restart-test',
            '  reconnectMaxSeconds: 2',
            'sensors:',
            ...sensors,
          ]),
        },
      });
      ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
      const fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
      await fm.post('/api/v1/access/zones', { id: 'restart-zone', name: 'Restart zone' });
      for (let i = 0; i < DOORS; i++)
        await fm.post('/api/v1/access/doors', {
          id: `rdoor-${i}`,
          name: `Restart door ${i}`,
          zoneIn: 'restart-zone',
        });
      await waitFor('the broker connection', async () =>
        (await health(gw))?.status === 'up' ? true : undefined,
      );
    });
    afterAll(async () => {
      await gw?.stop();
      await broker?.remove();
      if (gw) removeDir(gw.dataDir);
      removeDir(dir);
    });

    it('journals every one of 2,000 changes across the restart, with at most one notice per door', async () => {
      const t0 = Math.floor(Date.now() / 1000) - 3600;
      /** Change n of door i; a Shelly's ts orders its changes one second apart, an hour ago. */
      const message = (i: number, n: number): [string, string] =>
        zigbee(i)
          ? [`zigbee2mqtt/restart_${i}`, JSON.stringify({ contact: n % 2 === 0, n })]
          : [
              `restart_${i}/events/rpc`,
              JSON.stringify({
                method: 'NotifyStatus',
                params: { ts: t0 + n, 'window:0': { open: n % 2 === 1 } },
              }),
            ];
      // Change 0 of every door is "closed": the state before the burst.
      await publishAll(
        broker.url,
        Array.from({ length: DOORS }, (_, i) => message(i, 0)),
      );
      const board = async () =>
        (
          await admin.get<{ items: { doorId: string; phase: string }[] }>('/api/v1/doors/board')
        ).body.items.filter((d) => d.doorId.startsWith('rdoor-'));
      await waitFor('every door secure', async () =>
        (await board()).filter((d) => d.phase === 'secure').length === DOORS ? true : undefined,
      );

      // 2,000 changes, door after door in turn; the broker is stopped after the first half and
      // started again while the rest wait at the publisher, as a sensor bridge's client would hold them.
      const burst = Array.from({ length: CHANGES }, (_, k) => message(k % DOORS, 1 + Math.floor(k / DOORS)));
      const pub = mqtt.connect(broker.url, {
        clientId: `test-burst-${Math.random().toString(16).slice(2)}`,
        clean: true,
        reconnectPeriod: 300,
      });
      await new Promise<void>((r) => pub.once('connect', () => r()));
      const send = ([topic, payload]: [string, string]) =>
        new Promise<void>((r, j) => pub.publish(topic, payload, { qos: 1 }, (e) => (e ? j(e) : r())));
      await Promise.all(burst.slice(0, CHANGES / 2).map(send));
      await broker.stop();
      const rest = Promise.all(burst.slice(CHANGES / 2).map(send));
      await waitFor('the gateway to notice', async () =>
        (await health(gw))?.status !== 'up' ? true : undefined,
      );
      await broker.start();
      await rest;
      await new Promise<void>((r) => pub.end(false, {}, () => r()));
      await waitFor('the broker connection back', async () =>
        (await health(gw))?.status === 'up' ? true : undefined,
      );

      type Entry = { subjects: { kind: string; id: string }[]; sourceTime?: string };
      const readings = async () =>
        (await admin.get('/api/v1/journal/export?type=sensor.reading')).text
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Entry);
      const sensorOf = (e: Entry) => e.subjects.find((x) => x.kind === 'device')?.id;
      const perDoor = CHANGES / DOORS + 1;
      const all = await waitFor(
        'every change in the journal',
        async () => {
          const items = await readings();
          const counts = new Map<string, number>();
          for (const e of items) counts.set(sensorOf(e)!, (counts.get(sensorOf(e)!) ?? 0) + 1);
          return Array.from({ length: DOORS }, (_, i) => counts.get(`rs${i}`) ?? 0).every((c) => c >= perDoor)
            ? items
            : undefined;
        },
        60_000,
      );
      // Each Shelly change is there by its own time, not just counted (a redelivery may add one, never replace one).
      for (let i = 1; i < DOORS; i += 2) {
        const times = new Set(all.filter((e) => sensorOf(e) === `rs${i}`).map((e) => e.sourceTime));
        for (let n = 0; n < perDoor; n++) expect(times).toContain(new Date((t0 + n) * 1000).toISOString());
      }
      // Every door ends as its last change left it: closed.
      await waitFor('every door secure again', async () =>
        (await board()).filter((d) => d.phase === 'secure').length === DOORS ? true : undefined,
      );
      const alarms = (
        await admin.get<{ items: { type: string; doorId: string; count: number }[] }>('/api/v1/alarms')
      ).body.items.filter((a) => a.doorId?.startsWith('rdoor-'));
      for (let i = 0; i < DOORS; i++) {
        const notices = alarms.filter((a) => a.doorId === `rdoor-${i}` && a.type === 'used-while-away');
        expect(notices.reduce((n, a) => n + a.count, 0)).toBeLessThanOrEqual(1);
      }
      const states = (
        await admin.get<{ items: { type: string }[] }>(
          '/api/v1/journal?type=device.mqtt-reconnecting,device.mqtt-connected&limit=50',
        )
      ).body.items.map((e) => e.type);
      expect(states).toEqual(expect.arrayContaining(['device.mqtt-reconnecting', 'device.mqtt-connected']));
    });
  });

  it('reports a broker that refuses the credentials in health and the journal, and keeps serving', async () => {
    const broker = await startPrivateBroker({ user: { name: 'gatehouse', password: 'the right one' } });
    const dir = mkdtempSync(join(tmpdir(), 'gh-refused-'));
    const gw = await startGateway({
      env: {
        GATEHOUSE_CONFIG: siteFile(dir, [
          'mqtt:',
          `  url: ${broker.url}`,
          '  username: gatehouse',
          '  password: { env: TEST_MQTT_PASSWORD }',
        ]),
        TEST_MQTT_PASSWORD: 'the wrong one',
      },
    });
    try {
      const { client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!);
      await waitFor('the refusal', async () =>
        (await health(gw, admin))?.state === 'refused' ? true : undefined,
      );
      const h = await fetch(`${gw.url}/health/ready`);
      expect(h.status).toBe(503);
      expect((await health(gw))?.status).toBe('down');
      const refused = (
        await admin.get<{ items: { payload: { detail: string } }[] }>(
          '/api/v1/journal?type=device.mqtt-refused',
        )
      ).body.items;
      expect(refused.length).toBeGreaterThan(0);
      // The password is never in the log or the journal.
      expect(gw.output()).not.toContain('the wrong one');
      expect(JSON.stringify(refused)).not.toContain('the wrong one');
    } finally {
      await gw.stop();
      await broker.remove();
      removeDir(gw.dataDir);
      removeDir(dir);
    }
  });

  it('takes a retained stale "open" as the current state, not as a forced opening', async () => {
    const broker = await startPrivateBroker();
    await publishAll(broker.url, [['zigbee2mqtt/stale_door', '{"contact":false}', true]]);
    const dir = mkdtempSync(join(tmpdir(), 'gh-stale-'));
    const gw = await startGateway({
      env: {
        GATEHOUSE_CONFIG: siteFile(dir, [
          'demo:',
          '  seedSite: true',
          'mqtt:',
          `  url: ${broker.url}`,
          'sensors:',
          '  - { id: stale, door: front-door, converter: zigbee2mqtt, device: stale_door }',
        ]),
      },
    });
    try {
      const { client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!);
      const guard = await operatorClient(admin, gw.url, 'gina', ['guard']);
      const phase = async () =>
        (
          await guard.get<{ items: { doorId: string; phase: string }[] }>('/api/v1/doors/board')
        ).body.items.find((d) => d.doorId === 'front-door')?.phase;
      await waitFor('the retained state', async () => ((await phase()) === 'open' ? true : undefined));
      expect((await guard.get<{ items: unknown[] }>('/api/v1/alarms')).body.items).toEqual([]);
    } finally {
      await gw.stop();
      await broker.remove();
      removeDir(gw.dataDir);
      removeDir(dir);
    }
  });

  it('connects over TLS with the CA and a client certificate, and not without the certificate', async () => {
    const broker = await startPrivateBroker({ tls: true });
    const dir = mkdtempSync(join(tmpdir(), 'gh-tls-'));
    const withCert = await startGateway({
      env: {
        GATEHOUSE_CONFIG: siteFile(dir, [
          'mqtt:',
          `  url: ${broker.url}`,
          `  caFile: ${broker.tls!.ca}`,
          `  certFile: ${broker.tls!.clientCert}`,
          `  keyFile: ${broker.tls!.clientKey}`,
        ]),
      },
    });
    const withoutCert = await startGateway({
      env: {
        GATEHOUSE_CONFIG: siteFile(mkdtempSync(join(tmpdir(), 'gh-tls2-')), [
          'mqtt:',
          `  url: ${broker.url}`,
          `  caFile: ${broker.tls!.ca}`,
        ]),
      },
    });
    try {
      await waitFor('the TLS connection', async () =>
        (await health(withCert))?.status === 'up' ? true : undefined,
      );
      // Without its certificate the gateway is refused by the broker, and says why: it waits for
      // that refusal (not for time to pass) and is never connected.
      const { client: admin } = await bootstrapAdmin(withoutCert.url, withoutCert.bootstrapToken!);
      const refused = await waitFor('the TLS refusal', async () => {
        const h = await health(withoutCert, admin);
        return h?.lastError ? h : undefined;
      });
      expect(refused.lastError).toMatch(TLS_REFUSAL);
      expect(refused.state).not.toBe('connected');
      expect(refused.status).not.toBe('up');
      const journal = await admin.get<{ items: { payload: { state: string } }[] }>(
        '/api/v1/journal?type=device.mqtt-*',
      );
      expect(journal.body.items.map((e) => e.payload.state)).not.toContain('connected');
    } finally {
      await withCert.stop();
      await withoutCert.stop();
      await broker.remove();
      removeDir(withCert.dataDir);
      removeDir(withoutCert.dataDir);
      removeDir(dir);
    }
  });
});
