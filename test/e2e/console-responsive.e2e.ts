import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { totpCode } from '../../libs/auth/src/totp';
import { ADMIN_PASSWORD, bootstrapAdmin, operatorClient } from '../support/client';
import { launchChromium, openConsole, seriousA11yViolations, withFailureShot } from '../support/browser';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';

/** Screenshots at each size, kept for people to look at (not committed). */
const ARTIFACTS = mkdtempSync(join(tmpdir(), 'gatehouse-console-responsive-'));

/** A phone (CONSOLE.md: below 600 px the sidebar is a menu button) and a small tablet or laptop. */
const SIZES = [
  { name: 'phone', width: 390, height: 844, phone: true },
  { name: 'tablet', width: 1024, height: 768, phone: false },
];

/** The little of the page's DOM the checks read (the test project has no DOM types). */
interface Box {
  left: number;
  right: number;
  width: number;
  height: number;
}
interface Element {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): Box;
  closest(selector: string): Element | null;
  parentElement: Element | null;
  scrollWidth: number;
  clientWidth: number;
}
interface PageDocument {
  documentElement: Element;
  querySelectorAll(selector: string): ArrayLike<Element>;
}

/**
 * What lies off screen sideways: the document or any scroll box wider than
 * its box, and every control (button, link, field) whose box leaves the
 * window. Each as a line naming it; nothing when the page fits.
 */
const offScreen = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const doc = (globalThis as unknown as { document: PageDocument }).document;
    const width = doc.documentElement.clientWidth;
    const found: string[] = [];
    // Visually hidden on purpose (a faded note, a table's header row kept for screen readers): clipped to a pixel.
    const hidden = (el: Element | null): boolean =>
      el !== null &&
      el.tagName !== 'BODY' &&
      (el.getBoundingClientRect().width <= 1 || hidden(el.parentElement));
    if (doc.documentElement.scrollWidth > width + 1)
      found.push(`the page scrolls sideways (${doc.documentElement.scrollWidth} > ${width})`);
    for (const box of Array.from(doc.querySelectorAll('main, main *'))) {
      if (box.tagName === 'INPUT' || hidden(box)) continue;
      if (box.scrollWidth > box.clientWidth + 1 && box.clientWidth > 0) {
        const name = box.getAttribute('data-testid') ?? box.getAttribute('class') ?? box.tagName;
        found.push(`${name} scrolls sideways (${box.scrollWidth} > ${box.clientWidth})`);
      }
    }
    for (const el of Array.from(doc.querySelectorAll('button, a[href], input, select, textarea'))) {
      const r = el.getBoundingClientRect();
      // Not rendered (a closed menu, a hidden file input) or visually hidden on purpose (the skip link).
      if (r.height <= 1 || el.closest('.skip-link') || hidden(el)) continue;
      if (r.left < -1 || r.right > width + 1) {
        const name =
          el.getAttribute('aria-label') ??
          el.getAttribute('name') ??
          (el.textContent ?? '').trim().slice(0, 40);
        found.push(
          `${el.tagName.toLowerCase()} "${name}" off screen (${Math.round(r.left)}..${Math.round(r.right)})`,
        );
      }
    }
    return found;
  });

/** A control is shown and wholly inside the window sideways (it may need a vertical scroll to reach). */
const expectOnScreen = async (page: Page, what: string, locator: Locator) => {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  const width = page.viewportSize()!.width;
  expect({ what, inside: box !== null && box.x >= 0 && box.x + box.width <= width }).toEqual({
    what,
    inside: true,
  });
};

