import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapAdmin, type Client, operatorClient, tokenClient } from '../support/client';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';
import { waitFor } from '../support/wait';

interface AlarmView {
  id: string;
  type: string;
  doorId: string;
  state: string;
  instructions: string;
}
interface BulkAnswer {
  acknowledged: number;
  results: { id: string; ok: boolean; error?: { code: string } }[];
}
interface HistoryAnswer {
  alarm: AlarmView;
  items: { change: string; by: string | null; automatic: boolean; text: string | null; siteTime: string }[];
}

/** mosquitto_pub, a real client, to the Mosquitto the e2e tier runs on 1883. */
const publish = (topic: string, message: string) => {
  const r = spawnSync(
    'mosquitto_pub',
    ['-h', '127.0.0.1', '-p', '1883', '-q', '1', '-t', topic, '-m', message],
    {
      encoding: 'utf8',
      timeout: 10_000,
    },
  );
  if (r.status !== 0) throw new Error(`mosquitto_pub failed (is Mosquitto running on 1883?): ${r.stderr}`);
};

describe('the console’s server side: system page, password rules, the alarm desk (real process, real broker)', () => {
  let gw: RunningGateway;
  let dir: string;
  let admin: Client;
  let auditor: Client;
  let guard: Client;
  let fm: Client;
  const suffix = randomBytes(3).toString('hex');
  const devices = { 'front-door': `cs_front_${suffix}`, 'floor-door': `cs_floor_${suffix}` };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-console-server-'));
    const site = join(dir, 'site.yaml');
    writeFileSync(
      site,
      [
        'demo:',
        '  seedSite: true',
        'mqtt:',
        '  url: mqtt://127.0.0.1:1883',
        `  clientId: gh-cs-${suffix}`,
        `  topicPrefix: gh-cs-${suffix}`,
        'alarms:',
        '  instructions:',
        "    forced-open: 'Call the duty manager on 2222, then check the door.'",
        'sensors:',
        ...Object.entries(devices).flatMap(([door, device]) => [
          `  - id: ${door}-contact`,
          `    door: ${door}`,
          '    converter: zigbee2mqtt',
          `    device: ${device}`,
        ]),
        '',
      ].join('\n'),
    );
    gw = await startGateway({ env: { GATEHOUSE_CONFIG: site } });
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    auditor = await operatorClient(admin, gw.url, 'audrey', ['auditor']);
    guard = await operatorClient(admin, gw.url, 'gina', ['guard']);
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    await waitFor('the gateway at the broker', async () => {
      const r = await admin.get<{ components: { mqtt?: { status: string } } }>('/api/v1/system');
      return r.body.components.mqtt?.status === 'up' ? true : undefined;
    });
  });
  afterAll(async () => {
    await gw?.stop();
    if (gw) removeDir(gw.dataDir);
    removeDir(dir);
  });

  it('shows the password rules to anyone, before the first administrator exists too', async () => {
    const r = await fetch(`${gw.url}/api/v1/auth/password-policy`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { minLength: number; maxLength: number; rules: string[] };
    expect(body).toMatchObject({ minLength: 12, maxLength: 256, lettersAndDigits: false });
    expect(body.rules[0]).toMatch(/^at least 12 characters/);
  });

  it('gives the admin and the auditor the system page, and nobody else', async () => {
    const r = await admin.get<{
      version: string;
      uptimeSeconds: number;
      components: Record<string, { status: string; since: string }>;
      journal: { entries: number; lastCheckpoint: unknown };
      storage: { databaseBytes: number; freeBytes: number; totalBytes: number };
      broker: { status: string; state: string; since: string | null } | null;
      readers: unknown;
    }>('/api/v1/system');
    expect(r.status).toBe(200);
    // The broker as its own row of the page, typed; a site without serial readers says it has none.
    expect(r.body.broker).toEqual(
      expect.objectContaining({ status: 'up', state: 'connected', since: expect.any(String) }),
    );
    expect(r.body.readers).toBeNull();
    expect(r.body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(r.body.components)).toEqual(expect.arrayContaining(['storage', 'journal', 'mqtt']));
    expect(r.body.components.journal!.since).toEqual(expect.any(String));
    expect(r.body.journal.entries).toBeGreaterThan(10);
    expect(r.body.storage.databaseBytes).toBeGreaterThan(0);
    expect(r.body.storage.freeBytes).toBeGreaterThan(0);
    expect(r.body.storage.totalBytes).toBeGreaterThanOrEqual(r.body.storage.freeBytes);
    expect((await auditor.get('/api/v1/system')).status).toBe(200);
    expect((await guard.get('/api/v1/system')).status).toBe(403);
    expect((await fetch(`${gw.url}/api/v1/system`)).status).toBe(401);
  });

  it('refuses an administrator what would lock them out of their own account, and a token revoking itself, with the reason', async () => {
    const me = await admin.get<{ operator: { id: string } }>('/api/v1/auth/session');
    const own = `/api/v1/operators/${me.body.operator.id}`;
    const refused = (r: { status: number; body: unknown }, why: RegExp) => {
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({
        error: { code: 'operator.self-lockout', message: expect.stringMatching(why) },
      });
    };
    refused(await admin.patch(own, { disabled: true }), /cannot disable your own account/);
    refused(await admin.patch(own, { roles: ['auditor'] }), /cannot remove your own admin role/);
    refused(await admin.post(`${own}/password`, { password: 'granite lantern harbour 7' }), /My account/);
    refused(await admin.post(`${own}/second-factor/reset`, { reason: 'lost phone' }), /My account/);
    // Still signed in, still an administrator.
    expect((await admin.get<{ roles: string[] }>('/api/v1/auth/session')).body.roles).toEqual(['admin']);

    const machine = await tokenClient(admin, gw.url, ['admin'], 'rotating');
    const tokens = await admin.get<{ items: { id: string; name: string }[] }>('/api/v1/tokens');
    const itself = tokens.body.items.find((t) => t.name === 'rotating')!;
    const selfRevoke = await machine.post(`/api/v1/tokens/${itself.id}/revoke`);
    expect(selfRevoke.status).toBe(409);
    expect(selfRevoke.body).toMatchObject({ error: { code: 'token.self-revoke' } });
    expect((await machine.get('/api/v1/tokens')).status).toBe(200);
    expect((await admin.post(`/api/v1/tokens/${itself.id}/revoke`)).status).toBe(200);
    expect((await machine.get('/api/v1/tokens')).status).toBe(401);
  });

  it('acknowledges forced doors in bulk, each journaled, with instructions and a history naming the guard', async () => {
    for (const device of Object.values(devices))
      publish(`zigbee2mqtt/${device}`, JSON.stringify({ contact: true }));
    await waitFor('both doors secure', async () => {
      const board = await guard.get<{ items: { doorId: string; phase: string }[] }>('/api/v1/doors/board');
      const secure = board.body.items.filter((d) => d.doorId in devices && d.phase === 'secure');
      return secure.length === 2 ? true : undefined;
    });
    for (const device of Object.values(devices))
      publish(`zigbee2mqtt/${device}`, JSON.stringify({ contact: false }));
    const alarms = await waitFor('two forced-open alarms', async () => {
      const r = await guard.get<{ items: AlarmView[] }>('/api/v1/alarms');
      const forced = r.body.items.filter((a) => a.type === 'forced-open');
      return forced.length === 2 ? forced : undefined;
    });
    const front = alarms.find((a) => a.doorId === 'front-door')!;
    const floor = alarms.find((a) => a.doorId === 'floor-door')!;
    expect(front.instructions).toBe('Call the duty manager on 2222, then check the door.');
    expect(floor.instructions).toBe(front.instructions); // the site's text is per type
    expect((await guard.get<AlarmView>(`/api/v1/alarms/${front.id}`)).body.instructions).toBe(
      front.instructions,
    );

    const nobody = '00000000-0000-4000-8000-000000000000';
    expect((await fm.post('/api/v1/alarms/acknowledge', { ids: [front.id], reason: 'x' })).status).toBe(403);
    expect(
      (await guard.post('/api/v1/alarms/acknowledge', { ids: [front.id, front.id], reason: 'x' })).status,
    ).toBe(400);
    const bulk = await guard.post<BulkAnswer>('/api/v1/alarms/acknowledge', {
      ids: [front.id, floor.id, nobody],
      reason: 'both doors checked on camera',
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.acknowledged).toBe(2);
    expect(bulk.body.results.map((r) => [r.id, r.ok, r.error?.code])).toEqual([
      [front.id, true, undefined],
      [floor.id, true, undefined],
      [nobody, false, 'alarm.not-found'],
    ]);
    // The comment is optional, as for one alarm: this one is refused for being acknowledged already.
    const again = await guard.post<BulkAnswer>('/api/v1/alarms/acknowledge', { ids: [front.id] });
    expect(again.status).toBe(200);
    expect(again.body.results[0]!.error?.code).toBe('alarm.already-acknowledged');

    const acks = await auditor.get<{ items: { subjects: { kind: string; id: string }[] }[] }>(
      '/api/v1/journal?type=alarm.acknowledged',
    );
    expect(
      acks.body.items.flatMap((e) => e.subjects.filter((s) => s.kind === 'alarm').map((s) => s.id)).sort(),
    ).toEqual([front.id, floor.id].sort());

    const history = await auditor.get<HistoryAnswer>(`/api/v1/alarms/${front.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((h) => [h.change, h.by, h.automatic])).toEqual([
      ['alarm.raised', null, true],
      // The guard by the name they are shown by, not their user name.
      ['alarm.acknowledged', 'gina tester', false],
    ]);
    expect(history.body.items[1]!.text).toBe('both doors checked on camera');
    expect((await guard.get(`/api/v1/alarms/${nobody}/history`)).status).toBe(404);
  });
});
