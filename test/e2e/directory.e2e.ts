import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from '../../libs/bridge-protocol/src';
import { fixtureText } from '../../libs/logins/src/fixtures';
import type { SimulatedOsdpBus } from '../../libs/testing/src';
import { launchChromium, openConsole, seriousA11yViolations, withFailureShot } from '../support/browser';
import { bootstrapAdmin, type Client, operatorClient, tokenClient } from '../support/client';
import { frontReaderOnline, startFrontReader } from '../support/front-reader';
import { freePort, removeDir, type RunningGateway, startGatewayWithSite } from '../support/gateway';
import {
  ADMIN_DN,
  ADMIN_PASSWORD,
  baseLdif,
  groupLdif,
  personLdif,
  type Slapd,
  startSlapd,
  SUFFIX,
} from '../support/slapd';
import { waitFor } from '../support/wait';

const FRONT_KEY = '8f1a2b3c4d5e6f708192a3b4c5d6e7f8';
const UIDS = ['ann', 'bob', 'cara', 'dan', 'eve', 'fay', 'gus', 'hal'] as const;
const cardOf = (i: number) => ({ format: 'H10301', number: `21:${20001 + i}` });

interface Run {
  result: 'applied' | 'unchanged' | 'refused' | 'failed';
  fault: { kind: string; message: string } | null;
  refusal: { reason: string; leavers: number; linked: number; allowed: number } | null;
  counts: Record<string, number>;
  changes: {
    cardholderId: string;
    name: string | null;
    change: string;
    reason?: string;
    suspendedCredentials?: number;
  }[];
}
interface Person {
  id: string;
  state: string;
  department: string | null;
  levelIds: string[];
  credentials?: { id: string; state: string }[];
}
interface Alarm {
  type: string;
  cardholderId: string | null;
  detail: string | null;
}
interface Entry {
  type: string;
  actor?: { kind: string; name?: string };
  subjects: { kind: string; id: string }[];
  payload: Record<string, unknown>;
  personal?: { personId: string; paths: string[]; opened?: boolean };
}

/**
 * Directory sync against a real OpenLDAP slapd over LDAPS (a test CA), with
 * the demo site and one simulated OSDP reader at the front door: people and
 * group levels mapped, leavers (disabled, removed) suspended within one sync
 * and their later card or login alarmed, and each way the directory can fail
 * leaves the last good mapping alone.
 */
