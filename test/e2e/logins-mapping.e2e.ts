import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapAdmin, type Client, operatorClient, tokenClient } from '../support/client';
import { removeDir, type RunningGateway, startGatewayWithSite } from '../support/gateway';
import { winlogbeatLogon } from '../support/logins';
import { waitFor } from '../support/wait';

interface Entry {
  type: string;
  actor?: { kind: string; name?: string };
  subjects: { kind: string; id: string }[];
  payload: Record<string, unknown>;
}
interface Row {
  personId: string | null;
  name: string | null;
  host: string;
  zone: string | null;
  zoneName: string | null;
  remote: boolean;
}

/**
 * Mapping over HTTP, as the facility manager does it: an account mapped while
 * its session is open makes that session the person's at once (not at the
 * next login), and a workstation placed in a zone or marked remote holds for
 * the next logins and leaves the list to place; both journaled as hers.
 */
describe('mapping accounts and placing workstations', () => {
  let dir: string;
  let gw: RunningGateway;
  let admin: Client;
  let fm: Client;
  let guard: Client;
  let agent: Client;
  let record = 7_200_000;

  /** A Windows interactive logon (4624, type 2) of `user` at `host`, now, as Winlogbeat ships it. */
  const logon = async (user: string, host: string) => {
    record += 1;
    const r = await agent.post<{ results: { outcome: string }[] }>(
      '/api/v1/logins',
      winlogbeatLogon(user, host, record),
    );
    expect([r.status, r.body.results[0]?.outcome]).toEqual([200, 'accepted']);
  };
  const sessions = async () => (await guard.get<{ sessions: Row[] }>('/api/v1/sessions')).body.sessions;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-mapping-'));
    gw = await startGatewayWithSite(
      dir,
      ['demo:', '  seedSite: true', 'logins:', '  workstations:', '    ws-ann: { zone: lobby }'],
      { timeoutMs: 45_000 },
    );
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    guard = await operatorClient(admin, gw.url, 'gita', ['guard']);
    agent = await tokenClient(admin, gw.url, ['login-source'], 'winlogbeat');
  }, 90_000);

  afterAll(async () => {
    await gw?.stop();
    if (gw) removeDir(gw.dataDir);
    if (dir) removeDir(dir);
  });

  it('makes the open session of an account the person’s as soon as the account is mapped', async () => {
    await logon('kim', 'ws-ann');
    expect((await sessions()).map((s) => [s.name, s.personId, s.host])).toEqual([[null, null, 'ws-ann']]);
    const kim = await fm.post<{ id: string }>('/api/v1/access/cardholders', {
      name: 'Kim Kay',
      levelIds: [],
    });
    expect(kim.status).toBe(201);
    const mapped = await fm.post('/api/v1/mapping/accounts', {
      account: 'CORP\\kim',
      cardholderId: kim.body.id,
    });
    expect(mapped.status).toBe(200);
    // At once: the answer came after the attribution, no new login needed.
    expect((await sessions()).map((s) => [s.name, s.personId, s.host, s.zoneName])).toEqual([
      ['Kim Kay', kim.body.id, 'ws-ann', 'Lobby'],
    ]);
    const entries = await waitFor('the attribution on record', async () => {
      // Login entries are the admin's and the auditor's to read (journal categories).
      const r = await admin.get<{ items: Entry[] }>(
        `/api/v1/journal?type=login.session-attributed&person=${kim.body.id}`,
      );
      return r.body.items.length > 0 ? r.body.items : undefined;
    });
    expect(entries.map((e) => [e.subjects, e.payload.host, e.payload.personId])).toEqual([
      [
        [
          { kind: 'person', id: kim.body.id },
          { kind: 'workstation', id: 'ws-ann' },
        ],
        'ws-ann',
        kim.body.id,
      ],
    ]);
  }, 60_000);

  it('places a workstation in a zone or marks it remote, for the facility manager only, journaled as hers', async () => {
    await logon('lou', 'ws-lou');
    await logon('vic', 'vpn-gw');
    type ToMap = { workstations: { host: string }[] };
    expect((await fm.get<ToMap>('/api/v1/mapping')).body.workstations.map((w) => w.host).sort()).toEqual([
      'vpn-gw',
      'ws-lou',
    ]);
    expect((await guard.post('/api/v1/mapping/workstations', { host: 'ws-lou', zone: 'lobby' })).status).toBe(
      403,
    );
    type Refusal = { error: { code: string } };
    const unknown = await fm.post<Refusal>('/api/v1/mapping/workstations', { host: 'ws-lou', zone: 'mars' });
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'zone.unknown']);
    const neither = await fm.post<Refusal>('/api/v1/mapping/workstations', { host: 'ws-lou' });
    expect(neither.status).toBe(400);

    const placed = await fm.post('/api/v1/mapping/workstations', { host: 'WS-LOU', zone: 'floor-1' });
    expect([placed.status, placed.body]).toEqual([
      200,
      expect.objectContaining({ host: 'ws-lou', zone: 'floor-1', remote: false, setBy: 'fran' }),
    ]);
    expect((await fm.post('/api/v1/mapping/workstations', { host: 'vpn-gw', remote: true })).status).toBe(
      200,
    );
    expect((await fm.get<ToMap>('/api/v1/mapping')).body.workstations).toEqual([]);
    expect(
      (await fm.get<{ host: string }[]>('/api/v1/mapping/workstations')).body.map((w) => w.host),
    ).toEqual(['vpn-gw', 'ws-lou']);

    // The next logins carry the place.
    await logon('lou', 'ws-lou');
    await logon('vic', 'vpn-gw');
    const rows = await sessions();
    expect(rows.find((s) => s.host === 'ws-lou')).toMatchObject({ zone: 'floor-1', remote: false });
    expect(rows.find((s) => s.host === 'vpn-gw')).toMatchObject({ zone: null, remote: true });

    const journal = (await fm.get<{ items: Entry[] }>('/api/v1/journal?type=workstation.placed')).body.items;
    expect(
      journal.map((e) => [e.actor?.name, e.payload.host, e.payload.zone, e.payload.remote]).sort(),
    ).toEqual([
      ['fran', 'vpn-gw', null, true],
      ['fran', 'ws-lou', 'floor-1', false],
    ]);
    // Taken back: listed to place again at its next login.
    expect((await guard.request('DELETE', '/api/v1/mapping/workstations/ws-lou', undefined, {})).status).toBe(
      403,
    );
    expect((await fm.request('DELETE', '/api/v1/mapping/workstations/ws-lou', undefined, {})).status).toBe(
      204,
    );
    expect((await fm.request('DELETE', '/api/v1/mapping/workstations/ws-lou', undefined, {})).status).toBe(
      404,
    );
    expect((await fm.get<ToMap>('/api/v1/mapping')).body.workstations.map((w) => w.host)).toEqual(['ws-lou']);
  }, 60_000);
});
