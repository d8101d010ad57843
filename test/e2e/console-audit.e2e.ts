import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { aDoor, aZone } from '../../libs/testing/src/factories';
import { launchChromium, openConsole, seriousA11yViolations, withFailureShot } from '../support/browser';
import { bootstrapAdmin, operatorClient, type Client } from '../support/client';
import { removeDir, startGatewayWithSite, type RunningGateway } from '../support/gateway';
import { createSite } from '../support/site';
import { waitFor } from '../support/wait';

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

/** The little of the page's document the probes read (the test project has no DOM types). */
interface Box {
  scrollWidth: number;
  clientWidth: number;
  scrollHeight: number;
  clientHeight: number;
  scrollLeft: number;
  getBoundingClientRect(): { left: number; right: number; bottom: number };
}
interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<Box>;
  querySelector(selector: string): Box | null;
  documentElement: Box;
  body: Box;
}
type Probe = {
  document: PageDocument;
  innerWidth: number;
  getComputedStyle(e: Box): { backgroundColor: string };
};

/** The demo's 3 doors and 47 more: 50, more than normal tiles hold on one 1080p screen. */
const EXTRA_DOORS = 47;
/** A door whose name is one long word where it matters: the alarm's "Where" cannot wrap at spaces. */
const LONG_NAME = 'Annex ws-03.corp.example.com.call-floor-service-door';

/**
 * What the console audit of issue 11 found on the guard's desk: the chosen
 * theme ignored, a long alarm place pushing the page sideways, 50 doors not
 * fitting a 1080p screen, door tiles that could not be opened.
 */
