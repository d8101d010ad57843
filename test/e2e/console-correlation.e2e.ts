import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { nxlogSyslog } from '../../apps/sim/src/login-formats';
import { encode } from '../../libs/bridge-protocol/src';
import { SimulatedOsdpBus } from '../../libs/testing/src';
import { launchChromium, openConsole, seriousA11yViolations, withFailureShot } from '../support/browser';
import { bootstrapAdmin, type Client, operatorClient } from '../support/client';
import { freePort, removeDir, type RunningGateway, startGatewayWithSite } from '../support/gateway';
import { waitFor } from '../support/wait';

const FRONT_IN_KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const FRONT_OUT_KEY = '1f2e3d4c5b6a79889706b5c4d3e2f100';
/** The demo's first person (IT, level "always"): granted at the front door at any hour; a Linux account. */
const ANN = { name: 'Ann Archer', card: encode('H10301', 21, 10100), account: 'ann.archer' };
/** "2026-11-30 07:09:50": the console's one time format (apps/console/src/format.ts). */
const CONSOLE_TIME = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/;

/** One RFC 6587 octet-counted frame to the syslog-tcp listener, as NXLog's om_tcp with OctetCounting sends it. */
const sendSyslogTcp = (port: number, line: string) =>
  new Promise<void>((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.end(`${Buffer.byteLength(line)} ${line}`, () => resolve());
    });
    socket.once('error', reject);
  });

/**
 * A correlation alert end to end, then in the console (issue 14, item 4): Ann
 * badges in at the front door (a simulated OSDP reader, secure channel), logs
 * on at a lobby desk (an NXLog record over syslog TCP), and badges out with
 * the session still open. The guard sees the evidence as a timeline in the
 * alarm's detail; a facility manager finds it on the alerts page and
 * previews, on the rules page, what a longer grace would have raised.
 */
