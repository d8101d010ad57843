import { createHmac } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { bootstrapAdmin, type Client } from '../support/client';
import { launchChromium, openConsole, seriousA11yViolations, withFailureShot } from '../support/browser';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';

/**
 * RFC 6238 TOTP written here from the RFC, apart from the gateway's own
 * (libs/auth/src/totp.ts): a code both sides compute the same way from their
 * own code is a test of the RFC, not of one implementation agreeing with itself.
 */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const fromBase32 = (text: string): Buffer => {
  const bits = [...text.replace(/[\s=]/g, '').toUpperCase()]
    .map((ch) => {
      const value = BASE32.indexOf(ch);
      if (value < 0) throw new Error(`"${ch}" is not base32`);
      return value.toString(2).padStart(5, '0');
    })
    .join('');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
};
/** The code for the 30-second step `step` (RFC 4226 HOTP on the step count, dynamic truncation). */
const totpAt = (key: Buffer, step: number, digits = 6): string => {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
};
const stepNow = () => Math.floor(Date.now() / 30_000);

const TEMPORARY = 'temporary responder pass 1';
const CHOSEN = 'quiet harbour lantern 9';

/**
 * The responder's job (CONSOLE.md: journal search, incidents, integrity): a
 * responder must use a second factor, so the test enrols one as a person
 * would (the key read off the screen, codes computed here), chooses a
 * password, signs in again with a code, and runs an integrity check.
 */
describe('a responder enrols a second factor and checks the journal (headless Chromium)', () => {
  let gw: RunningGateway;
  let browser: Browser;
  let admin: Client;

  beforeAll(async () => {
    gw = await startGateway({ env: { GATEHOUSE_DEMO_SEED_SITE: 'true' } });
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    const created = await admin.post('/api/v1/operators', {
      username: 'rhea',
      displayName: 'Rhea Responder',
      roles: ['responder'],
      password: TEMPORARY,
    });
    if (created.status !== 201) throw new Error(`create failed: ${created.text}`);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    if (gw) removeDir(gw.dataDir);
  });

  it('computes the RFC 6238 test vector (SHA-1, T = 59 s) with the test’s own TOTP', () => {
    // RFC 6238, appendix B: the ASCII key "12345678901234567890", 8 digits.
    expect(totpAt(Buffer.from('12345678901234567890'), Math.floor(59 / 30), 8)).toBe('94287082');
    expect(totpAt(fromBase32('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'), Math.floor(1111111109 / 30), 8)).toBe(
      '07081804',
    );
  });

  it('enrols TOTP at first sign-in, chooses a password, signs in with a code, lands on the journal and verifies it', async () => {
    const found: string[] = [];
    let key: Buffer = Buffer.alloc(0);
    let spent = 0;
    /** A code for a step not yet used: the gateway takes each code once. */
    const nextCode = async (): Promise<string> => {
      for (let waited = 0; stepNow() <= spent && waited < 35; waited++)
        await new Promise((resolve) => setTimeout(resolve, 1000));
      spent = stepNow();
      return totpAt(key, spent);
    };

    const first = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await withFailureShot(first, 'responder-enrol', async () => {
      await first.goto(gw.url);
      await first.getByLabel('User name').fill('rhea');
      await first.getByLabel('Password').fill(TEMPORARY);
      await first.getByRole('button', { name: 'Sign in' }).click();

      // The role requires a second factor: set up before anything else.
      await first.getByRole('heading', { name: 'Set up your second factor' }).waitFor();
      found.push(...(await seriousA11yViolations(first, 'responder enrolment')));
      await first.getByRole('button', { name: 'Start set-up' }).click();
      key = fromBase32((await first.getByTestId('totp-secret').textContent()) ?? '');
      expect(key.length).toBeGreaterThanOrEqual(10);
      // A wrong code is refused in words, and nothing is enrolled.
      const wrong = String((Number(totpAt(key, stepNow())) + 1) % 1_000_000).padStart(6, '0');
      await first.getByLabel('Code shown by the app').fill(wrong);
      await first.getByRole('button', { name: 'Confirm' }).click();
      await first.getByRole('alert').waitFor();
      await first.getByLabel('Code shown by the app').fill(await nextCode());
      await first.getByRole('button', { name: 'Confirm' }).click();
      await first.getByTestId('recovery-codes').locator('li').first().waitFor();
      await first.getByRole('button', { name: 'I have stored them' }).click();

      // The temporary password is replaced, with the rules shown while choosing.
      await first.getByRole('heading', { name: 'Choose your own password' }).waitFor();
      await first.getByTestId('password-rules').waitFor();
      await first.getByLabel('Current password').fill(TEMPORARY);
      await first.getByLabel('New password', { exact: true }).fill(CHOSEN);
      await first.getByLabel('Repeat new password').fill(CHOSEN);
      found.push(...(await seriousA11yViolations(first, 'responder password choice')));
      await first.getByRole('button', { name: 'Change password' }).click();
      await first.getByRole('heading', { name: 'Journal search', level: 2 }).waitFor();
    });
    await first.context().close();

    // A new sign-in asks for a code from the enrolled app.
    const page: Page = await openConsole(browser, gw.url, 'rhea', {
      password: CHOSEN,
      secondFactor: nextCode,
      viewport: { width: 1280, height: 900 },
    });
    await withFailureShot(page, 'responder-integrity', async () => {
      await page.getByRole('heading', { name: 'Journal search', level: 2 }).waitFor();
      expect(await page.title()).toBe('Journal — Gatehouse');
      found.push(...(await seriousA11yViolations(page, 'responder journal')));
      // A responder is offered what the role may do (libs/auth/src/permissions.ts), not the admin's pages.
      for (const link of ['Journal', 'Integrity']) await page.getByRole('link', { name: link }).waitFor();
      for (const link of ['Operators', 'API tokens', 'System'])
        expect(await page.getByRole('link', { name: link }).count()).toBe(0);

      await page.getByRole('link', { name: 'Integrity' }).click();
      await page.getByRole('heading', { name: 'Journal integrity', level: 2 }).waitFor();
      await page.getByRole('button', { name: 'Verify the whole journal' }).click();
      await page
        .getByTestId('verify-report')
        .getByText(/^Verified: \d+ entries under \d+ signed checkpoints/)
        .waitFor();
      found.push(...(await seriousA11yViolations(page, 'responder integrity')));
    });
    await page.context().close();

    // The check is journaled as the responder's own act.
    const verified = await admin.get<{ items: unknown[] }>('/api/v1/journal?type=journal.verified&limit=10');
    expect(verified.status).toBe(200);
    expect(verified.body.items.filter((e) => JSON.stringify(e).includes('rhea'))).toHaveLength(1);
    expect(found).toEqual([]);
  });
});
