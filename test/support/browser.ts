import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PERMANENT_PASSWORD } from './client';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, never a downloaded browser. Missing Chromium fails the
 * test loudly (CI installs it); the flags keep it off the network and the
 * sandbox off, as root in a container needs.
 */
export const launchChromium = async (): Promise<Browser> => {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
};

/** Opens the console and signs in with a password (an operator without a second factor, as a guard). */
export const signIn = async (page: Page, base: string, username: string, password: string) => {
  await page.goto(base);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
};

export interface ConsoleOptions {
  /** The operator's password; the permanent one test/support/client.ts gives operators by default. */
  password?: string;
  /** A six-digit code for an operator with a second factor, asked for after the password. */
  secondFactor?: () => string | Promise<string>;
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
}

/**
 * A fresh browser context signed in to the console as `username`, on their
 * landing page (the shell shown). A browser prompt (alert,
 * confirm, prompt) anywhere fails the test: the console asks in-page.
 */
export const openConsole = async (
  browser: Browser,
  base: string,
  username: string,
  options: ConsoleOptions = {},
): Promise<Page> => {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1920, height: 1080 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  page.on('dialog', (d) => {
    void d.dismiss();
    throw new Error(`a browser ${d.type()} was shown: ${d.message()}`);
  });
  await page.goto(base);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(options.password ?? PERMANENT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (options.secondFactor) {
    await page.getByLabel('Six-digit code from your authenticator app').fill(await options.secondFactor());
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  // The shell's main region: signed in (the "who" panel is behind the menu button on a phone).
  await page.locator('#main-content').waitFor();
  return page;
};

/** Opens the guard desk from the shell's navigation and waits for its first door tile. */
export const openDesk = async (page: Page) => {
  await page.getByRole('link', { name: 'Guard desk' }).click();
  await page.getByTestId('door-board').locator('.door-tile').first().waitFor();
};

/**
 * Runs a test's steps on a page; when they fail, a full-page screenshot of
 * what the browser showed is kept (in `dir`, the system's tmp by default) for
 * diagnosis, and the failure is rethrown.
 */
export const withFailureShot = async (
  page: Page,
  name: string,
  steps: () => Promise<void>,
  dir: string = tmpdir(),
) => {
  try {
    await steps();
  } catch (error) {
    await page
      .screenshot({ path: join(dir, `gatehouse-${name}-failure.png`), fullPage: true })
      .catch(() => undefined);
    throw error;
  }
};

/** What axe-core found on a page, in words a failing test prints. */
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core (from npm, injected into the page: it runs offline) against
 * the page as it stands, for WCAG 2.1 A and AA, and returns the serious and
 * critical violations as lines naming the rule and the elements. `where`
 * names the page state in the lines, so a failure says which screen.
 */
export const seriousA11yViolations = async (page: Page, where: string): Promise<string[]> => {
  // Evaluated over the DevTools protocol: the console's CSP (script-src 'self') rightly refuses
  // an injected script tag, and the page under test is checked as it is served.
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(o: unknown): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
};
