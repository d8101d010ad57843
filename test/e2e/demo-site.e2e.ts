import { DEMO_DOORS, SimulatedDoorSensors } from '@gatehouse/testing';
import { bootstrapAdmin, Client, operatorClient } from '../support/client';
import { waitFor as waitUntil } from '../support/wait';
import { freePort, removeDir, startGateway, type RunningGateway } from '../support/gateway';

const waitFor = <T>(what: string, fn: () => Promise<T | undefined>, ms = 8000) => waitUntil(what, fn, ms);

describe('the demo site with its embedded broker and simulated sensors', () => {
  let gw: RunningGateway;
  let guard: Client;
  let admin: Client;
  let sim: SimulatedDoorSensors;

  beforeAll(async () => {
    const brokerPort = await freePort();
    // The demo's own configuration; the simulator process is replaced by the same code driven from here.
    gw = await startGateway({
      args: ['--default-config', 'config/demo-site.yaml'],
      env: { GATEHOUSE_MQTT_EMBEDDED_BROKER_PORT: String(brokerPort), GATEHOUSE_DEMO_SIMULATOR: 'false' },
    });
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    guard = await operatorClient(admin, gw.url, 'gina', ['guard']);
    sim = new SimulatedDoorSensors(`mqtt://127.0.0.1:${brokerPort}`, DEMO_DOORS);
    await sim.connect();
    await sim.announce();
  });
  afterAll(async () => {
    await sim?.stop();
    await gw?.stop();
    if (gw) removeDir(gw.dataDir);
  });

  const phase = async (door: string) =>
    (await guard.get<{ items: { doorId: string; phase: string }[] }>('/api/v1/doors/board')).body.items.find(
      (d) => d.doorId === door,
    )?.phase;

  it('sees a passage with the exit button as authorised, and an opening without it as forced', async () => {
    await waitFor('the doors announced', async () =>
      (await phase('front-door')) === 'secure' ? true : undefined,
    );
    await sim.passage(DEMO_DOORS[0]!, 1500);
    await waitFor('the front door open', async () =>
      (await phase('front-door')) === 'open' ? true : undefined,
    );
    await waitFor('the front door secure again', async () =>
      (await phase('front-door')) === 'secure' ? true : undefined,
    );
    await sim.setContact(DEMO_DOORS[2]!, true);
    await waitFor('the server door forced', async () =>
      (await phase('server-door')) === 'forced' ? true : undefined,
    );
    const alarms = (await guard.get<{ items: { type: string; doorId: string }[] }>('/api/v1/alarms')).body
      .items;
    expect(alarms.map((a) => `${a.type}@${a.doorId}`)).toEqual(['forced-open@server-door']);
    await sim.setContact(DEMO_DOORS[2]!, false);
    // Counters are details: an admin sees them, an anonymous caller only the status.
    const health = (await admin.get('/health/ready')).body as {
      components: { mqtt: { status: string; refused: number } };
    };
    expect(health.components.mqtt).toMatchObject({ status: 'up', refused: 0 });
  });
});
