import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { bootstrapAdmin, type Client, operatorClient } from '../support/client';
import {
  launchChromium,
  openConsole,
  openDesk,
  seriousA11yViolations,
  withFailureShot,
} from '../support/browser';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';

/**
 * The console's shell on the demo site: a stale screen says so (session ended,
 * stream dropped, gateway gone), a lockdown shows everywhere, nobody is offered
 * what their role cannot do, and actions ask in an in-page dialog, never a
 * browser prompt.
 */
describe('console shell in headless Chromium (demo site)', () => {
  let gw: RunningGateway;
  let browser: Browser;
  let admin: Client;
  let guard: Client;

  beforeAll(async () => {
    gw = await startGateway({ env: { GATEHOUSE_DEMO_SEED_SITE: 'true' } });
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    guard = await operatorClient(admin, gw.url, 'gina', ['guard']);
    await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    await operatorClient(admin, gw.url, 'sam', ['guard']);
    await operatorClient(admin, gw.url, 'tess', ['guard']);
    await operatorClient(admin, gw.url, 'rita', ['reception']);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    if (gw) removeDir(gw.dataDir);
  });

  /** Signs in on a fresh context; a browser prompt anywhere fails the test (dialogs are in-page). */
  const signIn = (username: string): Promise<Page> => openConsole(browser, gw.url, username);
  const guarded = (page: Page, name: string, steps: () => Promise<void>) =>
    withFailureShot(page, `shell-${name}`, steps);

  it('asks for a lockdown in a dialog, shows it on every tile and in a site banner, and releases it by name', async () => {
    const page = await signIn('gina');
    await guarded(page, 'lockdown', async () => {
      await openDesk(page);
      const tiles = await page.getByTestId('door-board').locator('.door-tile').count();

      // Escape cancels: nothing happens.
      await page.getByRole('button', { name: 'Lockdown', exact: true }).click();
      const ask = page.getByRole('dialog', { name: `Lock down all ${tiles} doors of the site?` });
      await ask.waitFor();
      // The reason field has the focus, inside the dialog.
      const focused = await ask
        .getByLabel(/Reason/)
        .evaluate(
          (el) =>
            (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement ===
            el,
        );
      expect(focused).toBe(true);
      await page.keyboard.press('Escape');
      await ask.waitFor({ state: 'detached' });
      expect(await page.getByTestId('lockdown-banner').count()).toBe(0);

      // An empty reason is refused in words, in the dialog.
      await page.getByRole('button', { name: 'Lockdown', exact: true }).click();
      await ask.getByRole('button', { name: 'Lock down' }).click();
      await ask.getByText('Reason is required.').waitFor();
      await ask.getByLabel(/Reason/).fill('intruder reported in the lobby');
      await ask.getByRole('button', { name: 'Lock down' }).click();
      await ask.waitFor({ state: 'detached' });
      await page.getByTestId('action-status').getByText('Lockdown started.').waitFor();

      const banner = page.getByTestId('lockdown-banner');
      await banner.getByText(`LOCKDOWN IN FORCE · ${tiles} of ${tiles} doors`).waitFor();
      // Who started it by the name they are shown by (display name), not their user name.
      await banner.getByText(/Started by gina tester at .*intruder reported in the lobby/).waitFor();
      expect(await page.getByTestId('door-board').getByText('LOCKDOWN', { exact: true }).count()).toBe(tiles);
      // Not offered twice; the release is named so.
      expect(await page.getByRole('button', { name: 'Lockdown', exact: true }).count()).toBe(0);
      await page.screenshot({ path: join(tmpdir(), 'gatehouse-shell-lockdown.png'), fullPage: true });

      await page.getByRole('button', { name: 'Release lockdown' }).click();
      const release = page.getByRole('dialog', { name: 'Release the lockdown?' });
      await release.getByLabel(/Reason/).fill('all clear');
      await release.getByRole('button', { name: 'Release lockdown' }).click();
      await banner.waitFor({ state: 'detached' });
      expect(await page.getByTestId('door-board').getByText('LOCKDOWN', { exact: true }).count()).toBe(0);
      await page.getByRole('button', { name: 'Lockdown', exact: true }).waitFor();
    });
  });

  it('shows a lockdown to reception, who may not read the doors, within seconds, and takes it away on release', async () => {
    const page = await signIn('rita');
    await guarded(page, 'reception-lockdown', async () => {
      await page.getByRole('heading', { name: 'Who is on site', level: 2 }).waitFor();
      await new Promise((r) => setTimeout(r, 1000)); // the live stream is open
      const banner = page.getByTestId('lockdown-banner');
      expect(await banner.count()).toBe(0);
      const doors = (await guard.get<{ items: unknown[] }>('/api/v1/access/door-states')).body.items.length;
      expect((await guard.post('/api/v1/access/lockdown', { reason: 'fire drill gone wrong' })).status).toBe(
        200,
      );
      // Reception's stream carries no door entries: a notice says the override changed, and the page reads it.
      await banner.getByText(`LOCKDOWN IN FORCE · ${doors} of ${doors} doors`).waitFor({ timeout: 5_000 });
      await banner.getByText(/Started by gina tester at .*fire drill gone wrong/).waitFor();
      expect(await seriousA11yViolations(page, 'reception with the lockdown banner')).toEqual([]);
      // What reception may read: the banner's facts, not the doors.
      const asked = await page.evaluate(async () => {
        const override = (await fetch('/api/v1/access/site-override').then((r) => r.json())) as {
          override: object | null;
        };
        const states = await fetch('/api/v1/access/door-states');
        return { keys: Object.keys(override.override ?? {}).sort(), states: states.status };
      });
      expect(asked).toEqual({ keys: ['byName', 'doors', 'kind', 'reason', 'since'], states: 403 });

      expect((await guard.post('/api/v1/access/lockdown/release', { reason: 'all clear' })).status).toBe(200);
      await banner.waitFor({ state: 'detached', timeout: 5_000 });
    });
    await page.context().close();
  });

  // A facility manager watches the board but may not control doors (doors.board without doors.control),
  // as a responder (whose role needs a second factor to sign in here).
  it('has no serious or critical axe-core violations on any page a guard or a facility manager opens', async () => {
    const found: string[] = [];
    for (const username of ['gina', 'fran']) {
      const page = await signIn(username);
      await guarded(page, `axe-${username}`, async () => {
        const pages = await page.locator('nav a').allTextContents();
        expect(pages.length).toBeGreaterThan(1);
        for (const name of pages) {
          await page.locator('nav a', { hasText: name }).first().click();
          await page.waitForLoadState('networkidle');
          found.push(...(await seriousA11yViolations(page, `${username} on ${name}`)));
        }
      });
      await page.context().close();
    }
    expect(found).toEqual([]);
  });

  it('does not offer Lockdown or Unlock to a role that watches the board without controlling doors', async () => {
    const page = await signIn('fran');
    await guarded(page, 'no-door-control', async () => {
      await openDesk(page);
      await page.getByRole('heading', { name: 'Alarms (0)' }).waitFor();
      expect(await page.getByRole('button', { name: 'Lockdown', exact: true }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Unlock once' }).count()).toBe(0);
      await page.getByRole('link', { name: 'Doors' }).click();
      await page.getByTestId('doors').getByText('Front door').waitFor();
      for (const name of ['Lockdown', 'Release lockdown', 'Unlock once', 'Unlock 1 h'])
        expect(await page.getByRole('button', { name, exact: true }).count()).toBe(0);
      // Nor pages of actions the role lacks: the navigation follows the same matrix.
      expect(await page.getByRole('link', { name: 'Operators' }).count()).toBe(0);
    });
  });

  it('tells every tab of the browser at once when the operator signs out in one of them', async () => {
    const page = await signIn('tess');
    const other = await page.context().newPage();
    await guarded(other, 'sign-out-tabs', async () => {
      // The same browser, so the same session: the second tab opens signed in.
      await other.goto(gw.url);
      await other.locator('#main-content').waitFor();
      await new Promise((r) => setTimeout(r, 1000)); // its live stream is open
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await other.getByTestId('stale-banner').getByText('Your session has ended').waitFor({ timeout: 2_000 });
      expect(await other.locator('main.stale').count()).toBe(1);
    });
    await page.context().close();
  });

  it('says so at once when the session ends (the operator was disabled)', async () => {
    const page = await signIn('sam');
    await guarded(page, 'session-ended', async () => {
      await openDesk(page);
      const operators = await admin.get<{ items: { id: string; username: string }[] }>('/api/v1/operators');
      const sam = operators.body.items.find((o) => o.username === 'sam')!;
      expect((await admin.patch(`/api/v1/operators/${sam.id}`, { disabled: true })).status).toBe(200);
      // The stream checks its session on the journal entry that ended it, not at its next heartbeat (15 s).
      const banner = page.getByTestId('stale-banner');
      await banner.getByText('Your session has ended').waitFor({ timeout: 3_000 });
      expect(await page.locator('main.stale').count()).toBe(1);
      await banner.getByRole('button', { name: 'Sign in again' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    });
  });

  it('greys the desk when the gateway stops, counts down, and reads the board again when it is back', async () => {
    const page = await signIn('gina');
    await guarded(page, 'gateway-gone', async () => {
      await openDesk(page);
      await new Promise((r) => setTimeout(r, 500)); // the live stream is open
      await gw.stop();
      const banner = page.getByTestId('stale-banner');
      await banner.getByText('The gateway does not answer: this screen is no longer live.').waitFor();
      // The wait between attempts stays short (5 s at most), and the countdown says so.
      await banner.getByText(/Reconnecting in [0-5] s/).waitFor();
      expect(await page.locator('main.stale').count()).toBe(1);
      // A stale board stops counting: its ages stay as last known, and it says as of when.
      const count = page.getByTestId('board-count');
      await count.getByText(/as of \d\d:\d\d:\d\d, not live/).waitFor();
      const asOf = await count.textContent();
      const ages = await page.locator('[data-testid^="since-"]').allTextContents();
      await new Promise((r) => setTimeout(r, 2_200));
      expect(await count.textContent()).toBe(asOf);
      expect(await page.locator('[data-testid^="since-"]').allTextContents()).toEqual(ages);
      await page.screenshot({ path: join(tmpdir(), 'gatehouse-shell-stale.png'), fullPage: true });

      // The same gateway (port, data) comes back; a lockdown starts before the desk reconnects.
      gw = await startGateway({
        dataDir: gw.dataDir,
        env: { GATEHOUSE_DEMO_SEED_SITE: 'true', GATEHOUSE_HTTP_PORT: String(gw.port) },
      });
      expect((await guard.post('/api/v1/access/lockdown', { reason: 'started meanwhile' })).status).toBe(200);
      // Back within the capped wait (5 s) and the session check, not after a backoff grown to 30 s.
      await banner.waitFor({ state: 'detached', timeout: 8_000 });
      await page
        .getByTestId('lockdown-banner')
        .getByText(/started meanwhile/)
        .waitFor();
      expect(await page.locator('main.stale').count()).toBe(0);
      expect(
        await page
          .getByTestId('board-count')
          .getByText(/not live/)
          .count(),
      ).toBe(0);
    });
  }, 90_000);

  it('says "Loading…" on the board until its first answer, never that no door matches', async () => {
    const page = await signIn('gina');
    await guarded(page, 'board-loading', async () => {
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => (release = r));
      await page.route('**/api/v1/doors/board', async (route) => {
        await held;
        await route.continue();
      });
      // The desk is the guard's landing page: away and back, so it reads its board afresh.
      await page.getByRole('link', { name: 'Doors', exact: true }).click();
      await page.getByRole('heading', { name: 'Doors', level: 2 }).waitFor();
      await page.getByRole('link', { name: 'Guard desk' }).click();
      const board = page.getByTestId('door-board');
      await board.getByText('Loading…').waitFor();
      expect(await board.getByText('No door matches these filters.').count()).toBe(0);
      release();
      await board.locator('.door-tile').first().waitFor();
      expect(await board.getByText('Loading…').count()).toBe(0);
      await page.unroute('**/api/v1/doors/board');
    });
    await page.context().close();
  });
});
