import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { totpCode } from '../../libs/auth/src/totp';
import { ADMIN_PASSWORD, bootstrapAdmin, operatorClient } from '../support/client';
import { launchChromium, openConsole, seriousA11yViolations, withFailureShot } from '../support/browser';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';

/** Screenshots of each role's landing page, kept for people to look at (not committed). */
const ARTIFACTS = mkdtempSync(join(tmpdir(), 'gatehouse-console-pages-'));
const SIZES = [
  { name: 'desktop', width: 1920, height: 1080 },
  { name: 'phone', width: 390, height: 844 },
];

describe('each role lands on its job (headless Chromium, demo site)', () => {
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
    console.log(`console-pages screenshots: ${ARTIFACTS}`);
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    if (gw) removeDir(gw.dataDir);
  });

  const signIn = (username: string): Promise<Page> =>
    openConsole(
      browser,
      gw.url,
      username,
      username === 'ada' ? { password: ADMIN_PASSWORD, secondFactor: nextAdminCode } : {},
    );
  const guarded = (page: Page, name: string, steps: () => Promise<void>) =>
    withFailureShot(page, name, steps, ARTIFACTS);

  /** Who signs in, their role, the page's heading and the page's name in the title. */
  const LANDINGS: [string, string, string, string][] = [
    ['gina', 'guard', 'Guard desk', 'Guard desk'],
    ['rita', 'reception', 'Who is on site', 'Who is on site'],
    ['fran', 'facility-manager', 'People', 'People'],
    ['otto', 'auditor', 'Journal search', 'Journal'],
    ['ada', 'admin', 'System', 'System'],
  ];

  it.each(LANDINGS)(
    '%s (%s) lands on %s, focused on its heading, with a skip link, at desktop and phone sizes',
    async (username, role, heading, title) => {
      const found: string[] = [];
      const page = await signIn(username);
      await guarded(page, role, async () => {
        await page.getByRole('heading', { name: heading, level: 2 }).waitFor();
        // Focus follows the page: a screen reader starts at the heading.
        await page.locator('main h2:focus', { hasText: heading }).waitFor();
        expect(await page.title()).toMatch(new RegExp(`^(\\(\\d+\\) )?${title} — Gatehouse$`));
        // The skip link shows when focused and leads to the main content, not away from the page.
        await page.getByRole('link', { name: 'Skip to main content' }).focus();
        await page.getByRole('link', { name: 'Skip to main content' }).and(page.locator(':focus')).waitFor();
        await page.keyboard.press('Enter');
        await page.locator('main#main-content:focus').waitFor();
      });
      for (const size of SIZES) {
        await page.setViewportSize({ width: size.width, height: size.height });
        await guarded(page, `${role}-${size.name}`, async () => {
          const h2 = page.getByRole('heading', { name: heading, level: 2 });
          await h2.waitFor();
          await page.waitForLoadState('networkidle');
          await page.screenshot({ path: join(ARTIFACTS, `${role}-${size.name}.png`) });
          found.push(...(await seriousA11yViolations(page, `${role} at ${size.name}`)));
        });
      }
      await page.context().close();
      expect(found).toEqual([]);
    },
  );

  it('shows the admin every component in words, the journal, storage and version', async () => {
    const page = await signIn('ada');
    await guarded(page, 'system', async () => {
      const components = page.getByTestId('system-components');
      // Components by name, never by the code the gateway files them under ("journal", "mqtt").
      await components.getByRole('rowheader', { name: 'Journal', exact: true }).waitFor();
      await components.getByRole('rowheader', { name: 'MQTT broker', exact: true }).waitFor();
      expect(
        (await components.getByRole('rowheader').allTextContents()).filter((h) => /^[a-z]/.test(h)),
      ).toEqual([]);
      expect(await components.getByText('Working', { exact: true }).count()).toBeGreaterThan(0);
      // Unchanged since the gateway started: said so, with the start time (not the time the page was opened).
      await components
        .locator('tr[data-component="journal"]')
        .getByText(/^since start at \d\d:\d\d$/)
        .waitFor();
      const facts = page.getByTestId('system-facts');
      for (const term of [
        'Journal size',
        'Last checkpoint',
        'Database',
        'Disk free',
        'Version',
        'Running for',
      ])
        await facts.getByText(term, { exact: true }).waitFor();
      await facts
        .getByText(/\d[\d,]* entries/)
        .first()
        .waitFor();
      await page
        .getByTestId('system-overall')
        .getByText(/running normally/)
        .waitFor();
    });
    await page.context().close();
  });

  it('exports the journal as CSV with readable columns and names', async () => {
    const page = await signIn('fran');
    await guarded(page, 'csv', async () => {
      const csv = await page.evaluate(async () => {
        const res = await fetch('/api/v1/journal/export?format=csv&type=cardholder.created');
        return res.text();
      });
      const [header, ...rows] = csv.trim().split('\r\n');
      expect(header).toBe('time,event,person,card,door,result,reason,operator');
      expect(
        rows.some((r) =>
          /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d,Cardholder created,Ann Archer,/.test(r),
        ),
      ).toBe(true);
    });
    await page.context().close();
  });
});
