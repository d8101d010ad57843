import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { encode } from '../../libs/bridge-protocol/src';
import { SimulatedOsdpBus } from '../../libs/testing/src';
import { totpCode } from '../../libs/auth/src/totp';
import { launchChromium, openConsole, seriousA11yViolations, withFailureShot } from '../support/browser';
import {
  ADMIN_PASSWORD,
  bootstrapAdmin,
  type Client,
  operatorClient,
  PERMANENT_PASSWORD,
} from '../support/client';
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
  /** The first administrator, made by the facility manager's tests' set-up (the bootstrap form is tested first). */
  let admin: Client;
  let adminSecret: string;
  /** The second factor's time step the bootstrap spent: a code is good once. */
  let adminStepSpent = 0;

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

  it('shows the password rules on first start, refuses a repeat that differs, and a token cut short in words', async () => {
    const page = await (await browser.newContext()).newPage();
    await shot(page, 'setup-bootstrap', async () => {
      await page.goto(gw.url);
      await page.getByLabel('Bootstrap token').fill(gw.bootstrapToken!);
      await page
        .getByTestId('password-rules')
        .getByText(/^at least 12 characters/)
        .waitFor();
      // The user name's limits are said before sending, and held by the field.
      await page
        .getByTestId('username-limits')
        .getByText(/^Up to 64 letters, digits and \. _ @ -/)
        .waitFor();
      await page.getByLabel('User name').fill('ada');
      expect(await page.getByLabel('User name').getAttribute('maxlength')).toBe('64');
      await page.getByLabel('Full name').fill('Ada Admin');
      await page.getByLabel('Password', { exact: true }).fill('violet anchor meadow 42');
      await page.getByLabel('Repeat password').fill('violet anchor meadow 43');
      await page.getByText('The two passwords differ.').waitFor();
      await page.getByRole('button', { name: 'Create administrator' }).click();
      await page.getByText(/type the same password twice/).waitFor();
      expect(await page.getByLabel('Password', { exact: true }).getAttribute('minlength')).toBe('12');
      expect(await seriousA11yViolations(page, 'bootstrap form')).toEqual([]);

      // What the token looks like is said before sending; a token cut short when copied is refused in words.
      await page.getByText(/The one-time code of 36 characters starting with “gbt_”/).waitFor();
      await page.getByLabel('Repeat password').fill('violet anchor meadow 42');
      await page.getByLabel('Bootstrap token').fill(gw.bootstrapToken!.slice(0, 20));
      await page.getByRole('button', { name: 'Create administrator' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'Bootstrap token' });
      await alert.waitFor();
      const said = (await alert.textContent()) ?? '';
      expect(said).toMatch(
        /Bootstrap token: must be the 36-character code starting with "gbt_" that the gateway printed when it started/,
      );
      expect(said).not.toMatch(/(^|[.:] )token:|Too small|Invalid|regex|pattern|body/);
      for (const width of [1920, 390]) {
        await page.setViewportSize({ width, height: 1000 });
        expect(await seriousA11yViolations(page, `bootstrap error at ${width}px`)).toEqual([]);
      }
    });
    // Nothing was sent: the first administrator is still to be created.
    const state = (await (await fetch(`${gw.url}/api/v1/auth/bootstrap`)).json()) as { pending: boolean };
    expect(state.pending).toBe(true);
  });

  describe('a facility manager', () => {
    let fm: Client;
    let page: Page;
    beforeAll(async () => {
      ({ client: admin, secret: adminSecret } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
      adminStepSpent = Math.floor(Date.now() / 30_000);
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
        const inUse = entry.getByRole('option', { name: 'Front door entry reader (in use)' });
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
        await page.getByText(/^The site's time zone is Europe\/Berlin;/).waitFor();
        // The zone is chosen from a list, the site's selected; times are labelled time inputs.
        expect(await page.locator('select[name="schedule-zone"]').inputValue()).toBe('Europe/Berlin');
        await page.locator('input[name="schedule-name"]').fill('Night shift');
        const interval = page.getByRole('group', { name: 'Interval 1' });
        const from = interval.getByLabel('From', { exact: true });
        const until = interval.getByLabel('until', { exact: true });
        expect([await from.getAttribute('type'), await until.getAttribute('type')]).toEqual(['time', 'time']);
        await from.fill('22:00');
        // Until midnight: 00:00 in the time input, "24:00" for the API.
        await until.fill('00:00');
        await page.getByRole('button', { name: 'Save schedule' }).click();
        const list = page.getByTestId('schedules');
        await list.getByText('Mon Tue Wed Thu Fri 22:00–midnight').waitFor();
        expect(await list.getByText('night-shift').count()).toBe(0);
        await page.getByLabel('Show ids (advanced)').check();
        await list.getByText('night-shift', { exact: true }).waitFor();
        await page.getByLabel('Show ids (advanced)').uncheck();
        const schedules = await fm.get<{ items: { id: string; timeZone: string; intervals: unknown[] }[] }>(
          '/api/v1/access/schedules',
        );
        expect(schedules.body.items).toContainEqual(
          expect.objectContaining({
            id: 'night-shift',
            timeZone: 'Europe/Berlin',
            intervals: [{ days: [1, 2, 3, 4, 5], start: '22:00', end: '24:00' }],
          }),
        );
        for (const width of [1920, 390]) {
          await page.setViewportSize({ width, height: 1000 });
          expect(await seriousA11yViolations(page, `schedules at ${width}px`)).toEqual([]);
        }
        await page.setViewportSize({ width: 1920, height: 1080 });
      });
    });

    it('lists access levels and groups by the names of their schedules, doors and levels, ids under advanced', async () => {
      await shot(page, 'setup-levels', async () => {
        await page.getByRole('link', { name: 'Access levels' }).click();
        const form = page.locator('form', { has: page.getByRole('heading', { name: 'New access level' }) });
        await form.locator('input[name="level-name"]').fill('Night cleaners');
        await form.locator('select[name="level-schedule"]').selectOption({ label: 'Night shift' });
        await form.getByLabel('Front door', { exact: true }).check();
        await form.getByRole('button', { name: 'Save level' }).click();
        const row = page.getByTestId('levels').getByRole('row', { name: /Night cleaners/ });
        await row.getByText('Night shift', { exact: true }).waitFor();
        await row.getByText('Front door', { exact: true }).waitFor();
        for (const id of ['night-cleaners', 'night-shift', 'front-door'])
          expect(await row.getByText(id).count()).toBe(0);
        await page.getByLabel('Show ids (advanced)').check();
        await row.getByText('night-shift', { exact: true }).waitFor();
        await page.getByLabel('Show ids (advanced)').uncheck();

        const group = page.locator('form', { has: page.getByRole('heading', { name: 'New group' }) });
        await group.locator('input[name="group-name"]').fill('Cleaning crew');
        await group.getByLabel('Night cleaners', { exact: true }).check();
        await group.getByRole('button', { name: 'Save group' }).click();
        await page.getByTestId('groups').getByText('Cleaning crew: Night cleaners').waitFor();
        for (const width of [1920, 390]) {
          await page.setViewportSize({ width, height: 1000 });
          expect(await seriousA11yViolations(page, `access levels at ${width}px`)).toEqual([]);
        }
        await page.setViewportSize({ width: 1920, height: 1080 });
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
  describe('an administrator', () => {
    let page: Page;
    beforeAll(async () => {
      page = await openConsole(browser, gw.url, 'ada', {
        password: ADMIN_PASSWORD,
        secondFactor: async () => {
          while (Math.floor(Date.now() / 30_000) <= adminStepSpent)
            await new Promise((r) => setTimeout(r, 500));
          return totpCode(adminSecret, Date.now());
        },
      });
    }, 60_000);
    afterAll(() => page?.context().close());

    const axeAtBothWidths = async (where: string) => {
      const found: string[] = [];
      for (const width of [1920, 390]) {
        await page.setViewportSize({ width, height: 1000 });
        found.push(...(await seriousA11yViolations(page, `${where} at ${width}px`)));
      }
      await page.setViewportSize({ width: 1920, height: 1080 });
      expect(found).toEqual([]);
    };

    it('lands on the system page: every component by name, the reader by its door, the broker and bridge said', async () => {
      await withFailureShot(page, 'setup-system', async () => {
        await page.getByRole('heading', { name: 'System', level: 2 }).waitFor();
        const components = page.getByTestId('system-components');
        for (const name of ['Readers', 'MQTT broker', 'Wiegand bridge', 'Storage (the database)', 'Journal'])
          await components.getByRole('rowheader', { name, exact: true }).waitFor();
        // No component by the code the gateway files it under.
        const heads = await components.getByRole('rowheader').allTextContents();
        expect(heads.filter((h) => /^[a-z]/.test(h))).toEqual([]);
        await components
          .locator('tr[data-component="bridge"]')
          .getByText('Not configured', { exact: true })
          .waitFor();
        await components.locator('tr[data-component="readers"]').getByText('All 1 online').waitFor();
        const readers = page.getByTestId('system-readers');
        const front = readers.getByRole('row', { name: /Front door entry reader/ });
        await front.getByText('Online', { exact: true }).waitFor();
        await front.getByText('Secure', { exact: true }).waitFor();
        expect(await readers.getByText('front-in').count()).toBe(0);
        await page
          .getByTestId('system-lines')
          .getByRole('rowheader', { name: 'Line of Front door' })
          .waitFor();
        await page
          .getByTestId('system-facts')
          .getByText(/^[\d,]+ entries$/)
          .waitFor();
        await axeAtBothWidths('system');
      });
    });

    it('says "Loading…" on the Readers page until its first answer, and shows a device path only under advanced', async () => {
      await withFailureShot(page, 'setup-readers', async () => {
        // The answer held back: the page says it is loading, never that no reader is configured.
        let release: () => void = () => undefined;
        const held = new Promise<void>((r) => (release = r));
        await page.route('**/api/v1/readers', async (route) => {
          await held;
          await route.continue();
        });
        await page.getByRole('link', { name: 'Readers', exact: true }).click();
        const readers = page.getByTestId('readers');
        await readers.getByText('Loading…').waitFor();
        expect(await page.getByText('No serial readers are configured.').count()).toBe(0);
        release();
        await readers.getByText(/Front door entry reader/).waitFor();
        await page.unroute('**/api/v1/readers');
        expect(await page.getByText('Loading…').count()).toBe(0);

        // The line by its door; where it is plugged in is the installer's, under advanced.
        const path = join(dir, 'ttyCP');
        const ports = page.getByTestId('ports');
        await ports.getByText('Line of Front door').waitFor();
        expect(await page.locator('main').innerText()).not.toContain(path);
        await axeAtBothWidths('readers');
        await page.getByLabel('Show ids (advanced)').check();
        await ports.getByText(path).waitFor();
        await readers.getByText('front-in').waitFor();
        await page.getByLabel('Show ids (advanced)').uncheck();
      });
    });

    it('is not offered disabling or resetting their own account, and the gateway refuses it too', async () => {
      await withFailureShot(page, 'setup-operators', async () => {
        await page.getByRole('link', { name: 'Operators' }).click();
        const table = page.getByTestId('operators');
        const mine = table.getByRole('row', { name: /Ada Admin/ });
        const theirs = table.getByRole('row', { name: /fran tester/ });
        await theirs.getByRole('button', { name: 'Disable' }).waitFor();
        await mine.getByText(/Your own account/).waitFor();
        for (const action of ['Disable', 'Reset password', 'Reset 2FA'])
          expect(await mine.getByRole('button', { name: action }).count()).toBe(0);
        // Roles in words; her own admin role stays ticked and cannot be unticked here.
        await theirs.getByText('Facility manager', { exact: true }).waitFor();
        await mine.getByRole('button', { name: 'Roles' }).click();
        expect(await mine.getByLabel('Administrator', { exact: true }).isDisabled()).toBe(true);
        expect(await mine.getByLabel('Administrator', { exact: true }).isChecked()).toBe(true);
        await axeAtBothWidths('operators');

        // A request made anyway (an old tab, a script) is refused with the reason, in words on the page too.
        const refusal = await page.evaluate(async () => {
          const session = (await (await fetch('/api/v1/auth/session')).json()) as {
            csrfToken: string;
            operator: { id: string };
          };
          const res = await fetch(`/api/v1/operators/${session.operator.id}`, {
            method: 'PATCH',
            headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
            body: JSON.stringify({ disabled: true }),
          });
          return {
            status: res.status,
            body: (await res.json()) as { error: { code: string; message: string } },
          };
        });
        expect(refusal.status).toBe(409);
        expect(refusal.body.error.code).toBe('operator.self-lockout');
        expect(refusal.body.error.message).toMatch(/cannot disable your own account/);
        expect((await admin.get<{ stage: string }>('/api/v1/auth/session')).body.stage).toBe('full');
      });
    });

    it('offers API token roles in words and lists a new token with its role and maker by name', async () => {
      await withFailureShot(page, 'setup-tokens', async () => {
        await page.getByRole('link', { name: 'API tokens' }).click();
        const role = page.locator('select[name="token-role"]');
        // The page renders after the click: its options are read once there.
        await role.locator('option').first().waitFor({ state: 'attached' });
        const labels = await role.locator('option').allTextContents();
        expect(labels).toContain('Facility manager');
        expect(labels.filter((l) => /^[a-z]/.test(l))).toEqual([]);
        for (const code of ['facility-manager', 'privacy-officer', 'login-source', 'admin'])
          expect(labels).not.toContain(code);
        await page.locator('input[name="token-name"]').fill('Door report');
        await role.selectOption({ label: 'Auditor' });
        await page.getByRole('button', { name: 'Create token' }).click();
        await page.getByTestId('new-token').waitFor();
        const row = page.getByRole('row', { name: /Door report/ });
        await row.getByText('Auditor', { exact: true }).waitFor();
        await row.getByText(/by Ada Admin/).waitFor();
        await axeAtBothWidths('tokens');
      });
    });
  });
});
