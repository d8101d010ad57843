import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { encode } from '../../libs/bridge-protocol/src';
import { canonicalJson } from '../../libs/journal/src/canonical-json';
import { SimulatedOsdpBus } from '../../libs/testing/src';
import { launchChromium, openConsole, seriousA11yViolations, withFailureShot } from '../support/browser';
import { bootstrapAdmin, type Client, operatorClient, PERMANENT_PASSWORD } from '../support/client';
import { removeDir, startGatewayWithSite, type RunningGateway } from '../support/gateway';
import { waitFor } from '../support/wait';

const FRONT_KEY = '8f1a2b3c4d5e6f708192a3b4c5d6e7f8';
/** Ann Archer's demo badge (IT, the "always" level): granted at the front door at any hour. */
const ANN_CARD = encode('H10301', 21, 10100);
const SIZES = [
  { name: 'desktop', width: 1920, height: 1080 },
  { name: 'phone', width: 390, height: 844 },
];

interface SearchItem {
  seq: number;
  type: string;
  redacted?: string[];
  leafHash?: string;
  names: Record<string, string>;
  siteTime: string;
  row: Record<string, string>;
}

/**
 * Journal search and live events in people's words (issue 11, items 5 and 7):
 * a facility manager finds a person's entries through a suggestion, opens one
 * in words with its raw JSON, and exports the readable CSV; a responder sees a
 * card presented at a real (simulated OSDP) reader arrive in words; axe-core
 * on both pages at desktop and phone sizes.
 */
