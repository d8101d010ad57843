import type { Browser, Page } from 'playwright-core';
import { bootstrapAdmin, operatorClient, type Client } from '../support/client';
import { launchChromium, openConsole, withFailureShot } from '../support/browser';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';

describe('facility manager and guard pages in headless Chromium (demo site)', () => {
  let gw: RunningGateway;
  let browser: Browser;
  let guard: Client;

  beforeAll(async () => {
    gw = await startGateway({ env: { GATEHOUSE_DEMO_SEED_SITE: 'true' } });
    const { client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!);
    await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    guard = await operatorClient(admin, gw.url, 'gina', ['guard']);
    await operatorClient(admin, gw.url, 'rita', ['reception']);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    if (gw) removeDir(gw.dataDir);
  });

  const signIn = (username: string): Promise<Page> => openConsole(browser, gw.url, username);
  const guarded = (page: Page, name: string, steps: () => Promise<void>) =>
    withFailureShot(page, name, steps);

  it('lets a facility manager find people and their doors, add a person and a card, test a decision and import a file', async () => {
    const page = await signIn('fran');
    await guarded(page, 'facility-manager', async () => {
      await page.getByRole('link', { name: 'People' }).click();
      await page.getByTestId('people').getByText('Ann Archer').click();
      await page
        .getByTestId('person-doors')
        .getByText(/^Server room \(/)
        .waitFor();

      await page.locator('input[name="new-person-name"]').fill('Zoe Tester');
      await page.locator('input[name="new-person-number"]').fill('CC9999');
      await page.locator('input[name="new-level-staff"]').check();
      await page.getByRole('button', { name: 'Add person' }).click();
      await page.getByTestId('person-detail').getByRole('heading', { name: 'Zoe Tester' }).waitFor();
      await page.locator('input[name="credential-number"]').fill('21:59999');
      await page.getByRole('button', { name: 'Issue credential' }).click();
      await page.getByTestId('person-detail').getByText('H10301 21:59999').waitFor();

      await page.getByRole('link', { name: 'Doors' }).click();
      await page.getByTestId('doors').getByText('Front door').waitFor();
      // Names and words, not ids and codes: zones by name, readers by direction, the mode in words.
      const doors = page.getByTestId('doors');
      await doors.getByText('Lobby → Call floor', { exact: true }).waitFor();
      await doors.getByText('Card and PIN', { exact: true }).first().waitFor();
      for (const code of ['front-door', 'floor-1', 'front-in', 'card-and-pin', 'card-only'])
        expect(await doors.getByText(code).count()).toBe(0);
      // Ids only behind "advanced".
      await page.getByLabel('Show ids (advanced)').check();
      await doors.getByText('front-door', { exact: true }).waitFor();
      await page.getByLabel('Show ids (advanced)').uncheck();
      // Card formats in words, as people know the cards ("26-bit H10301", "PIN only"), never the codes.
      const formats = await page.locator('select[name="test-format"] option').allTextContents();
      expect(formats).toEqual(
        expect.arrayContaining(['26-bit H10301', 'PIN only (no card)', 'Raw bits (any length)']),
      );
      expect(formats.filter((f) => ['raw', 'pin-only', 'H10301'].includes(f))).toEqual([]);
      // The reader by its door and direction, never by its id.
      await page.locator('select[name="test-reader"]').selectOption({ label: 'Front door entry reader' });
      await page.locator('input[name="test-number"]').fill('21:59999');
      await page.locator('input[name="test-at"]').fill('2026-06-03T10:00');
      await page.getByRole('button', { name: 'Test' }).click();
      await page.getByTestId('decision').getByText('Granted', { exact: true }).waitFor();
      await page.locator('input[name="test-at"]').fill('2026-06-06T10:00'); // a Saturday
      await page.getByRole('button', { name: 'Test' }).click();
      // The reason in the words the journal and its export use, not the engine's code.
      await page.getByTestId('decision').getByText('Denied: Outside their schedule').waitFor();

      await page.getByRole('link', { name: 'Import' }).click();
      const header = 'employee_number,name,levels,credential_format,credential_number\n';
      await page.locator('input[name="import-file"]').setInputFiles({
        name: 'bad.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(
          `${header}CC5000,Pat,staff,H10301,21:50000\nCC5001,Quinn,nolevel,H10301,21:50001\n`,
        ),
      });
      await page.getByRole('button', { name: 'Check (dry run)' }).click();
      await page.getByTestId('import-report').getByText('unknown level "nolevel"').waitFor();
      await page.locator('input[name="import-file"]').setInputFiles({
        name: 'good.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(
          `${header}CC5000,Pat,staff,H10301,21:50000\nCC5001,Quinn,staff,H10301,21:50001\n`,
        ),
      });
      await page.getByRole('button', { name: 'Check (dry run)' }).click();
      await page
        .getByTestId('import-report')
        .getByText(/Dry run: 2 rows\. People: 2 new/)
        .waitFor();
      await page.getByRole('button', { name: 'Apply' }).click();
      await page
        .getByTestId('import-report')
        .getByText(/Applied: 2 rows/)
        .waitFor();
      await page.getByRole('link', { name: 'People' }).click();
      await page.locator('input[name="people-search"]').fill('Quinn');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByTestId('people').getByText('Quinn').waitFor();
    });
  });

  it('lets a guard lock every door down and release it, with a reason', async () => {
    const page = await signIn('gina');
    await guarded(page, 'guard', async () => {
      await page.getByRole('link', { name: 'Doors' }).click();
      await page.getByTestId('doors').getByText('Server room', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Lockdown', exact: true }).click();
      const ask = page.getByRole('dialog', { name: /^Lock down all \d+ doors of the site\?$/ });
      await ask.getByLabel(/Reason/).fill('intruder reported in the lobby');
      await ask.getByRole('button', { name: 'Lock down' }).click();
      await page.getByTestId('doors').locator('td.mode-lockdown').nth(2).waitFor();
      // Who set the mode by the name they are shown by, not their user name.
      expect(
        await page.getByTestId('doors').getByText('gina tester: intruder reported in the lobby').count(),
      ).toBe(3);
      expect(await page.getByTestId('doors').getByText('LOCKDOWN', { exact: true }).count()).toBe(3);
      await page.getByRole('button', { name: 'Release lockdown' }).click();
      const release = page.getByRole('dialog', { name: 'Release the lockdown?' });
      await release.getByLabel(/Reason/).fill('all clear');
      await release.getByRole('button', { name: 'Release lockdown' }).click();
      await page.getByTestId('doors').locator('td.mode-card-and-pin').waitFor();
      expect(await page.getByTestId('doors').locator('td.mode-lockdown').count()).toBe(0);
      // Guards see no editing forms.
      expect(await page.getByRole('button', { name: 'Add door' }).count()).toBe(0);
    });
  });

  it('shows a lockdown started elsewhere on every page at once, offers no unlock in it, and shows its release', async () => {
    const desk = await signIn('gina');
    const office = await signIn('fran');
    await guarded(desk, 'lockdown-live-guard', async () => {
      await guarded(office, 'lockdown-live-manager', async () => {
        await desk.getByRole('link', { name: 'Doors' }).click();
        const doors = desk.getByTestId('doors');
        await doors.getByText('Server room', { exact: true }).waitFor();
        expect(await doors.getByRole('button', { name: 'Unlock once' }).count()).toBe(3);
        await office.getByRole('link', { name: 'People' }).click();
        await office.getByTestId('people').getByText('Ann Archer').waitFor();
        expect(await office.getByTestId('lockdown-banner').count()).toBe(0);

        // Started through the API (another desk): no page is reloaded or clicked.
        const started = await guard.post('/api/v1/access/lockdown', {
          kind: 'lockdown',
          doors: 'all',
          reason: 'smoke in the stairwell',
        });
        expect(started.status).toBe(200);
        await doors.locator('td.mode-lockdown').nth(2).waitFor();
        // The banner on pages other than the desk, for another role too: who by display name, and why.
        for (const page of [desk, office])
          await page
            .getByTestId('lockdown-banner')
            .getByText(/Started by gina tester at .*smoke in the stairwell/)
            .waitFor();
        // The gateway refuses to unlock a door in a lockdown: no unlock is offered, and why is said.
        expect(await doors.getByRole('button', { name: /^Unlock/ }).count()).toBe(0);
        // Nor "Normal", which would end the lockdown on one door (the gateway refuses that too).
        expect(await doors.getByRole('button', { name: 'Normal', exact: true }).count()).toBe(0);
        expect(await doors.getByText('Release the lockdown to unlock').count()).toBe(3);
        // Still there on the other pages the guard opens.
        for (const link of ['Journal', 'Who is on site']) {
          await desk.getByRole('link', { name: link, exact: true }).click();
          await desk
            .getByTestId('lockdown-banner')
            .getByText(/smoke in the stairwell/)
            .waitFor();
        }

        // A second start is refused, naming who started the first by the name they are shown by.
        const again = await guard.post('/api/v1/access/lockdown', { kind: 'lockdown', reason: 'twice' });
        expect(again.status).toBe(409);
        expect(again.text).toContain('started by gina tester: smoke in the stairwell');
        expect(again.text).not.toContain('started by gina:');

        await desk.getByRole('link', { name: 'Doors' }).click();
        await doors.locator('td.mode-lockdown').nth(2).waitFor();
        const released = await guard.post('/api/v1/access/lockdown/release', { reason: 'false alarm' });
        expect(released.status).toBe(200);
        await doors.locator('td.mode-card-and-pin').waitFor();
        expect(await doors.locator('td.mode-lockdown').count()).toBe(0);
        expect(await doors.getByText('LOCKDOWN', { exact: true }).count()).toBe(0);
        await doors.getByRole('button', { name: 'Unlock once' }).nth(2).waitFor();
        for (const page of [desk, office])
          await page.getByTestId('lockdown-banner').waitFor({ state: 'detached' });
      });
    });
  });

  it('shows bidirectional controls in a name as codes, and refuses a card number its format cannot hold by field', async () => {
    const page = await signIn('fran');
    await guarded(page, 'input-hygiene', async () => {
      await page.getByRole('link', { name: 'People' }).click();
      await page.locator('input[name="new-person-name"]').fill('Eve\u202eevE');
      await page.getByRole('button', { name: 'Add person' }).click();
      const detail = page.getByTestId('person-detail');
      await detail.getByRole('heading', { name: 'Eve<U+202E>evE' }).waitFor();
      await page.getByTestId('people').getByText('Eve<U+202E>evE').waitFor();
      await page.locator('input[name="credential-number"]').fill('21:70000');
      await page.getByRole('button', { name: 'Issue credential' }).click();
      await page.getByText(/H10301 card number is a whole number from 0 to 65535/).waitFor();
      expect(await detail.getByText('H10301 21:70000').count()).toBe(0);
    });
  });
  it('leaves out the People columns a role may not see instead of showing them empty', async () => {
    const desk = await signIn('gina');
    const office = await signIn('fran');
    await guarded(desk, 'people-columns-guard', async () => {
      await desk.getByRole('link', { name: 'People' }).click();
      await desk.getByTestId('people').getByText('Ann Archer').click();
      await desk.getByTestId('person-detail-heading').waitFor();
      const guardHeads = await desk.getByTestId('people').locator('thead th').allTextContents();
      // A guard sees departments but not employee numbers or directory accounts (docs/permissions.md).
      expect(guardHeads).toEqual(['Name', 'Department', 'State']);
      expect(
        await desk
          .getByTestId('person-detail')
          .getByText(/employee number|no account/)
          .count(),
      ).toBe(0);
    });
    // Reception may not see cards: the detail says so, rather than an empty list that reads "no cards".
    const reception = await signIn('rita');
    await guarded(reception, 'people-cards-reception', async () => {
      await reception.getByRole('link', { name: 'People' }).click();
      await reception.getByTestId('people').getByText('Ann Archer').click();
      await reception
        .getByTestId('credentials-hidden')
        .getByText('Cards are not shown to your role.')
        .waitFor();
    });
    await guarded(office, 'people-columns-manager', async () => {
      await office.getByRole('link', { name: 'People' }).click();
      await office.getByTestId('people').getByText('Ann Archer').waitFor();
      const managerHeads = await office.getByTestId('people').locator('thead th').allTextContents();
      expect(managerHeads).toEqual(['Name', 'Employee #', 'Department', 'State']);
    });
  });
});