describe('every page fits a phone and a 1024 px screen (headless Chromium, demo site)', () => {
  let gw: RunningGateway;
  let browser: Browser;
  let adminSecret: string;
  /** The admin's last TOTP step spent (bootstrap spent the current one): a code is good once. */
  let adminStep = Math.floor(Date.now() / 30_000);
  const nextAdminCode = async (): Promise<string> => {
    while (Math.floor(Date.now() / 30_000) + 1 <= adminStep)
      await new Promise((resolve) => setTimeout(resolve, 1000));
    adminStep = Math.floor(Date.now() / 30_000) + 1;
    return totpCode(adminSecret, adminStep * 30_000);
  };

  beforeAll(async () => {
    gw = await startGateway({ env: { GATEHOUSE_DEMO_SEED_SITE: 'true' } });
    const { client: admin, secret } = await bootstrapAdmin(gw.url, gw.bootstrapToken!);
    adminSecret = secret;
    await operatorClient(admin, gw.url, 'gina', ['guard']);
    await operatorClient(admin, gw.url, 'rita', ['reception']);
    await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    await operatorClient(admin, gw.url, 'otto', ['auditor']);
    browser = await launchChromium();
    console.log(`console-responsive screenshots: ${ARTIFACTS}`);
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    if (gw) removeDir(gw.dataDir);
  });

  /** Goes to a page from the navigation: on a phone through the menu button, which then closes. */
  const goTo = async (page: Page, phone: boolean, link: string, heading: string) => {
    if (phone) {
      const menu = page.getByRole('button', { name: 'Menu' });
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      // Behind the button on a phone: the page list is not in sight until it is opened.
      expect(await page.getByRole('link', { name: link, exact: true }).isVisible()).toBe(false);
      // Escape closes it again.
      await menu.click();
      await page.getByRole('link', { name: link, exact: true }).waitFor();
      await page.keyboard.press('Escape');
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      await menu.click();
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
    }
    await page.getByRole('link', { name: link, exact: true }).click();
    await page.getByRole('heading', { name: heading, level: 2 }).waitFor();
    if (phone)
      expect(await page.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded')).toBe('false');
  };

  /** Fits sideways, shows its primary actions, passes axe-core; a screenshot is kept. */
  const checkPage = async (page: Page, where: string, primary: Locator[]) => {
    await page.waitForLoadState('networkidle');
    expect({ where, offScreen: await offScreen(page) }).toEqual({ where, offScreen: [] });
    for (const action of primary) await expectOnScreen(page, where, action);
    await page.screenshot({ path: join(ARTIFACTS, `${where.replace(/\W+/g, '-')}.png`), fullPage: true });
    return seriousA11yViolations(page, where);
  };

  /** Who signs in, the landing page's heading, and the actions that page is for. */
  const LANDINGS: [string, string, (page: Page) => Locator[]][] = [
    [
      'gina',
      'Guard desk',
      (p) => [
        p.getByRole('button', { name: 'Lockdown', exact: true }),
        p.getByLabel('Compact tiles'),
        p.getByTestId('door-board').getByRole('button').first(),
      ],
    ],
    ['rita', 'Who is on site', (p) => [p.getByRole('searchbox')]],
    [
      'fran',
      'People',
      (p) => [p.getByRole('button', { name: 'Search' }), p.getByRole('button', { name: 'Add person' })],
    ],
    ['otto', 'Journal search', (p) => [p.getByRole('button', { name: 'Search' })]],
    ['ada', 'System', (p) => [p.getByRole('button', { name: 'Sign out' })]],
  ];

  for (const size of SIZES)
    it.each(LANDINGS)(
      `%s's landing page (%s) fits at ${size.name} size (${size.width} px), actions in sight, axe-core clean`,
      async (username, heading, primary) => {
        const page = await openConsole(
          browser,
          gw.url,
          username,
          username === 'ada'
            ? { password: ADMIN_PASSWORD, secondFactor: nextAdminCode, viewport: size }
            : { viewport: size },
        );
        const found: string[] = [];
        await withFailureShot(
          page,
          `responsive-${username}-${size.name}`,
          async () => {
            await page.getByRole('heading', { name: heading, level: 2 }).waitFor();
            // Sign out is in the menu on a phone: open it to see it.
            if (size.phone && username === 'ada') await page.getByRole('button', { name: 'Menu' }).click();
            found.push(...(await checkPage(page, `${username} ${heading} ${size.name}`, primary(page))));
          },
          ARTIFACTS,
        );
        await page.context().close();
        expect(found).toEqual([]);
      },
    );

  it.each(SIZES)(
    "the facility manager's People (a person open) and Doors pages fit at $name size, actions in sight",
    async (size) => {
      const page = await openConsole(browser, gw.url, 'fran', { viewport: size });
      const found: string[] = [];
      await withFailureShot(
        page,
        `responsive-fran-pages-${size.name}`,
        async () => {
          await page.getByRole('heading', { name: 'People', level: 2 }).waitFor();
          await page.getByTestId('people').getByText('Ann Archer').click();
          const detail = page.getByTestId('person-detail');
          await detail.getByRole('heading', { name: 'Ann Archer' }).waitFor();
          found.push(
            ...(await checkPage(page, `People with a person open ${size.name}`, [
              detail.getByRole('button', { name: 'Suspend', exact: true }).first(),
              detail.getByRole('button', { name: 'Save access' }),
              detail.getByRole('button', { name: 'Issue credential' }),
              detail.getByRole('button', { name: 'Revoke' }).first(),
            ])),
          );

          await goTo(page, size.phone, 'Doors', 'Doors');
          await page.getByTestId('doors').getByText('Front door').waitFor();
          found.push(
            ...(await checkPage(page, `Doors ${size.name}`, [
              page.getByRole('button', { name: 'Test' }),
              page.getByRole('button', { name: 'Add door' }),
              page.getByTestId('doors').getByRole('button').first(),
            ])),
          );
        },
        ARTIFACTS,
      );
      await page.context().close();
      expect(found).toEqual([]);
    },
  );
});
