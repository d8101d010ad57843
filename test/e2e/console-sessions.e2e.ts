import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { encode } from '../../libs/bridge-protocol/src';
import type { SimulatedOsdpBus } from '../../libs/testing/src';
import { launchChromium, openConsole, seriousA11yViolations, withFailureShot } from '../support/browser';
import { bootstrapAdmin, type Client, operatorClient, tokenClient } from '../support/client';
import { frontReaderOnline, startFrontReader } from '../support/front-reader';
import { removeDir, type RunningGateway, startGatewayWithSite } from '../support/gateway';
import { winlogbeatLogon } from '../support/logins';
import { waitFor } from '../support/wait';

const FRONT_KEY = '4d5e6f708192a3b4c5d6e7f88f1a2b3c';
/** Facility 33: none of the demo's own cards. */
const card = (n: number) => ({ format: 'H10301', number: `33:${n}` });

interface Entry {
  type: string;
  actor?: { kind: string; name?: string };
  payload: Record<string, unknown>;
  personal?: { personId: string; paths: string[]; opened?: boolean };
}

/**
 * Who is logged in where, and what is left to map, as the console shows them,
 * with the demo site and one simulated OSDP reader at its front door (into
 * the lobby): Ann logged in at a lobby workstation and badged in, Bob logged
 * in on the call floor with no badge-in, and an account nobody is mapped to
 * on a workstation no zone holds. Logins come in over the HTTP route as
 * Winlogbeat documents.
 */
