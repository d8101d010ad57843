import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { totpCode } from '../../libs/auth/src/totp';
import { Client } from '../support/client';
import { launchChromium, seriousA11yViolations } from '../support/browser';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';

describe('console in headless Chromium', () => {
  let gw: RunningGateway;
  let browser: Browser;

  beforeAll(async () => {
    gw = await startGateway();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    if (gw) removeDir(gw.dataDir);
  });

  it('bootstraps, signs in with a second factor, shows live events, searches, verifies, administers', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await walkThrough(page, problems);
    } catch (error) {
      // What the browser showed when it failed: kept beside the test output for diagnosis.
      await page
        .screenshot({ path: join(tmpdir(), 'gatehouse-console-failure.png'), fullPage: true })
        .catch(() => undefined);
      throw error;
    }
  });

  const walkThrough = async (page: Page, problems: string[]) => {
    await page.goto(gw.url);

    // First start: the bootstrap form.
    await page.getByLabel('Bootstrap token').fill(gw.bootstrapToken!);
    await page.getByLabel('User name').fill('ada');
    await page.getByLabel('Full name').fill('Ada Admin');
    await page.getByLabel('Password', { exact: true }).fill('violet anchor meadow 42');
    await page.getByLabel('Repeat password').fill('violet anchor meadow 42');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByRole('button', { name: 'Continue to sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    // Sign in; an admin must enrol TOTP.
    await page.getByLabel('User name').fill('ada');
    await page.getByLabel('Password').fill('violet anchor meadow 42');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Start set-up' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!;
    await page.getByLabel('Code shown by the app').fill(totpCode(secret, Date.now()));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('recovery-codes').locator('li').nth(9).waitFor();
    expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    // Shown once: downloaded as they are listed, not typed off the screen.
    const codes = await page.getByTestId('recovery-codes').locator('li').allTextContents();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download codes' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('gatehouse-recovery-codes.txt');
    expect(
      readFileSync((await download.path())!, 'utf8')
        .trim()
        .split('\n'),
    ).toEqual(codes);
    await page.getByRole('button', { name: 'Copy codes' }).waitFor();
    await page.getByRole('button', { name: 'I have stored them' }).click();

    // Navigation by role: an admin sees every page.
    await page.getByTestId('who').waitFor();
    for (const name of ['Live events', 'Journal', 'Integrity', 'Operators', 'API tokens', 'My account']) {
      await expect(page.getByRole('link', { name }).count()).resolves.toBe(1);
    }

    // An API token made in the console posts a note that appears on the live feed.
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByLabel('Name').fill('e2e');
    await page.getByLabel('Role').selectOption('guard');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('new-token').textContent())!;
    await page.getByRole('link', { name: 'Live events' }).click();
    await page.getByTestId('stream-state').getByText('live').waitFor();
    const machine = new Client(gw.url);
    machine.bearer = token;
    expect(
      (await machine.post('/api/v1/journal/notes', { text: 'Shift note from the e2e test' })).status,
    ).toBe(201);
    await page.getByTestId('live-feed').getByText('Shift note from the e2e test').waitFor({ timeout: 5000 });

    // Journal search with a filter, and export links carrying the same filter.
    await page.getByRole('link', { name: 'Journal' }).click();
    await page.getByLabel('Text').fill('Shift note');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByTestId('journal-results').getByRole('button', { name: 'Note' }).first().waitFor();
    // The newest entries, shown on arrival before any search, hold the note too: the row above can
    // be theirs. The export links take the search's filter once its answer is in.
    await page.locator('.jr-exports a[href*="q="]').first().waitFor({ timeout: 10_000 });
    const csvHref = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(csvHref).toContain('format=csv');
    expect(csvHref).toContain('q=Shift+note');

    // Integrity check from the console.
    await page.getByRole('link', { name: 'Integrity' }).click();
    await page.getByRole('button', { name: 'Verify the whole journal' }).click();
    await page
      .getByTestId('verify-report')
      .getByText(/Verified: \d+ entries/)
      .waitFor();

    // Operator administration: create a reception operator.
    await page.getByRole('link', { name: 'Operators' }).click();
    await page.getByLabel('User name').fill('rita');
    await page.getByLabel('Full name').fill('Rita Reception');
    await page.getByLabel('Temporary password').fill('temporary entry pass 1');
    await page.locator('form.panel input[name="role-guard"]').uncheck();
    await page.locator('form.panel input[name="role-reception"]').check();
    await page.getByRole('button', { name: 'Create operator' }).click();
    await page.getByTestId('operators').getByText('Rita Reception').waitFor();
    await page.screenshot({ path: join(tmpdir(), 'gatehouse-console-operators.png'), fullPage: true });

    // Sign out, then reception signs in: must change the password, then sees only its pages.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('User name').fill('rita');
    await page.getByLabel('Password').fill('temporary entry pass 1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose your own password' }).waitFor();
    await page.locator('input[name="currentPassword"]').fill('temporary entry pass 1');
    await page.locator('input[name="newPassword"]').fill('granite lantern harbour');
    await page.locator('input[name="repeatPassword"]').fill('granite lantern harbour');
    await page.getByRole('button', { name: 'Change password' }).click();
    // Roles in words, not the API's codes.
    await page.getByTestId('who').getByText('Reception', { exact: true }).waitFor();
    await expect(page.getByRole('link', { name: 'Operators' }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Integrity' }).count()).resolves.toBe(0);

    // A second factor is optional for reception, and can be set up from the account page.
    await page.getByRole('link', { name: 'My account' }).click();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    // A signed-in session proves the operator again before a second factor is added.
    await page.locator('input[name="enrolCurrentPassword"]').fill('granite lantern harbour');
    await page.getByRole('button', { name: 'Start set-up' }).click();
    const ritaSecret = (await page.getByTestId('totp-secret').textContent())!;
    await page.getByLabel('Code shown by the app').fill(totpCode(ritaSecret, Date.now()));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('recovery-codes').locator('li').nth(9).waitFor();
    await page.getByRole('button', { name: 'I have stored them' }).click();
    await page.getByText('Second factor: enrolled').waitFor();
    // Replacing the app takes the password and a code from the current one.
    await page.getByRole('button', { name: 'Replace the authenticator app' }).click();
    await page.locator('input[name="enrolCurrentPassword"]').fill('granite lantern harbour');
    await page
      .getByLabel('Code from your current authenticator app')
      .fill(totpCode(ritaSecret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Start set-up' }).click();
    const replacement = (await page.getByTestId('totp-secret').textContent())!;
    expect(replacement).not.toBe(ritaSecret);
    await page.getByLabel('Code shown by the app').fill(totpCode(replacement, Date.now()));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('recovery-codes').locator('li').nth(9).waitFor();
    await page.getByRole('button', { name: 'I have stored them' }).click();
    await page.getByText('Second factor: enrolled').waitFor();
    // Every page an administrator can open, checked with axe-core as it stands.
    const violations: string[] = [];
    for (const name of await page.locator('nav a').allTextContents()) {
      await page.locator('nav a', { hasText: name }).first().click();
      await page.waitForLoadState('networkidle');
      violations.push(...(await seriousA11yViolations(page, `admin on ${name}`)));
    }
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
  };
});
