import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { encode } from '../../libs/bridge-protocol/src';
import { SimulatedOsdpBus } from '../../libs/testing/src';
import { makeTls, startPrivateBroker, type PrivateBroker } from '../support/broker';
import { bootstrapAdmin, type Client, operatorClient } from '../support/client';
import { freePort, removeDir, startGatewayWithSite, type RunningGateway } from '../support/gateway';
import { type Hit, startReceiver, startRsyslog } from '../support/receivers';
import { waitFor } from '../support/wait';

const READER_KEY = '8f1a2b3c4d5e6f708192a3b4c5d6e7f8';
const SECRET = 'secure hook secret';

interface TargetHealth {
  name: string;
  pending: number;
  failures: number;
  lastError: string | null;
  failingSince: string | null;
}

/**
 * Alarm notifications over TLS to receivers whose certificates come from a test
 * CA (an HTTPS webhook receiver, rsyslog 8 with its gtls driver), and silent
 * alarms and personal data only where a target is configured for them: a real
 * silent alarm from a watch-listed card at a simulated OSDP reader, with two
 * webhook targets, syslog and MQTT alarms on.
 */
describe('alarm notifications over TLS, silent alarms and personal data to real receivers', () => {
  let dir: string;
  let tls: ReturnType<typeof makeTls>;
  let broker: PrivateBroker;
  let bus: SimulatedOsdpBus;
  let rsyslog: Awaited<ReturnType<typeof startRsyslog>>;
  let secure: Awaited<ReturnType<typeof startReceiver>>;
  let plain: Awaited<ReturnType<typeof startReceiver>>;
  let gw: RunningGateway;
  let admin: Client;
  let watcher: MqttClient;
  const prefix = `gh-secure-${randomBytes(3).toString('hex')}`;
  const published: { topic: string; payload: string }[] = [];
  let marked: string;
  let untrusted: string;
  let unmarked: string;
  const people: Record<'watched' | 'revoked' | 'lost', { id: string; name: string; card: number }> = {
    watched: { id: '', name: 'Wanda Watchlisted', card: 20001 },
    revoked: { id: '', name: 'Rory Revoked', card: 20002 },
    lost: { id: '', name: 'Lou Lostcard', card: 20003 },
  };
  const NAMES = /Wanda|Rory|Lou/;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-notify-secure-'));
    tls = makeTls(dir);
    broker = await startPrivateBroker();
    const syslogPort = await freePort();
    rsyslog = await startRsyslog(dir, syslogPort, { ca: tls.ca, cert: tls.serverCert, key: tls.serverKey });
    secure = await startReceiver({ tls: { cert: tls.serverCert, key: tls.serverKey }, secret: SECRET });
    plain = await startReceiver({ secret: SECRET });
    marked = `${secure.origin}/marked`;
    untrusted = `${secure.origin}/untrusted`;
    unmarked = `${plain.origin}/unmarked`;
    bus = await new SimulatedOsdpBus(join(dir, 'ttyCP'), join(dir, 'ttyPD'), [
      { address: 1, scbk: Uint8Array.from(Buffer.from(READER_KEY, 'hex')), serial: 2001 },
    ]).start();
    writeFileSync(join(dir, 'front.key'), READER_KEY);
    const hook = (url: string, extra: string[]) => [
      `    - url: ${url}`,
      '      secret: { env: TEST_WEBHOOK_SECRET }',
      '      events: [alarm.raised]',
      '      timeoutSeconds: 2',
      ...extra.map((l) => `      ${l}`),
    ];
    gw = await startGatewayWithSite(
      dir,
      [
        'demo:',
        '  seedSite: true',
        'mqtt:',
        `  url: ${broker.url}`,
        `  clientId: ${prefix}`,
        `  topicPrefix: ${prefix}`,
        'serial:',
        '  - id: osdp-1',
        `    path: ${join(dir, 'ttyCP')}`,
        '    protocol: osdp',
        '    pollIntervalMs: 50',
        '    readers:',
        `      - { id: front-in, address: 1, scbk: { file: ${join(dir, 'front.key')} } }`,
        'notifications:',
        '  backoffMaxSeconds: 1',
        '  webhooks:',
        ...hook(marked, [`caFile: ${tls.ca}`, 'silentAlarms: true', 'personalData: true']),
        ...hook(untrusted, []), // the same receiver, its CA not named: never trusted
        ...hook(unmarked, []),
        '  syslog:',
        `    - { host: 127.0.0.1, port: ${syslogPort}, protocol: tls, caFile: ${tls.ca}, enterpriseNumber: 61234, events: [alarm.raised] }`,
      ],
      { env: { TEST_WEBHOOK_SECRET: SECRET }, timeoutMs: 45_000 },
    );
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    const fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    watcher = mqtt.connect(broker.url, { clean: true });
    await new Promise<void>((r) => watcher.once('connect', () => r()));
    watcher.on('message', (topic, payload) => published.push({ topic, payload: payload.toString() }));
    await new Promise<void>((r, j) =>
      // Everything the gateway publishes, not only alarms: a silent alarm must not show through another topic.
      watcher.subscribe(`${prefix}/#`, { qos: 1 }, (e) => (e ? j(e) : r())),
    );
    for (const [key, person] of Object.entries(people)) {
      const created = await fm.post<{ id: string }>('/api/v1/access/cardholders', {
        name: person.name,
        watchListed: key === 'watched',
      });
      if (created.status !== 201) throw new Error(`cardholder: ${created.text}`);
      person.id = created.body.id;
      const card = await fm.post('/api/v1/access/credentials', {
        cardholderId: person.id,
        format: 'H10301',
        number: `21:${person.card}`,
        state: key === 'watched' ? 'active' : key,
      });
      if (card.status !== 201) throw new Error(`credential: ${card.text}`);
    }
    await waitFor('the reader online in secure channel', async () => {
      const { readers } = (
        await fm.get<{ readers: { id: string; online: boolean; secureChannel: string }[] }>('/api/v1/readers')
      ).body;
      return readers.some((r) => r.id === 'front-in' && r.online && r.secureChannel === 'established')
        ? true
        : undefined;
    });
  }, 60_000);

  afterAll(async () => {
    watcher?.end(true);
    await gw?.stop();
    await bus?.stop();
    secure?.close();
    plain?.close();
    await rsyslog?.stop();
    await broker?.remove();
    if (gw) removeDir(gw.dataDir);
    if (dir) removeDir(dir);
  });

  const present = (who: keyof typeof people) => bus.pd(1).presentCard(encode('H10301', 21, people[who].card));
  const hitsAt = (url: string) => [...secure.hits, ...plain.hits].filter((h) => url.endsWith(h.path));
  const raisedAt = (url: string, type: string) =>
    waitFor(`${type} at ${url}`, async () =>
      hitsAt(url).find((h) => h.body.type === type && h.body.change === 'alarm.raised' && h.answered === 200),
    );
  const targets = async (client?: Client) => {
    const body = client
      ? (await client.get<{ components: { notifications: Record<string, unknown> } }>('/health/ready')).body
      : ((await (await fetch(`${gw.url}/health/ready`)).json()) as {
          components: { notifications: Record<string, unknown> };
        });
    return body.components.notifications as { status: string; targets?: TargetHealth[] };
  };
  let revokedAlarm: Hit;

  it('webhook over HTTPS with caFile naming the test CA: delivered, and the signature verifies', async () => {
    present('revoked');
    revokedAlarm = await raisedAt(marked, 'revoked-credential-used');
    expect(revokedAlarm.signatureValid).toBe(true);
    expect(revokedAlarm.body.deliveryId).toBe(revokedAlarm.delivery);
    // The marked target receives personal data.
    expect(revokedAlarm.body.cardholderId).toBe(people.revoked.id);
  });

  it('webhook over HTTPS without caFile: not trusted, retried, shown failing in health to an admin only', async () => {
    const failing = await waitFor('the untrusted target failing twice', async () => {
      const t = (await targets(admin)).targets?.find((x) => x.name === `webhook ${untrusted}`);
      return t && t.failures >= 2 && t.pending >= 1 ? t : undefined;
    });
    expect(failing.lastError).toMatch(/certificate/i);
    expect(failing.failingSince).not.toBeNull();
    expect(hitsAt(untrusted)).toEqual([]);
    const admins = await targets(admin);
    expect(admins.status).toBe('degraded');
    // Anonymous callers get the status and nothing else.
    expect(await targets()).toEqual({ status: 'degraded' });
  });

  it('syslog over TLS (RFC 5425): rsyslog with its gtls driver parses RFC 5424 with the enterprise number', async () => {
    const line = await waitFor('rsyslog got the alarm over TLS', async () =>
      rsyslog.lines().find((l) => l.includes(`id="${revokedAlarm.body.id}"`)),
    );
    const [severity, app, msgid, sd] = line.split('|');
    expect([severity, app, msgid]).toEqual(['err', 'gatehouse', 'alarm.raised']);
    expect(sd).toMatch(
      /^\[alarm@61234 id="[^"]+" delivery="[^"]+" type="revoked-credential-used" priority="high"/,
    );
    // The default audience: no cardholder in what the SIEM gets.
    expect(line).not.toContain(people.revoked.id);
    expect(line).not.toContain('cardholder=');
    // SNI carries host names only (RFC 6066): no server name for 127.0.0.1, and so no warning from Node.
    expect(gw.output()).not.toMatch(/DEP0123|ServerName to an IP/);
  });

  it('a silent alarm goes only to the marked target; a non-silent one carries no person to the default targets', async () => {
    present('watched');
    const silent = await raisedAt(marked, 'watch-listed-credential-used');
    expect(silent.body).toMatchObject({ silent: true, cardholderId: people.watched.id });
    expect(silent.signatureValid).toBe(true);
    // Then a non-silent alarm: every target drains in order, so once it arrived the silent one would have too.
    present('lost');
    const lost = await raisedAt(unmarked, 'lost-credential-used');
    await waitFor('the lost-card alarm on MQTT and at rsyslog', async () =>
      published.some((p) => p.payload.includes(lost.body.id)) &&
      rsyslog.lines().some((l) => l.includes(lost.body.id))
        ? true
        : undefined,
    );
    // A frame of its own, though no newline ends it: rsyslog read the RFC 5425 octet count.
    expect(rsyslog.lines().filter((l) => l.includes(lost.body.id))).toEqual([
      expect.stringMatching(
        /^err\|gatehouse\|alarm\.raised\|\[alarm@61234 id="[^"]+" delivery="[^"]+" type="lost-credential-used"/,
      ),
    ]);
    const everywhereElse = [
      ...hitsAt(unmarked).map((h) => h.raw),
      ...published.map((p) => `${p.topic} ${p.payload}`),
      ...rsyslog.lines(),
    ];
    expect(everywhereElse.filter((m) => m.includes(silent.body.id) || m.includes('watch-listed'))).toEqual(
      [],
    );
    for (const m of everywhereElse) {
      for (const person of Object.values(people)) expect(m).not.toContain(person.id);
      expect(m).not.toMatch(NAMES);
    }
    expect(lost.body.cardholderId).toBeNull();
    expect(lost.signatureValid).toBe(true);
    const onMqtt = published
      .filter((p) => p.topic.startsWith(`${prefix}/alarms/`))
      .map((p) => JSON.parse(p.payload) as { id: string; cardholderId: string | null });
    expect(onMqtt.find((p) => p.id === lost.body.id)).toMatchObject({ cardholderId: null });
    // The marked target got the same alarm with the person's id; names travel nowhere (the id is enough to look up).
    expect((await raisedAt(marked, 'lost-credential-used')).body.cardholderId).toBe(people.lost.id);
    expect(hitsAt(marked).filter((h) => NAMES.test(h.raw))).toEqual([]);
  });
});
