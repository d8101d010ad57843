import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { startPrivateBroker, type PrivateBroker } from '../support/broker';
import { bootstrapAdmin, type Client, operatorClient } from '../support/client';
import { freePort, removeDir, startGateway, type RunningGateway } from '../support/gateway';
import { startReceiver, startRsyslog } from '../support/receivers';
import { waitFor } from '../support/wait';

describe('alarm notifications to real receivers (rsyslog, an HTTP receiver, Mosquitto with credentials)', () => {
  let dir: string;
  let broker: PrivateBroker;
  let rsyslog: Awaited<ReturnType<typeof startRsyslog>>;
  let hook: Awaited<ReturnType<typeof startReceiver>>;
  let gw: RunningGateway;
  let guard: Client;
  let sensor: MqttClient;
  let site: string;
  const device = `notify_front_${randomBytes(3).toString('hex')}`;
  const user = { name: 'gatehouse', password: randomBytes(12).toString('hex') };
  const env = () => ({
    GATEHOUSE_CONFIG: site,
    TEST_WEBHOOK_SECRET: 'hook secret',
    TEST_MQTT_PASSWORD: user.password,
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-notify-'));
    broker = await startPrivateBroker({ user });
    const syslogPort = await freePort();
    rsyslog = await startRsyslog(dir, syslogPort);
    hook = await startReceiver();
    site = join(dir, 'site.yaml');
    writeFileSync(
      site,
      [
        'demo:',
        '  seedSite: true',
        'http:',
        '  metricsPublic: true',
        'mqtt:',
        `  url: ${broker.url}`,
        `  username: ${user.name}`,
        '  password: { env: TEST_MQTT_PASSWORD }',
        `  clientId: gh-notify-${randomBytes(3).toString('hex')}`,
        `  topicPrefix: gh-notify-${randomBytes(3).toString('hex')}`,
        'alarms:',
        '  escalateAfterSeconds: { critical: 0, high: 0, medium: 0, low: 0 }',
        'notifications:',
        '  backoffMaxSeconds: 2',
        '  webhooks:',
        `    - url: ${hook.url}`,
        '      secret: { env: TEST_WEBHOOK_SECRET }',
        '      events: [alarm.raised, alarm.resolved]',
        '      timeoutSeconds: 1',
        '  syslog:',
        `    - { host: 127.0.0.1, port: ${syslogPort}, protocol: tcp, enterpriseNumber: 61234, events: [alarm.raised, alarm.resolved] }`,
        'sensors:',
        '  - id: front-contact',
        '    door: front-door',
        '    converter: zigbee2mqtt',
        `    device: ${device}`,
        '',
      ].join('\n'),
    );
    gw = await startGateway({ env: env() });
    const { client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!);
    guard = await operatorClient(admin, gw.url, 'gina', ['guard']);
    sensor = mqtt.connect(broker.url, { username: user.name, password: user.password, clean: true });
    await new Promise<void>((r) => sensor.once('connect', () => r()));
    await waitFor('the gateway at the broker', async () => {
      const body = (await (await fetch(`${gw.url}/health/ready`)).json()) as {
        components: { mqtt?: { status: string } };
      };
      return body.components.mqtt?.status === 'up' ? true : undefined;
    });
  });
  afterAll(async () => {
    sensor?.end(true);
    await gw?.stop();
    hook?.close();
    await rsyslog?.stop();
    await broker?.remove();
    if (gw) removeDir(gw.dataDir);
    removeDir(dir);
  });

  const contact = (closed: boolean) =>
    new Promise<void>((r, j) =>
      sensor.publish(`zigbee2mqtt/${device}`, JSON.stringify({ contact: closed }), { qos: 1 }, (e) =>
        e ? j(e) : r(),
      ),
    );
  const phase = async () =>
    (await guard.get<{ items: { doorId: string; phase: string }[] }>('/api/v1/doors/board')).body.items.find(
      (d) => d.doorId === 'front-door',
    )?.phase;
  const openAlarms = async () =>
    (await guard.get<{ items: { id: string; type: string }[] }>('/api/v1/alarms')).body.items.filter(
      (a) => a.type === 'forced-open',
    );
  /** Forces the front door open and closes it: one new forced-open alarm, returned. */
  const forceDoor = async (): Promise<string> => {
    await contact(true);
    await waitFor('the door secure', async () => ((await phase()) === 'secure' ? true : undefined));
    await contact(false);
    const [alarm] = await waitFor('the forced-open alarm', async () => {
      const open = await openAlarms();
      return open.length > 0 ? open : undefined;
    });
    await contact(true);
    await waitFor('the door secure again', async () => ((await phase()) === 'secure' ? true : undefined));
    return alarm!.id;
  };
  const resolve = (id: string) => guard.post(`/api/v1/alarms/${id}/resolve`, { comment: 'checked' });
  const taken = () => hook.hits.filter((h) => h.answered === 200);

  it('warns that the broker connection has no TLS (credentials in use), once in the log and in health', async () => {
    const health = (await (await fetch(`${gw.url}/health/ready`)).json()) as {
      components: { mqtt: { security: Record<string, unknown> } };
    };
    expect(health.components.mqtt.security).toMatchObject({ tls: false, credentials: true, embedded: false });
    expect(String(health.components.mqtt.security.warning)).toMatch(/without TLS:/);
    expect(gw.output().match(/MQTT: broker connection without TLS/g)).toHaveLength(1);
  });

  it('retries through a receiver that fails, hangs and redirects, never follows the redirect, and counts it all', async () => {
    hook.script.push(500, 'hang', 'redirect');
    const alarmId = await forceDoor();
    const delivered = await waitFor(
      'the delivery after the failures',
      async () => taken().find((h) => h.body.id === alarmId && h.body.change === 'alarm.raised'),
      30_000,
    );
    const attempts = hook.hits.filter((h) => h.body.id === alarmId && h.body.change === 'alarm.raised');
    expect(attempts.map((h) => h.answered)).toEqual([500, 'hang', 307, 200]);
    expect(new Set(attempts.map((h) => h.delivery))).toEqual(new Set([delivered.delivery]));
    expect(delivered.body.deliveryId).toBe(delivered.delivery);
    expect(hook.redirected()).toBe(0);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain(`gatehouse_notifications_failures{target="webhook ${hook.url}"} 3`);
    expect(metrics).toMatch(
      new RegExp(`gatehouse_notifications_delivered\\{target="webhook ${hook.url}"\\} [1-9]`),
    );
    const health = (await (await fetch(`${gw.url}/health/ready`)).json()) as {
      components: { notifications: { status: string; targets: { name: string; failures: number }[] } };
    };
    expect(health.components.notifications.targets).toContainEqual(
      expect.objectContaining({ name: `webhook ${hook.url}`, failures: 3 }),
    );
    await resolve(alarmId);
    await waitFor('the all-clear at the webhook', async () =>
      taken().find((h) => h.body.id === alarmId && h.body.change === 'alarm.resolved'),
    );
    expect(
      taken().find((h) => h.body.id === alarmId && h.body.change === 'alarm.resolved')?.body.severity,
    ).toBe('informational');
  });

  it('syslog over TCP: rsyslog parses RFC 5424, the all-clear is informational, a receiver restart loses nothing', async () => {
    const alarmId = await forceDoor();
    const raised = await waitFor('rsyslog got the alarm', async () =>
      rsyslog.lines().find((l) => l.includes(`id="${alarmId}"`) && l.includes('|alarm.raised|')),
    );
    const [severity, app, , sd] = raised.split('|');
    expect([severity, app]).toEqual(['err', 'gatehouse']);
    expect(sd).toMatch(/^\[alarm@61234 id="[^"]+" delivery="[^"]+" type="forced-open" priority="high"/);
    await rsyslog.stop();
    await resolve(alarmId);
    // The gateway tries while rsyslog is down, fails, and keeps the notification.
    await waitFor('a failed attempt', async () => {
      const body = (await (await fetch(`${gw.url}/health/ready`)).json()) as {
        components: { notifications: { targets: { name: string; pending: number; failures: number }[] } };
      };
      const t = body.components.notifications.targets.find((x) => x.name.startsWith('syslog '));
      return t && t.failures > 0 && t.pending > 0 ? true : undefined;
    });
    await rsyslog.start();
    const ended = await waitFor(
      'the all-clear after the restart',
      async () =>
        rsyslog.lines().find((l) => l.includes(`id="${alarmId}"`) && l.includes('|alarm.resolved|')),
      20_000,
    );
    expect(ended.split('|')[0]).toBe('info');
  });

  it('a gateway killed with notifications pending sends every one after the restart, repeats only under the same delivery id', async () => {
    hook.answer(503);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await forceDoor();
      await resolve(id);
      ids.push(id);
    }
    const expected = ids.flatMap((id) => [`${id} alarm.raised`, `${id} alarm.resolved`]);
    // The target drains in order: the first refused notification holds the others back, all kept.
    await waitFor('the first one refused', async () =>
      hook.hits.some((h) => h.body.id === ids[0] && h.answered === 503) ? true : undefined,
    );
    const health = (await (await fetch(`${gw.url}/health/ready`)).json()) as {
      components: { notifications: { status: string; targets: { name: string; pending: number }[] } };
    };
    expect(health.components.notifications.status).toBe('degraded');
    expect(
      health.components.notifications.targets.find((t) => t.name === `webhook ${hook.url}`)?.pending,
    ).toBeGreaterThanOrEqual(6);
    await gw.kill9();
    hook.answer(200);
    gw = await startGateway({ dataDir: gw.dataDir, env: env() });
    await waitFor(
      'every pending notification delivered',
      async () => {
        const got = new Set(taken().map((h) => `${h.body.id} ${h.body.change}`));
        return expected.every((e) => got.has(e)) ? true : undefined;
      },
      30_000,
    );
    // One delivery id per change: a receiver that drops repeated ids sees each change once.
    const idsPerChange = new Map<string, Set<string>>();
    for (const h of hook.hits.filter((x) => ids.includes(x.body.id))) {
      const key = `${h.body.id} ${h.body.change}`;
      idsPerChange.set(key, (idsPerChange.get(key) ?? new Set()).add(h.delivery));
    }
    expect([...idsPerChange.keys()].sort()).toEqual([...expected].sort());
    for (const deliveries of idsPerChange.values()) expect(deliveries.size).toBe(1);
  });
});
