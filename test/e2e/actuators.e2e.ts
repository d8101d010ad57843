import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { bootstrapAdmin, Client, operatorClient } from '../support/client';
import { waitFor as waitUntil } from '../support/wait';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';

const BROKER = 'mqtt://127.0.0.1:1883';

const waitFor = <T>(what: string, fn: () => Promise<T | undefined>, ms = 10000) => waitUntil(what, fn, ms);

describe('door strikes switched over MQTT, confirmed by the device', () => {
  let gw: RunningGateway;
  let admin: Client;
  let guard: Client;
  let relay: mqtt.MqttClient;
  const relayId = `shelly1-e2e${randomBytes(3).toString('hex')}`;
  const deadId = `shelly1-dead${randomBytes(3).toString('hex')}`;
  const commands: string[] = [];

  beforeAll(async () => {
    // A fake Shelly 1 that behaves as the device does: a command, then its state.
    relay = mqtt.connect(BROKER, { clean: true });
    await new Promise<void>((r) => relay.once('connect', () => r()));
    relay.on('message', (_t, p) => {
      const cmd = p.toString();
      commands.push(cmd);
      relay.publish(`shellies/${relayId}/relay/0`, cmd, { qos: 1 });
    });
    await new Promise<void>((r) =>
      relay.subscribe(`shellies/${relayId}/relay/0/command`, { qos: 1 }, () => r()),
    );
    const dir = mkdtempSync(join(tmpdir(), 'gh-act-'));
    const site = join(dir, 'site.yaml');
    writeFileSync(
      site,
      [
        'demo:',
        '  seedSite: true',
        'mqtt:',
        `  url: ${BROKER}`,
        `  clientId: gatehouse-act-${randomBytes(3).toString('hex')}`,
        'actuators:',
        `  - { door: front-door, kind: shelly-gen1, device: ${relayId} }`,
        `  - { door: floor-door, kind: shelly-gen1, device: ${deadId} }`,
        '',
      ].join('\n'),
    );
    gw = await startGateway({ env: { GATEHOUSE_CONFIG: site } });
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    guard = await operatorClient(admin, gw.url, 'gina', ['guard']);
    await waitFor('the broker', async () =>
      (
        (await (await fetch(`${gw.url}/health/ready`)).json()) as {
          components: { mqtt?: { status: string } };
        }
      ).components.mqtt?.status === 'up'
        ? true
        : undefined,
    );
    await new Promise((r) => setTimeout(r, 300));
  });
  afterAll(async () => {
    await new Promise<void>((r) => relay.end(false, {}, () => r()));
    await gw?.stop();
    if (gw) removeDir(gw.dataDir);
  });

  it('a remote unlock switches the relay on, then off after the unlock time, and the device confirms it', async () => {
    expect(
      (await guard.post('/api/v1/access/doors/front-door/unlock', { reason: 'visitor at the door' })).status,
    ).toBe(202);
    const confirmed = await waitFor(
      'the confirmation',
      async () =>
        (
          await admin.get<{ items: { payload: { confirmed: boolean; confirmMs: number } }[] }>(
            '/api/v1/journal?type=door.actuator-confirmed',
          )
        ).body.items[0],
    );
    // Confirmed within the confirmation window (past it the entry is door.actuator-unconfirmed); how fast is the bench's.
    expect(confirmed.payload.confirmed).toBe(true);
    expect(confirmed.payload.confirmMs).toEqual(expect.any(Number));
    await waitFor('the relay switched off', async () => (commands.includes('off') ? true : undefined), 8000);
    expect(commands.slice(0, 2)).toEqual(['on', 'off']);
  });

  it('a relay that never confirms is journaled and raises an alarm', async () => {
    await guard.post('/api/v1/access/doors/floor-door/unlock', { reason: 'testing the dead relay' });
    await waitFor(
      'the unconfirmed record',
      async () =>
        (await admin.get<{ items: unknown[] }>('/api/v1/journal?type=door.actuator-unconfirmed')).body
          .items[0],
    );
    const alarms = (await guard.get<{ items: { type: string; doorId: string }[] }>('/api/v1/alarms')).body
      .items;
    expect(alarms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'actuator-unconfirmed', doorId: 'floor-door' }),
      ]),
    );
  });
});
