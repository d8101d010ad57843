import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { startPrivateBroker, type PrivateBroker } from '../support/broker';
import { bootstrapAdmin, operatorClient } from '../support/client';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';
import { waitFor } from '../support/wait';

interface Config {
  name?: string;
  unique_id?: string;
  device?: { identifiers: string[] };
}

describe('Home Assistant discovery per gateway, following the doors (Mosquitto without credentials)', () => {
  let dir: string;
  let broker: PrivateBroker;
  let watcher: MqttClient;
  /** The latest retained payload per discovery topic ('' once removed). */
  const configs = new Map<string, string>();
  const gateways: RunningGateway[] = [];
  const site = (name: string, prefix: string, discovery: boolean) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      [
        'demo:',
        '  seedSite: true',
        'site:',
        `  name: ${name}`,
        'mqtt:',
        `  url: ${broker.url}`,
        `  clientId: gh-${name}-${randomBytes(3).toString('hex')}`,
        `  topicPrefix: ${prefix}`,
        `  homeAssistantDiscovery: ${discovery}`,
        '',
      ].join('\n'),
    );
    return file;
  };
  const start = async (file: string, dataDir?: string) => {
    const gw = await startGateway({ env: { GATEHOUSE_CONFIG: file }, ...(dataDir ? { dataDir } : {}) });
    gateways.push(gw);
    return gw;
  };
  const topic = (node: string, door: string) => `homeassistant/binary_sensor/${node}/${door}/config`;
  const config = (t: string) => (configs.get(t) ? (JSON.parse(configs.get(t)!) as Config) : undefined);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-discovery-'));
    broker = await startPrivateBroker();
    watcher = mqtt.connect(broker.url, { clean: true });
    await new Promise<void>((r) => watcher.once('connect', () => r()));
    watcher.on('message', (t, p) => configs.set(t, p.toString()));
    await new Promise<void>((r) => watcher.subscribe('homeassistant/#', { qos: 1 }, () => r()));
  });
  afterAll(async () => {
    watcher?.end(true);
    for (const gw of gateways) {
      await gw.stop();
      removeDir(gw.dataDir);
    }
    await broker?.remove();
    removeDir(dir);
  });

  it('keeps two gateways on one broker apart, follows new, renamed and deleted doors, and clears its configs when switched off', async () => {
    const a = await start(site('plant-a', 'plant/a', true));
    await start(site('plant-b', 'plant_a', true)); // sanitised naively, the two prefixes would collide
    const nodeA = 'gatehouse_plant_2f_a';
    const nodeB = 'gatehouse_plant_5f_a';
    await waitFor('both gateways announced', async () =>
      config(topic(nodeA, 'front-door')) && config(topic(nodeB, 'front-door')) ? true : undefined,
    );
    const fa = config(topic(nodeA, 'front-door'))!;
    const fb = config(topic(nodeB, 'front-door'))!;
    expect(fa.unique_id).not.toBe(fb.unique_id);
    expect(fa.device!.identifiers).not.toEqual(fb.device!.identifiers);

    const { client: admin } = await bootstrapAdmin(a.url, a.bootstrapToken!);

    // An embedded-style open broker: health (its details are an administrator's) and the log say
    // that sensor messages could be forged.
    const health = await admin.get<{ components: { mqtt: { security: { warning: string } } } }>(
      '/health/ready',
    );
    expect(health.body.components.mqtt.security.warning).toMatch(/without TLS and credentials/);
    expect(a.output()).toContain('MQTT: broker connection without TLS and credentials');

    const manager = await operatorClient(admin, a.url, 'fiona', ['facility-manager']);
    const door = (id: string, name: string) => ({ id, name, zoneIn: 'lobby' });
    expect((await manager.post('/api/v1/access/doors', door('a.b', 'Store room'))).status).toBe(201);
    expect((await manager.post('/api/v1/access/doors', door('a_b', 'Loading bay'))).status).toBe(201);
    await waitFor('the new doors announced, apart', async () =>
      config(topic(nodeA, 'a_2e_b'))?.name === 'Store room' &&
      config(topic(nodeA, 'a_5f_b'))?.name === 'Loading bay'
        ? true
        : undefined,
    );
    expect((await manager.patch('/api/v1/access/doors/a.b', { name: 'Archive' })).status).toBe(200);
    await waitFor('the rename announced', async () =>
      config(topic(nodeA, 'a_2e_b'))?.name === 'Archive' ? true : undefined,
    );
    expect((await manager.request('DELETE', '/api/v1/access/doors/a_b')).status).toBe(204);
    await waitFor('the deleted door removed', async () =>
      configs.get(topic(nodeA, 'a_5f_b')) === '' ? true : undefined,
    );

    await a.stop();
    await start(site('plant-a', 'plant/a', false), a.dataDir);
    await waitFor('every config of gateway A removed', async () =>
      configs.get(topic(nodeA, 'front-door')) === '' && configs.get(topic(nodeA, 'a_2e_b')) === ''
        ? true
        : undefined,
    );
    expect(config(topic(nodeB, 'front-door'))).toBeDefined();
  });
});
