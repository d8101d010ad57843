import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { bootstrapAdmin, type Client } from '../support/client';
import { freePort, removeDir, ROOT, type RunningGateway, startGatewayWithSite } from '../support/gateway';
import { waitFor } from '../support/wait';

interface DemoSite {
  dataDir?: string;
  demo: { readers: boolean };
  logins: { listeners: { protocol: string; port: number }[] };
  correlation: { rules: Record<string, { graceSeconds: number }> };
}

interface Entry {
  type: string;
  source: string;
  payload: Record<string, unknown>;
}

/**
 * The demo site as `npm start` runs it (config/demo-site.yaml, the simulator
 * forked by the gateway), with its listeners on free ports and the scenes
 * sped up: the simulated workstations' logins arrive through the real
 * listeners in every format (NXLog over syslog TCP, Winlogbeat over Beats,
 * Linux PAM over syslog UDP), an unmapped account is counted, and the rules
 * raise alerts. Without the demo's serial readers (they need socat and
 * simavr), so the scenes that need a badge are skipped and those that need
 * none (a login with no badge-in, the leaver, the contractor) run.
 */
describe('the demo site’s simulated workstations', () => {
  let dir: string;
  let gw: RunningGateway;
  let admin: Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-demo-ws-'));
    const [tcp, udp, beats, broker] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    // config/demo-site.yaml itself, with its listeners moved to free ports (one site file is read).
    const demo = parse(readFileSync(join(ROOT, 'config', 'demo-site.yaml'), 'utf8')) as DemoSite;
    const port = { 'syslog-tcp': tcp, 'syslog-udp': udp, beats } as Record<string, number>;
    demo.logins.listeners = demo.logins.listeners.map((l) => ({ ...l, port: port[l.protocol]! }));
    expect(demo.logins.listeners.map((l) => l.protocol).sort()).toEqual([
      'beats',
      'syslog-tcp',
      'syslog-udp',
    ]);
    delete demo.dataDir;
    demo.demo.readers = false;
    demo.correlation.rules['login-without-badge-in'] = { graceSeconds: 1 };
    gw = await startGatewayWithSite(dir, [stringify(demo)], {
      env: {
        GATEHOUSE_MQTT_EMBEDDED_BROKER_PORT: String(broker),
        GATEHOUSE_SIM_STEP_MS: '700',
        GATEHOUSE_SIM_TRIP_EVERY: '1',
      },
      timeoutMs: 45_000,
    });
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
  }, 90_000);

  afterAll(async () => {
    if (gw) removeDir(gw.dataDir);
    if (dir) removeDir(dir);
  });

  const logins = async () =>
    (await admin.get<{ items: Entry[] }>('/api/v1/journal?type=login.*&limit=200')).body.items;

  it('journals logins from every listener kind, counts the unmapped account, and raises correlation alerts', async () => {
    const seen = await waitFor(
      'logins through syslog TCP, syslog UDP and Beats',
      async () => {
        const items = await logins();
        const via = new Set(items.map((e) => String(e.payload.via).split(':')[0]));
        return ['syslog-tcp', 'syslog-udp', 'beats'].every((v) => via.has(v)) ? items : undefined;
      },
      60_000,
      500,
    );
    expect(seen.every((e) => e.type.startsWith('login.'))).toBe(true);
    // Real formats, read by the real interpreters.
    const formats = new Set(seen.map((e) => e.payload.format));
    for (const f of ['windows-syslog', 'winlogbeat', 'linux-syslog']) expect(formats).toContain(f);

    const status = await waitFor(
      'the contractor counted as unmapped',
      async () => {
        const s = await admin.get<{ unmappedAccounts: { account: string }[] }>('/api/v1/logins/status');
        return s.body.unmappedAccounts.some((a) => a.account === 'corp\\temp.contractor')
          ? s.body
          : undefined;
      },
      60_000,
      500,
    );
    expect(status.unmappedAccounts.map((a) => a.account)).toContain('corp\\temp.contractor');

    const alarms = await waitFor(
      'correlation alarms (a login without badge-in, the leaver)',
      async () => {
        const r = await admin.get<{ items: { type: string }[] }>('/api/v1/alarms');
        const types = new Set(r.body.items.map((a) => a.type));
        return types.has('login-without-badge-in') && types.has('leaver-activity') ? types : undefined;
      },
      60_000,
      1000,
    );
    expect(alarms).toContain('leaver-activity');
  }, 200_000);

  it('stops with the gateway, the simulator with it', async () => {
    expect(await gw.stop()).toBe(0);
    expect(gw.output()).not.toMatch(/gatehouse-sim: /);
  });
});
