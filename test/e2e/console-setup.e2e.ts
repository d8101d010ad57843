import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { encode } from '../../libs/bridge-protocol/src';
import { SimulatedOsdpBus } from '../../libs/testing/src';
import { launchChromium, seriousA11yViolations } from '../support/browser';
import { bootstrapAdmin, type Client, operatorClient, PERMANENT_PASSWORD } from '../support/client';
import { removeDir, startGatewayWithSite, type RunningGateway } from '../support/gateway';
import { waitFor } from '../support/wait';

const FRONT_KEY = '8f1a2b3c4d5e6f708192a3b4c5d6e7f8';

/**
 * Setting up a site without developer concepts (issue 11, items 8 and 10): the
 * first administrator's password form, a door made from its name, a person
 * edited in place, and a card enrolled by presenting it at a real (simulated
 * OSDP, secure channel) reader.
 */
describe('console set-up in headless Chromium (demo site, one OSDP reader)', () => {
  let dir: string;
  let bus: SimulatedOsdpBus;
  let gw: RunningGateway;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-console-setup-'));
    bus = await new SimulatedOsdpBus(join(dir, 'ttyCP'), join(dir, 'ttyPD'), [
      { address: 1, scbk: Uint8Array.from(Buffer.from(FRONT_KEY, 'hex')), serial: 3001 },
    ]).start();
    writeFileSync(join(dir, 'front.key'), FRONT_KEY);
    gw = await startGatewayWithSite(
      dir,
      [
        'demo:',
        '  seedSite: true',
        'site:',
        '  timeZone: Europe/Berlin',
        'serial:',
        '  - id: osdp-1',
        `    path: ${join(dir, 'ttyCP')}`,
        '    protocol: osdp',
        '    pollIntervalMs: 50',
        '    readers:',
        `      - { id: front-in, address: 1, scbk: { file: ${join(dir, 'front.key')} } }`,
      ],
      { timeoutMs: 45_000 },
    );
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await bus?.stop();
    if (gw) removeDir(gw.dataDir);
    if (dir) removeDir(dir);
  });

  const shot = async (page: Page, name: string, steps: () => Promise<void>) => {
    try {
      await steps();
    } catch (error) {
      await page
        .screenshot({ path: join(tmpdir(), `gatehouse-${name}-failure.png`), fullPage: true })
        .catch(() => undefined);
      throw error;
    }
  };

  it('shows the password rules on first start and refuses a repeat that differs', async () => {
    const page = await (await browser.newContext()).newPage();
    await shot(page, 'setup-bootstrap', async () => {
      await page.goto(gw.url);
      await page.getByLabel('Bootstrap token').fill(gw.bootstrapToken!);
      await page
        .getByTestId('password-rules')
        .getByText(/^at least 12 characters/)
        .waitFor();
      await page.getByLabel('User name').fill('ada');
      await page.getByLabel('Full name').fill('Ada Admin');
      await page.getByLabel('Password', { exact: true }).fill('violet anchor meadow 42');
      await page.getByLabel('Repeat password').fill('violet anchor meadow 43');
      await page.getByText('The two passwords differ.').waitFor();
      await page.getByRole('button', { name: 'Create administrator' }).click();
      await page.getByText(/type the same password twice/).waitFor();
      expect(await page.getByLabel('Password', { exact: true }).getAttribute('minlength')).toBe('12');
      expect(await seriousA11yViolations(page, 'bootstrap form')).toEqual([]);
    });
    // Nothing was sent: the first administrator is still to be created.
    const state = (await (await fetch(`${gw.url}/api/v1/auth/bootstrap`)).json()) as { pending: boolean };
    expect(state.pending).toBe(true);
  });

  describe('a facility manager', () => {
    let fm: Client;
    let page: Page;
    beforeAll(async () => {
      const { client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!);
      fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
      page = await (await browser.newContext()).newPage();
      await page.goto(gw.url);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.getByLabel('User name').fill('fran');
      await page.getByLabel('Password').fill(PERMANENT_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('who').waitFor();
    });

    it('creates a door without typing an id, and a schedule in the site time zone', async () => {
      await shot(page, 'setup-door', async () => {
        await page.getByRole('link', { name: 'Doors' }).click();
        await page.getByTestId('doors').getByText('Front door').waitFor();
        expect(await page.locator('input[name="door-id"]').isVisible()).toBe(false);
        await page.locator('input[name="door-name"]').fill('Loading dock (east)');
        await page.getByText('Id: loading-dock-east').waitFor();
        await page.locator('select[name="door-zone"]').selectOption({ index: 1 });
        // Readers are chosen by name from those configured; one already on a door is not offered again.
        const entry = page.locator('select[name="door-entry-reader"]');
        const inUse = entry.getByRole('option', { name: 'Front door, entry reader (in use)' });
        await waitFor('the configured readers offered', async () =>
          (await inUse.count()) === 1 ? true : undefined,
        );
        expect(await inUse.isDisabled()).toBe(true);
        expect(await entry.locator('option').allInnerTexts()).not.toContain('front-in');
        await page.getByRole('button', { name: 'Add door' }).click();
        await page.getByTestId('doors').getByText('Loading dock (east)').waitFor();
        const doors = await fm.get<{ items: { id: string; name: string }[] }>('/api/v1/access/doors');
        expect(doors.body.items).toContainEqual(
          expect.objectContaining({ id: 'loading-dock-east', name: 'Loading dock (east)' }),
        );
        expect(await seriousA11yViolations(page, 'doors')).toEqual([]);

        await page.getByRole('link', { name: 'Schedules' }).click();
        await page.getByText("The site's time zone is Europe/Berlin.").waitFor();
        expect(await page.locator('input[name="schedule-zone"]').inputValue()).toBe('Europe/Berlin');
        await page.locator('input[name="schedule-name"]').fill('Night shift');
        await page.getByRole('button', { name: 'Save schedule' }).click();
        await page.getByTestId('schedules').getByText('night-shift').waitFor();
        const schedules = await fm.get<{ items: { id: string; timeZone: string }[] }>(
          '/api/v1/access/schedules',
        );
        expect(schedules.body.items).toContainEqual(
          expect.objectContaining({ id: 'night-shift', timeZone: 'Europe/Berlin' }),
        );
      });
    });

    it("edits a person's name, department and flags, and enrols a card presented at a reader", async () => {
      await shot(page, 'setup-person', async () => {
        await waitFor('the reader online', async () => {
          const r = await fm.get<{ readers: { id: string; online: boolean }[] }>('/api/v1/readers');
          return r.body.readers.find((x) => x.id === 'front-in')?.online ? true : undefined;
        });
        await page.getByRole('link', { name: 'People' }).click();
        await page.getByTestId('people').getByText('Ann Archer').click();
        const detail = page.getByTestId('person-detail');
        await detail.locator('input[name="edit-person-name"]').fill('Ann Archer-Bell');
        await detail.locator('input[name="edit-person-department"]').fill('Facilities');
        await detail.locator('input[name="edit-person-privileged"]').check();
        await detail.locator('input[name="edit-person-watch"]').check();
        await detail.getByRole('button', { name: 'Save details' }).click();
        await detail.getByRole('heading', { name: 'Ann Archer-Bell' }).waitFor();
        const found = await fm.get<{ items: { id: string; name: string }[] }>(
          '/api/v1/access/cardholders?q=Archer-Bell',
        );
        const ann = await fm.get<{ department: string; privileged: boolean; watchListed: boolean }>(
          `/api/v1/access/cardholders/${found.body.items[0]!.id}`,
        );
        expect(ann.body).toEqual(
          expect.objectContaining({ department: 'Facilities', privileged: true, watchListed: true }),
        );

        await detail.locator('select[name="present-reader"]').selectOption('front-in');
        await detail.getByRole('button', { name: 'Wait for a card' }).click();
        await detail.getByText('Present the card at the reader now').waitFor();
        bus.pd(1).presentCard(encode('H10301', 21, 4242));
        await detail.getByText('Card 21:4242 read.').waitFor();
        expect(await detail.locator('input[name="credential-number"]').inputValue()).toBe('21:4242');
        await detail.getByRole('button', { name: 'Issue credential' }).click();
        await detail.getByText('H10301 21:4242').waitFor();
        expect(await seriousA11yViolations(page, 'people with a person open')).toEqual([]);
      });
    });
  });
});
