import type { Browser } from 'playwright-core';
import { bootstrapAdmin, operatorClient } from '../support/client';
import { launchChromium, openConsole, seriousA11yViolations, withFailureShot } from '../support/browser';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';
import { waitFor } from '../support/wait';

/**
 * Feedback belongs to the action (CONSOLE.md, "Forms and dialogs"): a success
 * shows beside the form that caused it (in a live region) and fades, and goes
 * at once when the operator moves on to another form or item (it must not stay
 * under something it is not about); an error is in words beside its form and
 * stays until dismissed.
 */
describe('success fades, errors stay (headless Chromium, demo site)', () => {
  let gw: RunningGateway;
  let browser: Browser;

  beforeAll(async () => {
    gw = await startGateway({ env: { GATEHOUSE_DEMO_SEED_SITE: 'true' } });
    const { client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!);
    await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    if (gw) removeDir(gw.dataDir);
  });

  it('shows a new holiday’s success beside its form and fades it; a refused one stays in words until dismissed', async () => {
    const page = await openConsole(browser, gw.url, 'fran');
    await withFailureShot(page, 'feedback', async () => {
      await page.getByRole('link', { name: 'Schedules' }).click();
      const form = page.locator('form', { has: page.getByRole('heading', { name: 'New holiday' }) });
      await form.getByLabel('Name').fill('Founders day');
      await form.getByLabel('Date').fill('2026-09-01');
      await form.getByRole('button', { name: 'Add holiday' }).click();

      // Beside the form, in the polite live region, in sight.
      const note = form.getByRole('status');
      await note.getByText('Holiday Founders day added.').waitFor();
      expect(await note.getAttribute('data-phase')).toBe('shown');
      // Nothing said at the top of the page about it.
      expect(await page.locator('section > .success-note').allTextContents()).toEqual(['']);

      // A few seconds later it is gone (it was said in the live region when it came).
      await waitFor(
        'the success note to fade',
        async () => ((await note.getAttribute('data-phase')) === 'faded' ? true : undefined),
        15_000,
      );
      const box = await note.boundingBox();
      expect(box === null || box.width <= 1).toBe(true);
      expect(await note.textContent()).toBe('');

      // The same holiday again: refused beside the form, in words, without a validation path.
      await form.getByLabel('Name').fill('Founders day');
      await form.getByLabel('Date').fill('2026-09-01');
      await form.getByRole('button', { name: 'Add holiday' }).click();
      const alert = form.getByRole('alert');
      await alert.waitFor();
      const said = (await alert.locator('p').textContent()) ?? '';
      expect(said.length).toBeGreaterThan(10);
      expect(said).not.toMatch(/\b(body|params|query)\.|\[\d+\]|request\.invalid/);
      expect(await seriousA11yViolations(page, 'schedules with an error')).toEqual([]);

      // It stays past the time a success fades, until dismissed.
      await page.waitForTimeout(7000);
      expect(await alert.isVisible()).toBe(true);
      await alert.getByRole('button', { name: 'Dismiss' }).click();
      await alert.waitFor({ state: 'detached' });
    });
    await page.context().close();
  });

  it('ends a success at once when the operator moves on to another form (the subject changed), not seconds later under it', async () => {
    const page = await openConsole(browser, gw.url, 'fran');
    await withFailureShot(page, 'feedback-subject', async () => {
      await page.getByRole('link', { name: 'Schedules' }).click();
      const form = page.locator('form', { has: page.getByRole('heading', { name: 'New holiday' }) });
      await form.getByLabel('Name').fill('Harvest day');
      await form.getByLabel('Date').fill('2026-10-01');
      await form.getByRole('button', { name: 'Add holiday' }).click();
      const note = form.getByRole('status');
      await note.getByText('Holiday Harvest day added.').waitFor();
      // Still in its form: it stays.
      await form.getByLabel('Date').click();
      expect(await note.textContent()).toBe('Holiday Harvest day added.');
      // Another form: gone, well before it would have faded.
      const other = page.locator('form', { has: page.getByRole('heading', { name: 'New schedule' }) });
      await other.getByLabel('Name').first().click();
      await waitFor(
        'the note to end',
        async () => ((await note.textContent()) === '' ? true : undefined),
        2000,
      );
      expect(await note.getAttribute('data-phase')).toBe('faded');
    });
    await page.context().close();
  });
});