describe('guard desk after the audit (50 doors, real broker)', () => {
  let dir: string;
  let gw: RunningGateway;
  let browser: Browser;
  let admin: Client;
  const suffix = randomBytes(3).toString('hex');
  const device = `audit_long_${suffix}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-console-audit-'));
    gw = await startGatewayWithSite(dir, [
      'demo:',
      '  seedSite: true',
      'mqtt:',
      '  url: mqtt://127.0.0.1:1883',
      `  clientId: gh-audit-${suffix}`,
      `  topicPrefix: gh-audit-${suffix}`,
      'alarms:',
      '  escalateAfterSeconds: { critical: 0, high: 0, medium: 0, low: 0 }',
      'sensors:',
      '  - id: long-contact',
      '    door: east-1',
      '    converter: zigbee2mqtt',
      `    device: ${device}`,
    ]);
    admin = (await bootstrapAdmin(gw.url, gw.bootstrapToken!)).client;
    await operatorClient(admin, gw.url, 'gina', ['guard']);
    const fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    await createSite(fm, {
      zones: [aZone({ id: 'call-floor', name: 'Call floor' })],
      doors: Array.from({ length: EXTRA_DOORS }, (_, i) =>
        aDoor({
          id: `east-${i + 1}`,
          name: i === 0 ? LONG_NAME : `East ${i + 1}`,
          zoneOut: 'lobby',
          zoneIn: 'call-floor',
        }),
      ),
    });
    await waitFor('the gateway at the broker', async () => {
      const r = await admin.get<{ components: { mqtt?: { status: string } } }>('/api/v1/system');
      return r.body.components.mqtt?.status === 'up' ? true : undefined;
    });
    publish(`zigbee2mqtt/${device}`, JSON.stringify({ contact: true }));
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    if (gw) removeDir(gw.dataDir);
    if (dir) removeDir(dir);
  });

  const openDesk = async (colorScheme: 'light' | 'dark' = 'light') => {
    const page = await openConsole(browser, gw.url, 'gina', { colorScheme });
    await page.goto(`${gw.url}/#/desk`);
    await page.getByTestId('board-count').getByText('50 of 50 doors').waitFor();
    return page;
  };
  const background = (page: Page) =>
    page.evaluate(() => {
      const g = globalThis as unknown as Probe;
      return g.getComputedStyle(g.document.documentElement).backgroundColor;
    });

  it('takes the theme chosen in the console over the system’s: Dark on a light system, Light on a dark one', async () => {
    const light = await openDesk('light');
    await withFailureShot(light, 'audit-theme-dark', async () => {
      expect(await background(light)).toBe('rgb(244, 245, 247)');
      await light.getByLabel('Theme').selectOption({ label: 'Dark' });
      await waitFor('the dark background', async () =>
        (await background(light)) === 'rgb(15, 19, 27)' ? true : undefined,
      );
    });
    await light.context().close();
    const dark = await openDesk('dark');
    await withFailureShot(dark, 'audit-theme-light', async () => {
      expect(await background(dark)).toBe('rgb(15, 19, 27)');
      await dark.getByLabel('Theme').selectOption({ label: 'Light' });
      await waitFor('the light background', async () =>
        (await background(dark)) === 'rgb(244, 245, 247)' ? true : undefined,
      );
    });
    await dark.context().close();
  });

  it('shows 50 doors on one 1920x1080 screen in compact tiles it chose by itself, and says so', async () => {
    const page = await openDesk();
    await withFailureShot(page, 'audit-fifty', async () => {
      const board = page.getByTestId('door-board');
      // Nobody ticked "Compact tiles": the board chose it above 40 doors, and says so beside the box.
      expect(await board.getAttribute('data-density')).toBe('compact-auto');
      await page.getByTestId('auto-compact').getByText('automatic above 40 doors').waitFor();
      expect(await page.getByLabel(/Compact tiles/).isChecked()).toBe(true);
      const seen = await page.evaluate(() => {
        const doc = (globalThis as unknown as Probe).document;
        const main = doc.querySelector('main')!;
        const tiles = Array.from(doc.querySelectorAll('.door-tile'));
        return {
          tiles: tiles.length,
          lowest: Math.max(...tiles.map((t) => t.getBoundingClientRect().bottom)),
          scrolls: [doc.documentElement, main].some((el) => el.scrollHeight > el.clientHeight + 1),
        };
      });
      expect(seen).toEqual({ tiles: 50, lowest: expect.any(Number) as number, scrolls: false });
      expect(seen.lowest).toBeLessThanOrEqual(1080);
      // Filtered to 40 doors or fewer, the tiles are normal again.
      await page.getByLabel('Find door').fill('East');
      await page.getByTestId('board-count').getByText('46 of 50 doors').waitFor();
      expect(await board.getAttribute('data-density')).toBe('compact-auto');
      await page.getByLabel('Find door').fill('East 1');
      await waitFor('normal tiles', async () =>
        (await board.getAttribute('data-density')) === 'normal' ? true : undefined,
      );
    });
    await page.context().close();
  });

  it('keeps the desk inside the window at 1920x1080 with an alarm whose place is one long word', async () => {
    publish(`zigbee2mqtt/${device}`, JSON.stringify({ contact: false }));
    const page = await openDesk();
    await withFailureShot(page, 'audit-long-where', async () => {
      const row = page.getByTestId('alarm-queue').locator('tbody tr', { hasText: 'ws-03.corp' }).first();
      await row.waitFor();
      const seen = await page.evaluate(() => {
        const g = globalThis as unknown as Probe;
        const doc = g.document;
        const main = doc.querySelector('main')!;
        const left = main.getBoundingClientRect().left;
        const ack = Array.from(doc.querySelectorAll('[data-testid="alarm-queue"] .row-actions button'));
        return {
          page: doc.documentElement.scrollWidth,
          window: g.innerWidth,
          main: main.scrollWidth,
          mainWidth: main.clientWidth,
          scrollLeft: main.scrollLeft,
          tilesLeftOfMain: Array.from(doc.querySelectorAll('.door-tile')).filter(
            (t) => t.getBoundingClientRect().left < left,
          ).length,
          actionsOffScreen: ack.filter((b) => b.getBoundingClientRect().right > g.innerWidth).length,
          // Inside the page is not enough: the alarm column must not hide half its own Acknowledge.
          column: doc.querySelector('.alarm-column')!.scrollWidth,
          columnWidth: doc.querySelector('.alarm-column')!.clientWidth,
          actionsClipped: ack.filter(
            (b) =>
              b.getBoundingClientRect().right >
              doc.querySelector('.alarm-column')!.getBoundingClientRect().right,
          ).length,
        };
      });
      expect(seen.page).toBeLessThanOrEqual(seen.window);
      expect(seen.main).toBeLessThanOrEqual(seen.mainWidth);
      expect(seen.scrollLeft).toBe(0);
      expect(seen.tilesLeftOfMain).toBe(0);
      expect(seen.actionsOffScreen).toBe(0);
      expect(seen.column).toBeLessThanOrEqual(seen.columnWidth);
      expect(seen.actionsClipped).toBe(0);
      expect(await row.getByRole('button', { name: 'Acknowledge', exact: true }).isVisible()).toBe(true);
      // Its history opens from the row and Escape closes it, as it closes a dialog.
      await row.getByRole('button', { name: 'Forced open' }).click();
      await page.getByTestId('alarm-detail').waitFor();
      await page.keyboard.press('Escape');
      await page.getByTestId('alarm-detail').waitFor({ state: 'detached' });
    });
    await page.context().close();
  });

  it('opens a door from its tile, by click or by Enter: state and since, last people through, its history', async () => {
    const page = await openDesk();
    await withFailureShot(page, 'audit-door-detail', async () => {
      const tile = page.getByTestId('door-front-door');
      // Keyboard: the tile's name is a button.
      await tile.getByRole('button', { name: /^Front door/ }).focus();
      await page.keyboard.press('Enter');
      const detail = page.getByTestId('door-detail');
      await detail.getByRole('heading', { name: 'Front door' }).waitFor();
      // The same words as its tile, lock apart.
      const tileState = (await tile.getByTestId('phase-front-door').textContent())!.trim();
      await detail.getByTestId('door-detail-state').getByText(tileState).waitFor();
      await detail.getByText('Locked', { exact: true }).waitFor();
      await detail.getByText('Nobody in the recent history.').waitFor();
      // Its history from the journal, in words (its creation at least).
      await detail.getByTestId('door-detail-history').locator('li').first().waitFor();
      expect(await seriousA11yViolations(page, 'door detail')).toEqual([]);
      await page.keyboard.press('Escape');
      await detail.waitFor({ state: 'detached' });
      // Focus goes back to the tile it came from, not to the top of the page (audit 2).
      await waitFor('focus back on the tile', async () =>
        (await page.evaluate(() => {
          const active = (
            globalThis as unknown as { document: { activeElement: { textContent: string } | null } }
          ).document.activeElement;
          return active?.textContent ?? '';
        })) === 'Front door'
          ? true
          : undefined,
      );
      // A click anywhere on a tile (not on its buttons) opens it too.
      // The forced door (the test before): live state, and the forcing in its history.
      await page.getByTestId('door-east-1').locator('.tile-state').click();
      await detail.getByRole('heading', { name: LONG_NAME }).waitFor();
      await detail
        .getByTestId('door-detail-state')
        .getByText(/Forced/i)
        .waitFor();
      await detail
        .getByTestId('door-detail-history')
        .getByText(/forced/i)
        .first()
        .waitFor();
      await detail.getByRole('button', { name: 'Close' }).click();
      await detail.waitFor({ state: 'detached' });
    });
    await page.context().close();
  });

  it('takes a keyboard user from the desk heading to the alarms in one key, past fifty tiles', async () => {
    const page = await openDesk();
    await withFailureShot(page, 'audit-skip-to-alarms', async () => {
      const activeText = () =>
        page.evaluate(
          () =>
            (globalThis as unknown as { document: { activeElement: { textContent: string } | null } })
              .document.activeElement?.textContent ?? '',
        );
      await page.getByRole('heading', { name: 'Guard desk' }).focus();
      await page.keyboard.press('Tab');
      expect(await activeText()).toBe('Skip to the alarms');
      await page.keyboard.press('Enter');
      expect(await activeText()).toMatch(/^Alarms \(\d+\)$/);
      // From there an alarm's Acknowledge is a few keys away, not 114.
      let presses = 0;
      while (presses < 12 && (await activeText()) !== 'Acknowledge') {
        await page.keyboard.press('Tab');
        presses += 1;
      }
      expect(await activeText()).toBe('Acknowledge');
    });
    await page.context().close();
  });

  it('shows each door’s state in words on the Doors page, live from the pushed stream', async () => {
    const page = await openConsole(browser, gw.url, 'fran');
    await withFailureShot(page, 'audit-doors-state', async () => {
      await page.goto(`${gw.url}/#/doors`);
      const cell = page.getByTestId('state-east-1');
      await cell.waitFor();
      publish(`zigbee2mqtt/${device}`, JSON.stringify({ contact: true }));
      await cell.getByText('Secure').waitFor();
      await cell.getByText('Locked, closed').waitFor();
      // Forced while the page is open: it says so without a reload.
      publish(`zigbee2mqtt/${device}`, JSON.stringify({ contact: false }));
      await cell.getByText('FORCED OPEN').waitFor();
      await cell.getByText('Locked, open').waitFor();
      await page.getByTestId('state-front-door').waitFor();
    });
    await page.context().close();
  });

  it('says so when a role opens the address of a page it may not use, rather than silently landing', async () => {
    const page = await openConsole(browser, gw.url, 'gina');
    await withFailureShot(page, 'audit-page-refused', async () => {
      await page.goto(`${gw.url}/#/system`);
      await page
        .getByTestId('page-refused')
        .getByText('Your role cannot open “System”: this is your Guard desk page instead.')
        .waitFor();
      await page.getByRole('heading', { name: 'Guard desk', level: 2 }).waitFor();
      // Gone once the guard moves on to a page of their own.
      await page.getByRole('link', { name: 'Shift log' }).click();
      await page.getByTestId('page-refused').waitFor({ state: 'detached' });
    });
    await page.context().close();
  });
});
