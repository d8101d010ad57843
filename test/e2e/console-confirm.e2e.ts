import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { totpCode } from '../../libs/auth/src/totp';
import {
  ADMIN_PASSWORD,
  bootstrapAdmin,
  type Client,
  operatorClient,
  PERMANENT_PASSWORD,
} from '../support/client';
import { launchChromium, openConsole, seriousA11yViolations, withFailureShot } from '../support/browser';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';

/**
 * Risky actions confirm in an in-page dialog naming their subject (issue 11,
 * item 9), the forms say their limits before sending and offer copy and
 * download for a secret shown once (item 10), and a table is worked by
 * keyboard alone: Tab to a row, Enter opens its detail, focus goes with it.
 */
describe('confirmations, limits, secrets and the keyboard (headless Chromium, demo site)', () => {
  let gw: RunningGateway;
  let browser: Browser;
  let admin: Client;
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
    ({ client: admin, secret: adminSecret } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    // An operator with a second factor, so "Reset 2FA" is offered for them.
    const otto = await operatorClient(admin, gw.url, 'otto', ['auditor']);
    const setup = await otto.post<{ secret: string }>('/api/v1/auth/enrollment', {
      currentPassword: PERMANENT_PASSWORD,
    });
    const enrolled = await otto.post('/api/v1/auth/enrollment/confirm', {
      code: totpCode(setup.body.secret, Date.now()),
    });
    expect(enrolled.status).toBe(200);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    if (gw) removeDir(gw.dataDir);
  });

  const signInAdmin = async (): Promise<Page> => {
    const page = await openConsole(browser, gw.url, 'ada', {
      password: ADMIN_PASSWORD,
      secondFactor: nextAdminCode,
    });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gw.url });
    return page;
  };
  /** Opens the dialog a button asks with, checks it names its subject, and cancels: nothing done. */
  const askedAndCancelled = async (page: Page, button: () => Promise<void>, title: string | RegExp) => {
    await button();
    const dialog = page.getByRole('dialog', { name: title });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  };

  it('works the People table by keyboard alone: Tab to a person, Enter opens them, focus on their detail', async () => {
    const page = await openConsole(browser, gw.url, 'fran');
    await withFailureShot(page, 'keyboard-people', async () => {
      await page.locator('main h2:focus', { hasText: 'People' }).waitFor();
      await page.getByRole('button', { name: 'Ann Archer' }).waitFor();
      let reached = false;
      for (let i = 0; i < 80 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = (await page.evaluate('document.activeElement?.textContent?.trim()')) === 'Ann Archer';
      }
      expect(reached).toBe(true);
      await page.keyboard.press('Enter');
      await page.getByTestId('person-detail').waitFor();
      await page.locator('[data-testid="person-detail-heading"]:focus', { hasText: 'Ann Archer' }).waitFor();
      // From the detail, on by Tab: its actions, first of them Suspend, which asks before acting.
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement?.textContent?.trim()')).toBe('Suspend');
      await page.keyboard.press('Enter');
      const ask = page.getByRole('dialog', { name: 'Suspend Ann Archer?' });
      await ask.waitFor();
      await page.keyboard.press('Escape');
      await ask.waitFor({ state: 'detached' });
      await page
        .getByTestId('person-detail')
        .getByText(/· Active ·/)
        .waitFor();
    });
    await page.context().close();
  });

  it('asks before disabling an operator, resetting their second factor, revoking a token and erasing a person, naming each', async () => {
    const page = await signInAdmin();
    await withFailureShot(page, 'confirm-admin', async () => {
      await page.getByRole('link', { name: 'Operators' }).click();
      const otto = page.getByTestId('operators').getByRole('row', { name: /otto tester/ });
      await askedAndCancelled(
        page,
        () => otto.getByRole('button', { name: 'Disable' }).click(),
        'Disable otto tester (otto)?',
      );
      await askedAndCancelled(
        page,
        () => otto.getByRole('button', { name: 'Reset 2FA' }).click(),
        'Remove the second factor of otto tester?',
      );
      // Limits are said before sending.
      await page
        .getByTestId('username-limits')
        .getByText(/Up to 64 letters, digits and \. _ @ -/)
        .waitFor();
      const operators = await admin.get<{
        items: { username: string; disabled: boolean; totpEnrolled: boolean }[];
      }>('/api/v1/operators');
      expect(operators.body.items.find((o) => o.username === 'otto')).toMatchObject({
        disabled: false,
        totpEnrolled: true,
      });

      // A new token: its limits first, then copy and download of the secret shown once.
      await page.getByRole('link', { name: 'API tokens' }).click();
      await page
        .getByTestId('token-days-limits')
        .getByText('From 1 to 3650 days', { exact: false })
        .waitFor();
      expect(await seriousA11yViolations(page, 'tokens with limits')).toEqual([]);
      await page.getByLabel('Name', { exact: true }).fill('Badge printer');
      await page.getByLabel('Role').selectOption('guard');
      await page.getByRole('button', { name: 'Create token' }).click();
      const token = (await page.getByTestId('new-token').textContent())!.trim();
      expect(token.length).toBeGreaterThan(20);
      await page.getByRole('button', { name: 'Copy token' }).click();
      await page.getByText('Token copied.').waitFor();
      expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download token' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('gatehouse-api-token.txt');
      expect(readFileSync((await download.path())!, 'utf8').trim()).toBe(token);
      await page.getByRole('button', { name: 'I have stored it' }).click();
      const row = page.getByRole('row', { name: /Badge printer/ });
      await askedAndCancelled(
        page,
        () => row.getByRole('button', { name: 'Revoke' }).click(),
        'Revoke the token "Badge printer"?',
      );
      await row.getByText('Active', { exact: true }).waitFor();

      // Erasure: the person named, the consequence said, a reason asked; cancelled, then done.
      await page.getByRole('link', { name: 'People' }).click();
      await page.getByRole('button', { name: 'Ann Archer' }).click();
      await askedAndCancelled(
        page,
        () => page.getByRole('button', { name: 'Erase personal data…' }).click(),
        'Erase Ann Archer for good?',
      );
      await page.getByTestId('person-detail-heading').getByText('Ann Archer').waitFor();
      await page.getByRole('button', { name: 'Erase personal data…' }).click();
      const erase = page.getByRole('dialog', { name: 'Erase Ann Archer for good?' });
      await erase.getByText(/cannot be undone/).waitFor();
      expect(await seriousA11yViolations(page, 'erase dialog')).toEqual([]);
      await erase.getByLabel(/Reason/).fill('data subject request DSR-11');
      await erase.getByRole('button', { name: 'Erase for good' }).click();
      await erase.waitFor({ state: 'detached' });
      await page.getByTestId('person-detail-heading').getByText('erased person').waitFor();
      // Nothing left to erase: the action is no longer offered.
      expect(await page.getByRole('button', { name: 'Erase personal data…' }).count()).toBe(0);
    });
    await page.context().close();
  });
});