describe('journal search and live events in headless Chromium (demo site, one OSDP reader)', () => {
  let dir: string;
  let bus: SimulatedOsdpBus;
  let gw: RunningGateway;
  let browser: Browser;
  let admin: Client;
  let fm: Client;
  /** The site file: the demo site, one OSDP reader at the front door, the site's clocks in Berlin. */
  const siteLines = () => [
    'demo:',
    '  seedSite: true',
    'site:',
    '  timeZone: Europe/Berlin',
    // The responder signs in with a password: the second factor is another test's subject.
    'auth:',
    '  totpRequiredRoles: [admin]',
    'serial:',
    '  - id: osdp-1',
    `    path: ${join(dir, 'ttyCP')}`,
    '    protocol: osdp',
    '    pollIntervalMs: 50',
    '    readers:',
    `      - { id: front-in, address: 1, scbk: { file: ${join(dir, 'front.key')} } }`,
  ];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-console-journal-'));
    bus = await new SimulatedOsdpBus(join(dir, 'ttyCP'), join(dir, 'ttyPD'), [
      { address: 1, scbk: Uint8Array.from(Buffer.from(FRONT_KEY, 'hex')), serial: 3001 },
    ]).start();
    writeFileSync(join(dir, 'front.key'), FRONT_KEY);
    gw = await startGatewayWithSite(dir, siteLines(), { timeoutMs: 45_000 });
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    await operatorClient(admin, gw.url, 'rosa', ['responder']);
    browser = await launchChromium();
    await waitFor(
      'the reader online',
      async () => {
        const r = await fm.get<{ readers: { id: string; online: boolean }[] }>('/api/v1/readers');
        return r.body.readers.find((x) => x.id === 'front-in')?.online ? true : undefined;
      },
      20_000,
    );
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await bus?.stop();
    if (gw) removeDir(gw.dataDir);
    if (dir) removeDir(dir);
  });

  /** Signs in with a password in a fresh browser context (downloads accepted) at desktop size. */
  const signIn = async (username: string): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width: 1920, height: 1080 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await page.goto(gw.url);
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password').fill(PERMANENT_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor();
    return page;
  };
  const shot = async (page: Page, name: string, steps: () => Promise<void>) => {
    try {
      await steps();
    } catch (error) {
      await page
        .screenshot({ path: join(tmpdir(), `gatehouse-journal-${name}-failure.png`), fullPage: true })
        .catch(() => undefined);
      throw error;
    }
  };
  const axeEverywhere = async (page: Page, where: string): Promise<string[]> => {
    const found: string[] = [];
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await page.screenshot({ path: join(tmpdir(), `gatehouse-journal-${where}-${size.name}.png`) });
      found.push(...(await seriousA11yViolations(page, `${where} at ${size.name}`)));
    }
    await page.setViewportSize({ width: 1920, height: 1080 });
    // The night shift's dark theme, as the system asks for it.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(tmpdir(), `gatehouse-journal-${where}-dark.png`) });
    found.push(...(await seriousA11yViolations(page, `${where} in dark`)));
    await page.emulateMedia({ colorScheme: 'light' });
    return found;
  };

  it('shows a responder a card presented at a reader as it happens, in words, pausable', async () => {
    const page = await signIn('rosa');
    await shot(page, 'live', async () => {
      // A responder lands on the journal, with the raw CSV beside the readable one.
      await page.getByRole('heading', { name: 'Journal search', level: 2 }).waitFor();
      expect(await page.getByRole('link', { name: 'Raw CSV' }).getAttribute('href')).toMatch(
        /format=csv-raw/,
      );
      await page.getByRole('link', { name: 'Live events' }).click();
      await page.getByRole('heading', { name: 'Live events', level: 2 }).waitFor();
      await page.getByTestId('stream-state').getByText('Live', { exact: true }).waitFor();

      // Every line the feed ever paints is kept: an entry must not show its bare type first.
      // (A script as text: the tests' compiler has no DOM types.)
      await page.evaluate(`(() => {
        const seen = (window.feedLines = []);
        const feedNode = document.querySelector('[data-testid="live-feed"]');
        new MutationObserver(() =>
          feedNode.querySelectorAll('.jr-feed-sentence').forEach((n) => seen.push(n.textContent)),
        ).observe(feedNode, { subtree: true, childList: true, characterData: true });
      })()`);
      bus.pd(1).presentCard(ANN_CARD);
      const feed = page.getByTestId('live-feed');
      await feed.getByText('Access granted: Ann Archer with card H10301 21:10100 at Front door.').waitFor();
      const painted = (await page.evaluate('window.feedLines')) as string[];
      expect(painted).toContain('Access granted: Ann Archer with card H10301 21:10100 at Front door.');
      // Before words from the first paint, the grant showed as its type ("Access granted.") a moment.
      expect(painted.filter((l) => l === 'Access granted.')).toEqual([]);
      await feed.locator('.jr-result.granted', { hasText: 'granted' }).first().waitFor();
      // Names, never ids or key=value.
      expect(await feed.getByText(/front-door|front-in|=/).count()).toBe(0);

      // Paused: what arrives is held and counted, and shown on resume.
      const before = await feed.locator('li[data-seq]').count();
      await page.getByRole('button', { name: 'Pause' }).click();
      bus.pd(1).presentCard(ANN_CARD);
      await page.getByRole('button', { name: /^Resume \([1-9]\d* new\)$/ }).waitFor();
      expect(await feed.locator('li[data-seq]').count()).toBe(before);
      await page.getByRole('button', { name: /^Resume/ }).click();
      await waitFor('the held entries shown', async () =>
        (await feed.locator('li[data-seq]').count()) > before ? true : undefined,
      );
      await waitFor('both grants in words', async () =>
        (await feed
          .getByText('Access granted: Ann Archer with card H10301 21:10100 at Front door.')
          .count()) >= 2
          ? true
          : undefined,
      );

      // Filtered by kind: card decisions only, then alarms (none of Ann's grants).
      await page.getByLabel('Show').selectOption({ label: 'Alarms' });
      expect(await feed.getByText(/^Access granted/).count()).toBe(0);
      await page.getByLabel('Show').selectOption({ label: 'Card and PIN decisions' });
      expect(await feed.getByText(/^Access granted/).count()).toBeGreaterThanOrEqual(2);
      await page.getByLabel('Show').selectOption({ label: 'Every kind of event' });

      expect(await axeEverywhere(page, 'live')).toEqual([]);
    });
    await page.context().close();
  });

  /**
   * The results' person (or door) column once every row names `name`: the
   * previous search's rows stay listed until the new search answers.
   */
  const resultsOnly = (page: Page, column: 'person' | 'door', name: string) =>
    waitFor(`results with ${name} only`, async () => {
      const cells = await page
        .getByTestId('journal-results')
        .locator(`tbody tr td:nth-child(${column === 'person' ? 3 : 5})`)
        .allTextContents();
      return cells.length > 0 && cells.every((c) => c === name) ? cells : undefined;
    });

  it("lets a facility manager find a person's entries through a suggestion, read one in words, its raw JSON, and export the readable CSV", async () => {
    const page = await signIn('fran');
    await shot(page, 'search', async () => {
      await page.getByRole('link', { name: 'Journal' }).click();
      await page.getByRole('heading', { name: 'Journal search', level: 2 }).waitFor();

      // The combobox: typing offers people; Escape closes the list; arrows and Enter choose.
      const box = page.getByRole('combobox', { name: /Search by a person, door or card number/ });
      await box.fill('Ann A');
      const option = page.getByRole('option', { name: /Ann Archer/ });
      await option.waitFor();
      await page.screenshot({ path: join(tmpdir(), 'gatehouse-journal-suggestions.png') });
      expect(await box.getAttribute('aria-expanded')).toBe('true');
      await box.press('Escape');
      expect(await box.getAttribute('aria-expanded')).toBe('false');
      await box.press('ArrowDown');
      expect(await option.getAttribute('aria-selected')).toBe('true');
      expect(await box.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
      // The search about Ann held back a moment: while it is on its way the page says so, and the
      // landing page's results it still shows are marked as the previous search's.
      let release = () => undefined as void;
      const held = new Promise<void>((r) => (release = r));
      const aboutAnn = /\/api\/v1\/journal\/search\?.*person=/;
      await page.route(aboutAnn, async (route) => {
        await Promise.race([held, new Promise((r) => setTimeout(r, 10_000))]);
        await route.continue();
      });
      await box.press('Enter');
      const count = page.getByTestId('results-count');
      await count.getByText('Searching… The entries below are from the previous search.').waitFor();
      expect(await count.getAttribute('aria-live')).toBe('polite');
      const outdated = page.getByTestId('results');
      expect(await outdated.getAttribute('data-outdated')).toBe('true');
      expect(await outdated.getAttribute('aria-busy')).toBe('true');
      await outdated.getByText('Previous results: a new search is on its way').waitFor();
      release();
      await count.getByText(/newest first/).waitFor();
      expect(await outdated.getAttribute('data-outdated')).toBeNull();
      expect(await outdated.getAttribute('aria-busy')).toBe('false');
      await page.unroute(aboutAnn);

      await page.getByRole('list', { name: 'Searching for' }).getByText('Ann Archer').waitFor();
      const results = page.getByTestId('journal-results');
      // The landing page's results stay until the search for Ann answers: wait for hers alone.
      const people = await resultsOnly(page, 'person', 'Ann Archer');
      expect(new Set(people)).toEqual(new Set(['Ann Archer']));
      await results.getByRole('button', { name: 'Cardholder created' }).first().waitFor();
      await results.getByRole('columnheader', { name: 'Time (Europe/Berlin)' }).waitFor();

      // Live entries about Ann make the results say they are out of date, and refresh brings them.
      bus.pd(1).presentCard(ANN_CARD);
      const stale = page.getByTestId('results-stale');
      await stale.getByText(/^[1-9]\d* new entr(y|ies) may belong to these results/).waitFor();
      await stale.getByRole('button', { name: 'Refresh results' }).click();
      await stale.waitFor({ state: 'detached' });
      await results.getByRole('button', { name: 'Access granted' }).first().waitFor();

      // An entry opens by keyboard, in words, its raw JSON one click away.
      await results.getByRole('button', { name: 'Cardholder created' }).focus();
      await page.keyboard.press('Enter');
      const detail = page.getByTestId('entry-detail');
      await detail.getByRole('heading', { name: 'Cardholder created', level: 3 }).waitFor();
      await detail.getByText('Cardholder created: Ann Archer.').waitFor();
      await detail.getByText('Reported by', { exact: true }).waitFor();
      await detail.getByText(/^Entry number/).waitFor();
      const raw = detail.getByTestId('raw-json');
      expect(await raw.isVisible()).toBe(false);
      await detail.getByText('Raw JSON', { exact: true }).click();
      await raw.waitFor();
      const entry = JSON.parse((await raw.textContent())!) as { type: string; seq: number };
      expect(entry.type).toBe('cardholder.created');
      expect(await detail.getByText(String(entry.seq), { exact: true }).count()).toBe(1);

      expect(await axeEverywhere(page, 'search')).toEqual([]);

      // The readable CSV of this search, one click away.
      const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
      expect(href).toMatch(/format=csv(&|$)/);
      expect(href).toMatch(/person=/);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Export CSV' }).click(),
      ]);
      const csv = readFileSync((await download.path())!, 'utf8');
      const [header, ...rows] = csv.trim().split('\r\n');
      expect(header).toBe('time,event,person,card,door,result,reason,operator');
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const r of rows)
        expect(r).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0[12]:00,[A-Z][^,]*,Ann Archer,/);
      expect(rows.some((r) => r.includes(',Cardholder created,'))).toBe(true);
      expect(
        rows.some((r) => r.includes(',Access granted,Ann Archer,H10301 21:10100,Front door,Granted,')),
      ).toBe(true);
      // A facility manager gets the readable export only.
      expect(await page.getByRole('link', { name: 'Raw CSV' }).count()).toBe(0);

      // A door's name typed out in full and Enter: the door is chosen, not searched as text.
      await page.getByRole('button', { name: 'Stop searching for Ann Archer' }).click();
      await box.fill('Front door');
      await page.getByRole('option', { name: /Front door/ }).waitFor();
      await box.press('Enter');
      await page.getByRole('list', { name: 'Searching for' }).getByText('Front door').waitFor();
      await results.getByRole('button', { name: 'Door unlocked' }).first().waitFor();
      // The search before (every entry) stays listed until the door's answers: wait for the door's alone.
      const doors = await resultsOnly(page, 'door', 'Front door');
      expect(new Set(doors)).toEqual(new Set(['Front door']));
    });
    await page.context().close();
  });

  it("turns a door's name typed as text into a search about that door, the same way as a person's", async () => {
    const page = await openConsole(browser, gw.url, 'fran');
    await withFailureShot(page, 'journal-typed-door', async () => {
      await page.getByRole('link', { name: 'Journal' }).click();
      await page.getByRole('heading', { name: 'Journal search', level: 2 }).waitFor();
      // The door has many events (states, grants); typed as text it found only its own creation.
      bus.pd(1).presentCard(ANN_CARD);
      const box = page.getByRole('combobox', { name: /Search by a person, door or card number/ });
      await box.fill('Front door');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page
        .getByTestId('searched-as-named')
        .getByText('showing the entries about the door Front door', { exact: false })
        .waitFor();
      await page.getByRole('list', { name: 'Searching for' }).getByText('Front door').waitFor();
      const doors = await resultsOnly(page, 'door', 'Front door');
      expect(doors.length).toBeGreaterThan(1);
      expect(await seriousA11yViolations(page, 'journal, searched by a door typed')).toEqual([]);

      // Part of a door's name and part of a person's: both offered, one click searches by the door.
      await page.getByRole('button', { name: 'Stop searching for Front door' }).click();
      await box.fill('fro');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      const offer = page.getByTestId('did-you-mean');
      await box.press('Escape'); // the suggestions list closed, the offer below it in reach
      await offer
        .getByRole('button', { name: /^Did you mean the person .+ Frost\?$/ })
        .first()
        .waitFor();
      await offer.getByRole('button', { name: /^Did you mean the door Front door/ }).click();
      await page.getByRole('list', { name: 'Searching for' }).getByText('Front door').waitFor();
      await resultsOnly(page, 'door', 'Front door');
    });
    await page.context().close();
  });

  it('names the reader and says its state in every reader line, in the Journal and in Live events', async () => {
    const page = await openConsole(browser, gw.url, 'rosa');
    await withFailureShot(page, 'journal-reader-lines', async () => {
      await page.getByRole('link', { name: 'Live events' }).click();
      await page.getByRole('heading', { name: 'Live events', level: 2 }).waitFor();
      await page.getByTestId('stream-state').getByText('Live', { exact: true }).waitFor();
      const feed = page.getByTestId('live-feed');
      // Tamper reported, then cleared: the clearing must not read like the alarm.
      bus.pd(1).setTamper(true);
      await feed.getByText('Front door entry reader: tamper reported.').waitFor();
      bus.pd(1).setTamper(false);
      await feed.getByText('Front door entry reader: tamper cleared.').waitFor();
      bus.pd(1).setPowerFault(true);
      await feed.getByText('Front door entry reader: power fault.').waitFor();
      bus.pd(1).setPowerFault(false);
      await feed.getByText('Front door entry reader: power restored.').waitFor();
      // Its first report, at start, was normal power: not "restored" (nothing had been lost). The
      // restoration above is the only one.
      const powerLines = (await page.evaluate(
        `fetch('/api/v1/journal/search?type=reader.power&limit=100').then((r) => r.json()).then((p) => p.items.map((e) => e.line))`,
      )) as string[];
      expect(powerLines.at(-1)).toBe('Front door entry reader: power normal.');
      expect(powerLines.filter((l) => l.endsWith('power restored.'))).toHaveLength(1);
      const lines = await feed.locator('.jr-feed-sentence').allTextContents();
      // No reader line without its reader or its state ("Reader tamper.").
      expect(lines.filter((l) => /^Reader [a-z -]+\.$/.test(l))).toEqual([]);

      await page.getByRole('link', { name: 'Journal' }).click();
      await page.getByRole('heading', { name: 'Journal search', level: 2 }).waitFor();
      const results = page.getByTestId('journal-results');
      await results.getByText('Front door entry reader: tamper cleared').first().waitFor();
      await results.getByText('Front door entry reader: power restored').first().waitFor();
      const events = await results.locator('tbody tr td:nth-child(2)').allTextContents();
      // A bare type ("Reader tamper") is a miss; a reader alarm's event ("Reader tamper alarm raised",
      // its reader in the Door column) says which alarm and what befell it.
      expect(events.filter((e) => /^Reader [a-z -]+$/.test(e.trim()) && !/ alarm /.test(e))).toEqual([]);
      expect(await seriousA11yViolations(page, 'journal with reader lines')).toEqual([]);
    });
    await page.context().close();
  });

  it('turns a name typed as text into a search about that person, and offers the people part of a name fits', async () => {
    const page = await signIn('fran');
    await shot(page, 'typed-name', async () => {
      await page.getByRole('link', { name: 'Journal' }).click();
      await page.getByRole('heading', { name: 'Journal search', level: 2 }).waitFor();
      const box = page.getByRole('combobox', { name: /Search by a person, door or card number/ });
      const results = page.getByTestId('journal-results');

      // Typed out and searched as text, not chosen: a name is sealed in every entry, so the text
      // alone finds none; the page searches by the person it names, and says so.
      await box.fill('Bram Archer');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page
        .getByTestId('searched-as-named')
        .getByText('showing the entries about the person Bram Archer (typed “Bram Archer”)', { exact: false })
        .waitFor();
      await page.getByRole('list', { name: 'Searching for' }).getByText('Bram Archer').waitFor();
      await resultsOnly(page, 'person', 'Bram Archer');
      await results.getByRole('button', { name: 'Cardholder created' }).first().waitFor();

      // Part of a name that fits two people: each is offered by name, and one click searches by them.
      await page.getByRole('button', { name: 'Stop searching for Bram Archer' }).click();
      await box.fill('Ann');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      const offer = page.getByTestId('did-you-mean');
      await offer.getByRole('button', { name: 'Did you mean the person Ann Archer?' }).waitFor();
      expect(await seriousA11yViolations(page, 'journal, people offered')).toEqual([]);
      await offer.getByRole('button', { name: 'Did you mean the person Ann Frost?' }).click();
      await offer.waitFor({ state: 'detached' });
      await page.getByRole('list', { name: 'Searching for' }).getByText('Ann Frost').waitFor();
      await resultsOnly(page, 'person', 'Ann Frost');
      expect(await seriousA11yViolations(page, 'journal, searched by a person')).toEqual([]);
    });
    await page.context().close();
  });

  it('answers the console entries after a sequence number, with the readable row and a leaf hash that checks', async () => {
    const after = await fm.get<{ items: SearchItem[]; nextCursor: null }>(
      '/api/v1/journal/search?after=0&limit=20',
    );
    expect(after.status).toBe(200);
    const seqs = after.body.items.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs[0]).toBeGreaterThan(0);
    const created = after.body.items.find((e) => e.type === 'cardholder.created')!;
    expect(created.row).toEqual(
      expect.objectContaining({ event: 'Cardholder created', person: created.names.person }),
    );
    expect(created.row.time).toBe(created.siteTime);
    // The hash of the entry as stored (personal values as commitments and ciphertext): RFC 6962 leaf of
    // its canonical JSON, checked against the signed originals of the JSON Lines export.
    const unredacted = after.body.items.filter((e) => !e.redacted);
    expect(unredacted.length).toBeGreaterThan(0);
    const signed = new Map(
      (await fm.get('/api/v1/journal/export?format=jsonl')).text
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => [(JSON.parse(l) as { seq: number }).seq, JSON.parse(l) as unknown]),
    );
    for (const e of unredacted) {
      const expected = createHash('sha256')
        .update(Buffer.from([0]))
        .update(canonicalJson(signed.get(e.seq) as never))
        .digest('hex');
      expect(e.leafHash).toBe(expected);
    }

    // An entry redacted for the caller carries no hash: it would let what was left out be guessed.
    const grants = await admin.get<{ items: SearchItem[] }>('/api/v1/journal/search?type=access.granted');
    expect(grants.body.items.length).toBeGreaterThan(0);
    for (const e of grants.body.items) {
      expect(e.redacted).toEqual(expect.arrayContaining(['credential']));
      expect(e.leafHash).toBeUndefined();
    }

    const both = await fm.get<{ error: { code: string; message: string } }>(
      '/api/v1/journal/search?after=3&cursor=abc',
    );
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('journal.after-and-cursor');
    expect((await fm.get('/api/v1/journal/search?after=-1')).status).toBe(400);
  });

  it('tells a responder at once when the live stream is down, and adds what happened meanwhile when it is back', async () => {
    const page = await signIn('rosa');
    await shot(page, 'live-gap', async () => {
      await page.getByRole('link', { name: 'Live events' }).click();
      const state = page.getByTestId('stream-state');
      await state.getByText('Live', { exact: true }).waitFor();
      const feed = page.getByTestId('live-feed');
      expect((await fm.post('/api/v1/journal/notes', { text: 'Before the restart' })).status).toBe(201);
      await feed.getByText('Before the restart').waitFor();

      // The console may not reconnect before the gap's note is written: its stream is held back meanwhile.
      await page.route('**/api/v1/events', (route) => route.abort());
      await gw.stop();
      await page.getByTestId('live-down').waitFor();
      await state.getByText(/^Stream down/).waitFor();
      gw = await startGatewayWithSite(dir, siteLines(), {
        dataDir: gw.dataDir,
        timeoutMs: 45_000,
        env: { GATEHOUSE_HTTP_PORT: String(gw.port) },
      });
      expect(
        (await fm.post('/api/v1/journal/notes', { text: 'Written while the stream was down' })).status,
      ).toBe(201);
      await page.unroute('**/api/v1/events');

      await state.getByText('Live', { exact: true }).waitFor({ timeout: 45_000 });
      await feed.getByText('Written while the stream was down').waitFor();
      await page.getByText(/^Reconnected: \d+ entr(y|ies) from while the stream was down added\./).waitFor();
      await page.getByTestId('live-down').waitFor({ state: 'detached' });
    });
    await page.context().close();
  }, 120_000);
});