describe('the console’s sessions and mapping pages', () => {
  let dir: string;
  let bus: SimulatedOsdpBus;
  let gw: RunningGateway;
  let admin: Client;
  let fm: Client;
  let agent: Client;
  let record = 5_100_000;
  const ids = new Map<string, string>();

  /** A Windows interactive logon (4624, type 2) of `user` at `host`, now, as Winlogbeat ships it. */
  const logon = async (user: string, host: string) => {
    record += 1;
    const r = await agent.post<{ results: { outcome: string }[] }>(
      '/api/v1/logins',
      winlogbeatLogon(user, host, record),
    );
    expect([r.status, r.body.results[0]?.outcome]).toEqual([200, 'accepted']);
  };
  const person = async (name: string, account: string | null, n: number | null) => {
    const c = await fm.post<{ id: string }>('/api/v1/access/cardholders', {
      name,
      directoryAccount: account,
      levelIds: ['it'],
    });
    expect(c.status).toBe(201);
    ids.set(name, c.body.id);
    if (n !== null)
      expect(
        (await fm.post('/api/v1/access/credentials', { ...card(n), cardholderId: c.body.id })).status,
      ).toBe(201);
  };
  const badgeIn = async (name: string, n: number) => {
    bus.pd(1).presentCard(encode('H10301', 33, n));
    await waitFor(`${name} on site`, async () => {
      const r = await fm.get<{ items: { cardholderId: string }[] }>('/api/v1/access/presence');
      return r.body.items.some((p) => p.cardholderId === ids.get(name)) ? true : undefined;
    });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-sessions-'));
    const front = await startFrontReader(dir, FRONT_KEY, 3101);
    bus = front.bus;
    gw = await startGatewayWithSite(
      dir,
      [
        'demo:',
        '  seedSite: true',
        ...front.siteLines,
        'logins:',
        '  workstations:',
        '    ws-ann: { zone: lobby }',
        '    ws-bob: { zone: floor-1 }',
      ],
      { timeoutMs: 45_000 },
    );
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    await operatorClient(admin, gw.url, 'gita', ['guard']);
    agent = await tokenClient(admin, gw.url, ['login-source'], 'winlogbeat');
    await person('Ann Archer', 'CORP\\ann', 40001);
    await person('Bob Baker', 'CORP\\bob', 40002);
    await person('Zoe Zed', null, null);
    await frontReaderOnline(fm);
    await badgeIn('Ann Archer', 40001);
    await logon('ann', 'ws-ann');
    await logon('bob', 'ws-bob');
    await logon('zed', 'ws-zed');
  }, 120_000);

  afterAll(async () => {
    await gw?.stop();
    await bus?.stop();
    if (gw) removeDir(gw.dataDir);
    if (dir) removeDir(dir);
  });

  const rowOf = (page: Page, name: string) =>
    page.getByTestId('sessions').locator('tbody tr').filter({ hasText: name });

  it('shows a guard who is logged in where, by name, with the one not badged in first and in red words', async () => {
    const browser = await launchChromium();
    try {
      const page = await openConsole(browser, gw.url, 'gita');
      await withFailureShot(page, 'sessions-now', async () => {
        await page.getByRole('link', { name: 'Sessions now' }).click();
        await page.getByRole('heading', { name: 'Sessions now', level: 2 }).waitFor();
        await rowOf(page, 'Ann Archer').getByText('Badged in here (Lobby)').waitFor();
        await expect(rowOf(page, 'Bob Baker').locator('.standing').textContent()).resolves.toBe(
          'Not badged in',
        );
        await expect(page.getByTestId('sessions-summary').textContent()).resolves.toContain(
          '1 person is logged in without a badge-in.',
        );
        // Worst first: Bob, then the account nobody is mapped to, then Ann.
        const people = await page.getByTestId('sessions').locator('tbody th').allTextContents();
        expect(people).toEqual(['Bob Baker', 'Unknown account (not mapped to a person)', 'Ann Archer']);
        const bob = rowOf(page, 'Bob Baker');
        await expect(bob.textContent()).resolves.toContain('ws-bob (Call floor)');
        // No digest, no id, no account name for a guard (guards do not see directory accounts).
        const text = (await page.getByTestId('sessions').textContent()) ?? '';
        expect(text).not.toMatch(/acct:|corp\\|CORP\\/);
        for (const id of ids.values()) expect(text).not.toContain(id);
        expect(await seriousA11yViolations(page, 'sessions now')).toEqual([]);

        // Live: Bob badges in at the front door; his row says so without a reload.
        const cards = await fm.post('/api/v1/access/credentials', {
          ...card(40003),
          cardholderId: ids.get('Bob Baker'),
        });
        expect(cards.status).toBe(201);
        bus.pd(1).presentCard(encode('H10301', 33, 40003));
        await bob.getByText('Badged in elsewhere (Lobby)').waitFor({ timeout: 10_000 });
        await expect(page.getByTestId('sessions-summary').textContent()).resolves.not.toContain(
          'without a badge-in',
        );
        // A new login shows without a reload: the stream tells the guard's page that logins came in.
        await logon('bob', 'ws-ann');
        await rowOf(page, 'Bob Baker')
          .filter({ hasText: 'ws-ann' })
          .getByText('Badged in here (Lobby)')
          .waitFor({
            timeout: 10_000,
          });
      });
      await page.context().close();

      // A phone: each session a labelled card.
      const phone = await openConsole(browser, gw.url, 'gita', { viewport: { width: 390, height: 844 } });
      await withFailureShot(phone, 'sessions-phone', async () => {
        await phone.goto(`${gw.url}/#/sessions`);
        const ann = rowOf(phone, 'Ann Archer');
        await ann.locator('td[data-label="Badge-in"]').waitFor();
        const box = await ann.boundingBox();
        expect(box!.width).toBeLessThanOrEqual(390);
        expect(await seriousA11yViolations(phone, 'sessions now on a phone')).toEqual([]);
      });
      await phone.context().close();
    } finally {
      await browser.close();
    }
  }, 90_000);

  it('lists the account and the workstation nobody mapped, and maps the account to a person picked by name', async () => {
    const browser = await launchChromium();
    try {
      const page = await openConsole(browser, gw.url, 'fran');
      await withFailureShot(page, 'to-map', async () => {
        await page.getByRole('link', { name: 'Accounts to map' }).click();
        await page.getByRole('heading', { name: 'Accounts and workstations to map', level: 2 }).waitFor();
        const accounts = page.getByTestId('accounts-to-map');
        await accounts.getByRole('rowheader', { name: 'corp\\zed' }).waitFor();
        await page.getByTestId('workstations-to-place').getByRole('rowheader', { name: 'ws-zed' }).waitFor();
        // Who places a workstation, in words; the configuration key only behind "Show ids (advanced)".
        const hint = page.getByText('Your administrator places each workstation in a zone');
        expect(await hint.innerText()).not.toMatch(/site file|logins\.workstations/);
        await page.getByLabel('Show ids (advanced)').check();
        await hint.getByText('logins.workstations', { exact: false }).waitFor();
        await page.getByLabel('Show ids (advanced)').uncheck();
        await expect(page.getByTestId('to-map-summary').textContent()).resolves.toContain(
          '1 account maps to nobody; 1 workstation is in no zone.',
        );
        expect(await seriousA11yViolations(page, 'accounts to map')).toEqual([]);

        await page.getByRole('button', { name: 'Map to a person for corp\\zed' }).click();
        await page.getByLabel("Person's name").fill('zoe');
        await page.getByRole('radio', { name: /Zoe Zed/ }).check();
        expect(await seriousA11yViolations(page, 'mapping an account')).toEqual([]);
        await page.getByRole('button', { name: 'Map to Zoe Zed' }).click();
        await page.getByTestId('note-map').getByText('corp\\zed now maps to Zoe Zed.').waitFor();
        await accounts.getByText('Every account seen maps to a person.').waitFor();
      });
      await page.context().close();
    } finally {
      await browser.close();
    }
    // Journaled as the operator's change of Zoe, the account sealed under her key (read back opened
    // by the facility manager, who may see directory accounts).
    const zoe = ids.get('Zoe Zed')!;
    const entries = (
      await fm.get<{ items: Entry[] }>(`/api/v1/journal?type=cardholder.updated&person=${zoe}`)
    ).body.items;
    const mapped = entries.find((e) => JSON.stringify(e.payload).includes('directoryAccount'));
    expect(mapped?.actor?.name).toBe('fran');
    expect(mapped?.payload.changes).toEqual({ directoryAccount: { from: null, to: 'corp\\zed' } });
    expect(mapped?.personal).toMatchObject({ personId: zoe, opened: true });
    expect(mapped?.personal?.paths).toContain('changes.directoryAccount.to');
    // Her next login is hers.
    await logon('ZED', 'ws-ann');
    const guard = await operatorClient(admin, gw.url, 'gus', ['guard']);
    const sessions = await waitFor('Zoe’s session', async () => {
      const r = await guard.get<{ sessions: { name: string | null; host: string }[] }>('/api/v1/sessions');
      return r.body.sessions.find((s) => s.name === 'Zoe Zed') ? r.body.sessions : undefined;
    });
    expect(sessions.find((s) => s.name === 'Zoe Zed')?.host).toBe('ws-ann');
  }, 90_000);

  it('places a workstation in a zone picked by name, at once and journaled as the facility manager’s', async () => {
    const browser = await launchChromium();
    try {
      const page = await openConsole(browser, gw.url, 'fran');
      await withFailureShot(page, 'place-workstation', async () => {
        await page.getByRole('link', { name: 'Accounts to map' }).click();
        const list = page.getByTestId('workstations-to-place');
        await list.getByRole('rowheader', { name: 'ws-zed' }).waitFor();
        await page.getByRole('button', { name: 'Place ws-zed' }).click();
        await page.getByLabel('Zone').selectOption({ label: 'Lobby' });
        expect(await seriousA11yViolations(page, 'placing a workstation')).toEqual([]);
        await page.getByRole('button', { name: 'Place it' }).click();
        await page.getByTestId('note-place').getByText('ws-zed is placed: in Lobby.').waitFor();
        await list.getByText('Every workstation seen is in a zone.').waitFor();
      });
      await page.context().close();
    } finally {
      await browser.close();
    }
    const placed = (await admin.get<{ items: Entry[] }>('/api/v1/journal?type=workstation.placed')).body
      .items;
    expect(placed.map((e) => [e.actor?.name, e.payload.host, e.payload.zone])).toEqual([
      ['fran', 'ws-zed', 'lobby'],
    ]);
    // The guard sees and places nothing of it.
    const guard = await operatorClient(admin, gw.url, 'gil', ['guard']);
    expect((await guard.post('/api/v1/mapping/workstations', { host: 'ws-zed', remote: true })).status).toBe(
      403,
    );
  }, 90_000);

  it('refuses a mapping that is not the facility manager’s, names no account, or takes another’s', async () => {
    const zoe = ids.get('Zoe Zed')!;
    const guard = await operatorClient(admin, gw.url, 'gwen', ['guard']);
    expect(
      (await guard.post('/api/v1/mapping/accounts', { account: 'CORP\\x', cardholderId: zoe })).status,
    ).toBe(403);
    expect((await guard.get('/api/v1/mapping')).status).toBe(403);
    type Refusal = { error: { code: string; message: string } };
    const blank = await fm.post<Refusal>('/api/v1/mapping/accounts', {
      account: 'two words',
      cardholderId: zoe,
    });
    expect([blank.status, blank.body.error.code]).toEqual([400, 'request.invalid']);
    const nobody = await fm.post('/api/v1/mapping/accounts', {
      account: 'CORP\\x',
      cardholderId: 'no-such-person',
    });
    expect(nobody.status).toBe(404);
    const taken = await fm.post<Refusal>('/api/v1/mapping/accounts', {
      account: 'corp\\ANN',
      cardholderId: zoe,
    });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'account.taken']);
    expect(taken.body.error.message).toContain('Ann Archer');
  });
});