describe('directory sync with a real slapd', () => {
  let dir: string;
  let slapd: Slapd;
  let bus: SimulatedOsdpBus;
  let gw: RunningGateway;
  let admin: Client;
  let fm: Client;
  let agent: Client;
  const ids = new Map<string, string>();
  const passwordFile = () => join(dir, 'bind-password');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-directory-'));
    slapd = await startSlapd(join(dir, 'ldap'), await freePort(), await freePort());
    slapd.modify(
      [
        baseLdif(),
        ...UIDS.map((u, i) =>
          personLdif(u, `${u[0]!.toUpperCase()}${u.slice(1)} Person`, 'Directory Dept', `D${i}`),
        ),
        personLdif('zed', 'Zed Nobody', 'Nowhere', 'D99'),
        groupLdif('server-admins', ['ann']),
        groupLdif('call-agents', UIDS.slice(1)),
      ].join('\n'),
    );
    writeFileSync(passwordFile(), `${ADMIN_PASSWORD}\n`, { mode: 0o600 });
    const front = await startFrontReader(dir, FRONT_KEY, 3001);
    bus = front.bus;
    gw = await startGatewayWithSite(
      dir,
      [
        'demo:',
        '  seedSite: true',
        ...front.siteLines,
        'directory:',
        '  enabled: true',
        '  kind: openldap',
        `  url: ${slapd.ldapsUrl}`,
        `  caFile: ${slapd.caFile}`,
        `  bindDn: "${ADMIN_DN}"`,
        `  bindPassword: { file: ${passwordFile()} }`,
        `  baseDn: "ou=people,${SUFFIX}"`,
        `  groupBaseDn: "ou=groups,${SUFFIX}"`,
        '  domain: CORP',
        '  disabledFilter: "(pwdAccountLockedTime=*)"',
        '  attributes: { department: ou, employeeNumber: employeeNumber }',
        '  groupLevels:',
        '    server-admins: [it]',
        '    call-agents: [staff]',
        '  intervalSeconds: 30',
        '  timeoutSeconds: 3',
        '  safety: { maxLeaverFraction: 0.25, alwaysAllow: 1 }',
      ],
      { timeoutMs: 45_000 },
    );
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    agent = await tokenClient(admin, gw.url, ['login-source'], 'nxlog-agent');
    for (const [i, uid] of UIDS.entries()) {
      const c = await fm.post<{ id: string }>('/api/v1/access/cardholders', {
        name: `${uid} (console)`,
        directoryAccount: `CORP\\${uid}`,
      });
      expect(c.status).toBe(201);
      ids.set(uid, c.body.id);
      const card = await fm.post('/api/v1/access/credentials', { ...cardOf(i), cardholderId: c.body.id });
      expect(card.status).toBe(201);
    }
    await frontReaderOnline(fm);
  }, 120_000);

  afterAll(async () => {
    await gw?.stop();
    await bus?.stop();
    await slapd?.stop();
    if (gw) removeDir(gw.dataDir);
    if (dir) removeDir(dir);
  });

  const sync = async () => {
    const r = await fm.post<Run>('/api/v1/directory/sync', {});
    expect(r.status).toBe(200);
    return r.body;
  };
  const person = async (uid: string) =>
    (await fm.get<Person>(`/api/v1/access/cardholders/${ids.get(uid)!}`)).body;
  const alarms = async () => (await admin.get<{ items: Alarm[] }>('/api/v1/alarms')).body.items;
  const journal = async (query: string) =>
    (await admin.get<{ items: Entry[] }>(`/api/v1/journal?${query}`)).body.items;

  it('maps people: name, department and the levels of their directory groups', async () => {
    const run = await sync();
    expect(run.fault).toBeNull();
    expect(run.counts.linked).toBe(8);
    const ann = await person('ann');
    expect(ann.department).toBe('Directory Dept');
    expect(ann.levelIds).toEqual(['it']);
    expect((await person('bob')).levelIds).toEqual(['staff']);
    // Changed by the sync, as the journal says (the system's actor, the person as subject).
    const updated = await journal(`type=cardholder.updated&person=${ids.get('ann')!}`);
    expect(updated.some((e) => e.actor?.name === 'directory-sync')).toBe(true);
    const status = (
      await admin.get<{ lastRun: Run; linked: number; lastGoodAt: string }>('/api/v1/directory/status')
    ).body;
    expect([status.linked, status.lastGoodAt !== null]).toEqual([8, true]);
  });

  it('lists the directory accounts that map to nobody, for the facility manager only', async () => {
    const r = await fm.get<{ count: number; accounts: { account: string; name: string }[] }>(
      '/api/v1/directory/unmapped',
    );
    expect(r.body.count).toBe(1);
    expect(r.body.accounts).toEqual([{ account: 'CORP\\zed', name: 'Zed Nobody', disabled: false }]);
    expect((await admin.get('/api/v1/directory/unmapped')).status).toBe(403);
    expect((await agent.post('/api/v1/directory/sync', {})).status).toBe(403);
  });

  it('shows a facility manager the sync and the accounts to map in the console, and syncs on request', async () => {
    const browser = await launchChromium();
    try {
      const page = await openConsole(browser, gw.url, 'fran');
      await withFailureShot(page, 'directory-page', async () => {
        await page.getByRole('link', { name: 'Directory sync' }).click();
        await page.getByRole('heading', { name: 'Directory sync', level: 2 }).waitFor();
        // The first sync's changes, people by name.
        const changes = page.getByTestId('directory-changes');
        await changes
          .locator('tr', { hasText: 'Ann Person' })
          .getByText(/updated: .*department/)
          .waitFor();
        await page
          .getByTestId('directory-unmapped')
          .getByText('1 directory account(s) map to nobody.')
          .waitFor();
        await page.getByRole('button', { name: 'Sync now' }).click();
        await page.getByTestId('note-sync').getByText('Directory synced.').waitFor();
        await page
          .getByTestId('directory-status')
          .getByText(/: No changes/)
          .waitFor();
        // A quiet run does not hide the last run that changed someone.
        await page.getByRole('heading', { name: 'Last changes', level: 3 }).waitFor();
        await changes.getByText('Ann Person').waitFor();
        expect(await seriousA11yViolations(page, 'directory sync')).toEqual([]);
        // The account to map, from the directory, with its name there.
        await page.getByRole('link', { name: 'Accounts and workstations to map' }).click();
        const zed = page.getByTestId('accounts-to-map').locator('tr', { hasText: 'CORP\\zed' });
        await zed.getByText('Zed Nobody').waitFor();
        expect(await seriousA11yViolations(page, 'accounts to map')).toEqual([]);
      });
      await page.context().close();
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('suspends a disabled account’s cards at the next sync, journaled with the account sealed', async () => {
    slapd.modify(
      `dn: uid=ann,ou=people,${SUFFIX}\nchangetype: modify\nreplace: pwdAccountLockedTime\npwdAccountLockedTime: 000001010000Z\n`,
    );
    // The sync asked for applies it; should a scheduled one (every 30 s here) be mid-read, the next ask does.
    const runs: Run[] = [];
    const ann = await waitFor('ann left after a sync', async () => {
      runs.push(await sync());
      const p = await person('ann');
      return p.state === 'left' ? p : undefined;
    });
    expect(ann.credentials?.map((c) => c.state)).toEqual(['suspended']);
    // The change names the person, not their id (the run that applied it: asked for, or the last one).
    const status = (await fm.get<{ lastRun: Run }>('/api/v1/directory/status')).body;
    const left = [...runs, status.lastRun]
      .flatMap((r) => r.changes)
      .find((c) => c.cardholderId === ids.get('ann') && c.change === 'left');
    expect(left?.name).toBe('Ann Person');
    // The reason commits in the state change's transaction: seen with it, never a commit behind.
    const [leaver] = await journal(`type=directory.leaver&person=${ids.get('ann')!}`);
    expect(leaver!.payload.reason).toBe('disabled');
    expect(leaver!.payload.suspended).toEqual([ann.credentials![0]!.id]);
    // The account is a person's data: sealed under the person's key (shown opened to those who may read it).
    expect(leaver!.personal).toMatchObject({ personId: ids.get('ann'), paths: ['account'], opened: true });
  });

  it('raises an alarm when the leaver’s card or account is used afterwards', async () => {
    bus.pd(1).presentCard(encode('H10301', 21, 20001));
    // NXLog's EventTime has whole seconds: the logon is sent a second after the leaving, not within it.
    await new Promise((r) => setTimeout(r, 1100));
    const record = 7_000_001;
    const logon = JSON.parse(fixtureText('nxlog/4624-interactive.json')) as Record<string, unknown>;
    const now = new Date().toISOString().replace('T', ' ').slice(0, 19);
    Object.assign(logon, {
      TargetUserName: 'ann',
      RecordNumber: record,
      EventTime: now,
      EventReceivedTime: now,
    });
    expect((await agent.post('/api/v1/logins', logon)).status).toBe(200);
    const found = await waitFor(
      'leaver alarms for the card and the logon',
      async () => {
        const mine = (await alarms()).filter(
          (a) => a.type === 'leaver-activity' && a.cardholderId === ids.get('ann'),
        );
        return mine.some((a) => /card refused|passed/.test(a.detail ?? '')) &&
          mine.some((a) => /logon/.test(a.detail ?? ''))
          ? mine
          : undefined;
      },
      20_000,
    );
    expect(found.length).toBeGreaterThanOrEqual(2);
  });

  it('suspends a removed account on the scheduled sync, within one interval, without being asked', async () => {
    slapd.modify(`dn: uid=bob,ou=people,${SUFFIX}\nchangetype: delete\n`);
    const bob = await waitFor(
      'bob left',
      async () => {
        const p = await person('bob');
        return p.state === 'left' ? p : undefined;
      },
      40_000,
      500,
    );
    expect(bob.state).toBe('left');
    // The reason commits in the state change's transaction: seen with it, never a commit behind.
    const [leaver] = await journal(`type=directory.leaver&person=${ids.get('bob')!}`);
    expect([leaver?.payload.reason, leaver?.actor?.name]).toEqual(['removed', 'directory-sync']);
  }, 60_000);

  it('a directory that is down raises an alarm and keeps the last good mapping', async () => {
    await slapd.stop();
    try {
      const run = await sync();
      expect([run.result, run.fault?.kind]).toEqual(['failed', 'unreachable']);
      const cara = await person('cara');
      expect([cara.state, cara.levelIds]).toEqual(['active', ['staff']]);
      const alarm = (await alarms()).find((a) => a.type === 'directory-unreachable');
      expect(alarm?.detail).toMatch(/last good mapping is kept/);
      const status = (await admin.get<{ linked: number }>('/api/v1/directory/status')).body;
      expect(status.linked).toBe(6);
      const health = await admin.get<{ components: Record<string, Record<string, unknown>> }>(
        '/health/ready',
      );
      expect(health.body.components.directory).toMatchObject({ status: 'degraded', linked: 6 });
      const metrics = await admin.get<string>('/metrics');
      expect(metrics.text).toMatch(/^gatehouse_directory_linked 6$/m);
    } finally {
      await slapd.start();
    }
  });

  it('a refused bind raises an alarm, and the password is in no answer', async () => {
    writeFileSync(passwordFile(), 'a-wrong-password-31\n');
    try {
      const run = await sync();
      expect([run.result, run.fault?.kind]).toEqual(['failed', 'bind-refused']);
      expect(JSON.stringify(run)).not.toContain('a-wrong-password-31');
      // Nor in the gateway's log, where the failure is told (the right password never either).
      expect(gw.output()).toContain('directory sync could not read the directory');
      expect(gw.output()).not.toContain('a-wrong-password-31');
      expect(gw.output()).not.toContain(ADMIN_PASSWORD);
      expect((await alarms()).some((a) => a.type === 'directory-bind-refused')).toBe(true);
      expect((await person('cara')).state).toBe('active');
    } finally {
      writeFileSync(passwordFile(), `${ADMIN_PASSWORD}\n`);
    }
    expect((await sync()).result).not.toBe('failed');
  });

  it('never suspends in bulk from an empty or mostly missing answer: refused, journaled, alarmed', async () => {
    // Four of the six linked people gone at once (more than a quarter): refused whole.
    for (const uid of ['cara', 'dan', 'eve', 'fay'])
      slapd.modify(`dn: uid=${uid},ou=people,${SUFFIX}\nchangetype: delete\n`);
    const partial = await sync();
    expect([partial.result, partial.refusal?.reason, partial.refusal?.leavers]).toEqual([
      'refused',
      'too-many-leavers',
      4,
    ]);
    // Then nobody at all.
    for (const uid of ['ann', 'gus', 'hal', 'zed'])
      slapd.modify(`dn: uid=${uid},ou=people,${SUFFIX}\nchangetype: delete\n`);
    const empty = await sync();
    expect([empty.result, empty.refusal?.reason]).toEqual(['refused', 'empty-answer']);
    for (const uid of ['cara', 'dan', 'eve', 'fay', 'gus', 'hal'])
      expect((await person(uid)).state).toBe('active');
    expect((await alarms()).some((a) => a.type === 'directory-mass-leavers')).toBe(true);
    expect((await journal('type=directory.refused')).length).toBeGreaterThanOrEqual(1);
  });
});