describe('correlation alerts in the console (headless Chromium)', () => {
  let dir: string;
  let osdp: SimulatedOsdpBus;
  let gw: RunningGateway;
  let browser: Browser;
  let admin: Client;
  let syslogPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-console-correlation-'));
    syslogPort = await freePort();
    osdp = await new SimulatedOsdpBus(join(dir, 'ttyCP'), join(dir, 'ttyPD'), [
      { address: 1, scbk: Uint8Array.from(Buffer.from(FRONT_IN_KEY, 'hex')), serial: 4101 },
      { address: 2, scbk: Uint8Array.from(Buffer.from(FRONT_OUT_KEY, 'hex')), serial: 4102 },
    ]).start();
    writeFileSync(join(dir, 'in.key'), FRONT_IN_KEY);
    writeFileSync(join(dir, 'out.key'), FRONT_OUT_KEY);
    gw = await startGatewayWithSite(
      dir,
      [
        'demo:',
        '  seedSite: true',
        'serial:',
        '  - id: osdp-front',
        `    path: ${join(dir, 'ttyCP')}`,
        '    protocol: osdp',
        '    pollIntervalMs: 50',
        '    readers:',
        `      - { id: front-in, address: 1, scbk: { file: ${join(dir, 'in.key')} } }`,
        `      - { id: front-out, address: 2, scbk: { file: ${join(dir, 'out.key')} } }`,
        'logins:',
        '  listeners:',
        '    - name: desks',
        '      protocol: syslog-tcp',
        `      port: ${syslogPort}`,
        '      allow: [127.0.0.1/32]',
        '  workstations:',
        '    ws-lobby: { zone: lobby }',
        'correlation:',
        '  rules:',
        '    session-after-badge-out: { graceSeconds: 1 }',
      ],
      { timeoutMs: 45_000 },
    );
    admin = (await bootstrapAdmin(gw.url, gw.bootstrapToken!)).client;
    await operatorClient(admin, gw.url, 'gina', ['guard']);
    await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    browser = await launchChromium();

    const granted = async (readerId: string) => {
      const before = Date.now();
      await waitFor(
        `a grant at ${readerId}`,
        async () => {
          const r = await admin.get<{ items: { time: string; payload: { readerId?: string } }[] }>(
            '/api/v1/journal?type=access.granted',
          );
          return r.body.items.find(
            (e) => e.payload.readerId === readerId && Date.parse(e.time) >= before - 1000,
          );
        },
        20_000,
        100,
      );
    };
    osdp.pd(1).presentCard(ANN.card);
    await granted('front-in');
    // Ann's account is a Linux one in the demo roster; the desk here reports it as a Windows local account.
    await sendSyslogTcp(
      syslogPort,
      nxlogSyslog({
        action: 'logon',
        at: new Date(),
        host: 'WS-LOBBY',
        user: ANN.account,
        domain: '-',
        logonId: '0x51a7',
        recordNumber: 7001,
      }),
    );
    await waitFor('the logon entry', async () => {
      const r = await admin.get<{ items: unknown[] }>('/api/v1/journal?type=login.logon');
      return r.body.items.length > 0 ? true : undefined;
    });
    osdp.pd(2).presentCard(ANN.card);
    await granted('front-out');
    // The grace (1 s) is waited out on the rules' tick (every 15 s).
    await waitFor(
      'the session-after-badge-out alarm',
      async () => {
        const r = await admin.get<{ items: { type: string }[] }>('/api/v1/alarms');
        return r.body.items.find((a) => a.type === 'session-after-badge-out');
      },
      40_000,
      500,
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await osdp?.stop();
    if (gw) removeDir(gw.dataDir);
    if (dir) removeDir(dir);
  });

  /** The timeline: badge-in, login, badge-out, session still open, in that order, names and site times. */
  const expectTimeline = async (page: Page) => {
    const timeline = page.getByTestId('evidence-timeline');
    await timeline.waitFor();
    const steps = timeline.locator('ol.timeline > li');
    await waitFor('four steps', async () => ((await steps.count()) === 4 ? true : undefined));
    const markers = await timeline.locator('.marker').allInnerTexts();
    expect(markers).toEqual(['Badge in', 'Login', 'Badge out', 'Still open']);
    const texts = await steps.allInnerTexts();
    expect(texts[0]).toMatch(/Badged in at Front door — Lobby/);
    expect(texts[1]).toMatch(/Logon at ws-lobby/i);
    expect(texts[2]).toMatch(/Badged out at Front door — Lobby/);
    expect(texts[3]).toMatch(/Session still open/);
    for (const t of texts) expect(t).toMatch(CONSOLE_TIME);
    // Names, not ids.
    expect(await timeline.innerText()).toContain(ANN.name);
    expect(await timeline.innerText()).not.toMatch(/front-in|front-out|front-door/);
  };

  it('shows the guard the evidence as a timeline in the alarm detail on the desk, axe-clean', async () => {
    const page = await openConsole(browser, gw.url, 'gina');
    await withFailureShot(page, 'correlation-desk', async () => {
      await page.goto(`${gw.url}/#/desk`);
      await page
        .getByRole('button', { name: /Session after badge out/i })
        .first()
        .click();
      await page.getByTestId('alarm-detail').waitFor();
      await expectTimeline(page);
      // Where is the workstation and its zone, who is the person: never the person as the place.
      const row = page
        .getByTestId('alarm-queue')
        .locator('tbody tr', { hasText: /Session after badge out/i })
        .first();
      expect(await row.locator('td.where').innerText()).toMatch(/^workstation ws-lobby\S* in Lobby$/i);
      expect(await row.locator('td.who').innerText()).toBe(ANN.name);
      const title = await page.getByTestId('alarm-detail').locator('h3').innerText();
      expect(title).toMatch(/ at workstation ws-lobby\S* in Lobby: Ann Archer: history/i);
      expect(title).not.toMatch(new RegExp(` at ${ANN.name}`));
      // One priority: the detail and its evidence say the row's ("High", never "HIGH" beside "Critical ↑1").
      const priority = (await row.locator('td.prio').innerText()).trim();
      expect(title).toContain(`(${priority})`);
      expect(await page.getByTestId('evidence-timeline').locator('.severity').innerText()).toBe(priority);
      // A guard may not see directory accounts (permissions.ts): none on the desk, queue or evidence.
      expect(await page.locator('main').innerText()).not.toContain(ANN.account);
      await page
        .getByText(/session at ws-lobby\S* still open after leaving lobby/)
        .first()
        .waitFor();
      expect(await seriousA11yViolations(page, 'desk with evidence')).toEqual([]);
    });
    await page.context().close();
  });

  it('lets a facility manager open the alert from the alerts page, and preview a longer grace on the rules page', async () => {
    const page = await openConsole(browser, gw.url, 'fran');
    await withFailureShot(page, 'correlation-fm', async () => {
      await page.goto(`${gw.url}/#/correlation`);
      await page.getByRole('heading', { name: 'Correlation alerts' }).waitFor();
      await page.getByRole('button', { name: 'Session still open after badge-out' }).first().click();
      await expectTimeline(page);
      // The facility manager sees the account (directoryAccount field).
      expect(await page.getByTestId('evidence-timeline').innerText()).toContain(ANN.account);
      expect(await seriousA11yViolations(page, 'alerts page')).toEqual([]);

      await page.goto(`${gw.url}/#/correlation-rules`);
      await page.getByRole('heading', { name: 'Correlation rules' }).waitFor();
      const counts = page.getByTestId('rule-counts');
      await expect(
        counts.getByRole('row', { name: /Session still open after badge-out/ }).innerText(),
      ).resolves.toMatch(/1 \/ 1/);
      await page.getByText('Read-only here').waitFor();
      // Who changes the rules and where, in words: no file, key or command for the facility manager.
      const how = page.getByTestId('how-to-change');
      expect(await how.innerText()).toContain('changed by your administrator');
      expect(await how.innerText()).not.toMatch(/site\.yaml|npm run|config check|graceSeconds|correlation\./);
      // In force: 1 s grace; an hour's grace would not have raised it yet.
      await page.getByLabel('Session still open after badge-out grace in seconds').fill('3600');
      // The exact lines for the administrator only behind "Show ids (advanced)".
      await how.getByLabel('Show ids (advanced)').check();
      await page
        .getByTestId('setting-keys')
        .getByText('correlation.rules.session-after-badge-out.graceSeconds: 3600')
        .waitFor();
      await how.getByLabel('Show ids (advanced)').uncheck();
      expect(await page.getByTestId('setting-keys').count()).toBe(0);
      await page.getByRole('button', { name: 'Preview over the last 7 days' }).click();
      const result = page.getByTestId('preview-result');
      await result.waitFor({ timeout: 20_000 });
      const row = await result.getByRole('row', { name: /Session still open after badge-out/ }).innerText();
      expect(row).toMatch(/1 \(0 withdrawn later\)\s+0 \(0 withdrawn later\) — differs/);
      expect(await result.innerText()).toContain('nothing was raised');
      expect(await seriousA11yViolations(page, 'rules page with a preview')).toEqual([]);
    });
    // The preview raised nothing: still one such alarm.
    const alarms = await admin.get<{ items: { type: string }[] }>('/api/v1/alarms');
    expect(alarms.body.items.filter((a) => a.type === 'session-after-badge-out')).toHaveLength(1);
    await page.context().close();
  });

  it('never shows the account digest; the account by name only to a role that may see accounts', async () => {
    const guard = await operatorClient(admin, gw.url, 'gwen', ['guard']);
    const fm = await operatorClient(admin, gw.url, 'fay', ['facility-manager']);
    type Alerts = {
      items: { seq: number; summary: string; evidence: { kind: string; account?: string }[] }[];
    };
    // A role that reads correlation alerts without accounts, and one with (permissions.ts).
    for (const who of [guard, fm]) {
      const list = await who.get<Alerts>('/api/v1/correlation/alerts');
      expect(list.status).toBe(200);
      expect(list.body.items.length).toBeGreaterThan(0);
      expect(JSON.stringify(list.body)).not.toContain('acct:');
      const one = await who.get(`/api/v1/correlation/alerts/${list.body.items[0]!.seq}`);
      expect(JSON.stringify(one.body)).not.toContain('acct:');
    }
    for (const who of [admin, guard, fm]) {
      const alarms = await who.get('/api/v1/alarms');
      expect(JSON.stringify(alarms.body)).not.toContain('acct:');
    }
    const logins = async (who: Client) =>
      (await who.get<Alerts>('/api/v1/correlation/alerts')).body.items.flatMap((a) =>
        a.evidence.filter((f) => f.kind === 'login'),
      );
    expect((await logins(fm)).map((f) => f.account)).toContain(ANN.account);
    expect((await logins(guard)).every((f) => f.account === undefined)).toBe(true);
    expect(JSON.stringify((await guard.get('/api/v1/correlation/alerts')).body)).not.toContain(ANN.account);
  });

  it('refuses the rules and the preview to a guard, and a bad proposal with a clear error', async () => {
    const guard = await operatorClient(admin, gw.url, 'gus', ['guard']);
    expect((await guard.get('/api/v1/correlation/rules')).status).toBe(403);
    expect((await guard.post('/api/v1/correlation/rules/preview', {})).status).toBe(403);
    const fm = await operatorClient(admin, gw.url, 'fred', ['facility-manager']);
    const bad = await fm.post<{ error: { code: string } }>('/api/v1/correlation/rules/preview', {
      rules: { 'login-without-badge-in': { graceSeconds: -5 } },
    });
    expect(bad.status).toBe(400);
    const unknown = await fm.post('/api/v1/correlation/rules/preview', { rules: { 'no-such-rule': {} } });
    expect(unknown.status).toBe(400);
    expect((await fm.get('/api/v1/correlation/alerts/abc')).status).toBe(404);
    expect((await fm.get('/api/v1/correlation/alarms/not-a-uuid')).status).toBe(404);
  });
});
