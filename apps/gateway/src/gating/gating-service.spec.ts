import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cardholder } from '@gatehouse/access';
import { loadConfig } from '@gatehouse/config';
import { type Actor, type JournalEntry, type JournalEntryInput, ManualClock } from '@gatehouse/contracts';
import { AccountDirectory, WorkstationMap } from '../logins/identity';
import { GatingService } from './gating-service';

const NOW = '2026-11-30T09:00:00.000Z';
const person = (id: string, account: string, state: Cardholder['state'] = 'active'): Cardholder => ({
  id,
  name: `Name of ${id}`,
  employeeNumber: null,
  department: null,
  directoryAccount: account,
  kind: 'employee',
  state,
  privileged: false,
  watchListed: false,
  levelIds: [],
  groupIds: [],
  hasPhoto: false,
});
const actor: Actor = { kind: 'token', id: 't1', name: 'token:ws-7' };
const T = Date.parse(NOW) / 1000;
let asked = 0;
/** A question as a client sends it: a new nonce, the time now. */
const q = (over: { account: string; host?: string; service?: string; nonce?: string; time?: number }) => ({
  nonce: `nonce-${(asked += 1)}-abcd`,
  time: T,
  ...over,
});

/** The gateway's gating with its real identity classes and policy; the journal records what it is given. */
const build = (options: { journalFails?: boolean; lines?: string[] } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-gating-unit-'));
  writeFileSync(
    join(dir, 'site.yaml'),
    [
      'logins:',
      '  workstations:',
      '    ws-7: { zone: floor-2, acceptedZones: [floor-2, floor-2-kitchen] }',
      'gating:',
      '  enabled: true',
      '  default: { domain: CORP, breakGlass: [root] }',
      ...(options.lines ?? []),
    ].join('\n'),
  );
  const config = loadConfig({ env: {}, cwd: dir, siteFile: 'site.yaml' });
  rmSync(dir, { recursive: true, force: true });
  const cardholders = new Map([
    ['p-ann', person('p-ann', 'CORP\\ann')],
    ['p-lee', person('p-lee', 'CORP\\lee', 'left')],
  ]);
  const presence = new Map<string, { zone: string; at: number }>();
  const entries: JournalEntryInput[] = [];
  const logs: unknown[] = [];
  const clock = new ManualClock(NOW);
  const gating = new GatingService(config, {
    journal: {
      append: async (input) => {
        if (options.journalFails) throw new Error('disk full');
        entries.push(input);
        return { seq: entries.length } as never;
      },
    },
    identity: {
      accounts: new AccountDirectory(() => cardholders),
      workstations: new WorkstationMap(config.logins.workstations),
    },
    cardholders: () => cardholders,
    presenceOf: (id) => presence.get(id),
    accountDigestKey: Buffer.alloc(32, 7),
    clock,
    log: (...args) => void logs.push(args),
  });
  return { gating, entries, presence, logs, clock };
};

describe('the gateway’s login gating', () => {
  it('lets in a person badged into an accepted zone, and journals the account for sealing under their key', async () => {
    const { gating, entries, presence } = build();
    presence.set('p-ann', { zone: 'floor-2-kitchen', at: Date.parse(NOW) - 60_000 });
    const answer = await gating.decide(q({ account: 'ann', service: 'login', nonce: 'n-0001-abcd' }), {
      tokenName: 'token:ws-7',
      actor,
    });
    expect(answer).toEqual({
      decision: 'allow',
      reason: 'present',
      onUnreachable: 'closed',
      nonce: 'n-0001-abcd',
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      type: 'gating.allow',
      subjects: [
        { kind: 'person', id: 'p-ann' },
        { kind: 'workstation', id: 'ws-7' },
      ],
      payload: {
        account: 'ann',
        accountDigest: null,
        personId: 'p-ann',
        reason: 'present',
        group: 'default',
      },
      personal: { personId: 'p-ann', paths: ['account'] },
      actor,
    });
    // Nowhere in the answer nor the entry is where the person was.
    expect(JSON.stringify(answer)).not.toContain('kitchen');
    expect(JSON.stringify(entries[0])).not.toContain('kitchen');
  });

  it('keeps an unmapped account out of the journal (a keyed digest only), and refuses a leaver', async () => {
    const { gating, entries } = build();
    const who = { tokenName: 'token:ws-7', actor };
    expect((await gating.decide(q({ account: 'mallory' }), who)).reason).toBe('unknown-account');
    expect((await gating.decide(q({ account: 'lee' }), who)).reason).toBe('not-active');
    expect(entries[0]!.payload).toMatchObject({ account: null, personId: null });
    expect(entries[0]!.payload!.accountDigest).toMatch(/^[0-9a-f]{32}$/);
    expect(entries[0]!.personal).toBeUndefined();
    expect(JSON.stringify(entries[0])).not.toMatch(/mallory/i);
    expect(gating.counters()).toEqual({ 'unknown-account': 1, 'not-active': 1 });
  });

  it('refuses a question about another workstation or from an unplaced one, journaled and counted', async () => {
    const { gating, entries } = build();
    await expect(
      gating.decide(q({ account: 'ann', host: 'ws-8' }), { tokenName: 'token:ws-7', actor }),
    ).rejects.toMatchObject({ code: 'gating.other-host', kind: 'forbidden' });
    await expect(
      gating.decide(q({ account: 'ann' }), { tokenName: 'token:ws-99', actor }),
    ).rejects.toMatchObject({
      code: 'gating.unplaced-workstation',
    });
    expect(entries.map((e) => [e.type, e.payload!.reason])).toEqual([
      ['gating.refused', 'other-host'],
      ['gating.refused', 'unplaced-workstation'],
    ]);
    expect(gating.counters()).toEqual({ refused: 2 });
  });

  it('answers without waiting on the disk, and counts and logs an answer the journal failed to record', async () => {
    const { gating, logs } = build({ journalFails: true });
    const answer = await gating.decide(q({ account: 'root' }), { tokenName: 'token:ws-7', actor });
    expect(answer).toMatchObject({ decision: 'allow', reason: 'break-glass' });
    await new Promise((r) => setImmediate(r));
    expect(gating.counters()).toEqual({ 'break-glass': 1, 'not-journaled': 1 });
    expect(JSON.stringify(logs)).toContain('could not be journaled');
    expect(JSON.stringify(logs)).not.toContain('root');
  });

  it('holds one flooding token to its bucket while another token asks freely, with one entry per burst', async () => {
    const { gating, entries, clock } = build({ lines: ['  rateLimit: { perSecond: 2, burst: 3 }'] });
    const flooder = { tokenId: 't1', tokenName: 'token:ws-7', actor };
    const other = {
      tokenId: 't2',
      tokenName: 'token:ws-8',
      actor: { ...actor, id: 't2', name: 'token:ws-8' },
    };
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i += 1)
      outcomes.push(
        await gating.admit(flooder).then(
          () => 'in',
          (e: { code: string; details: { retryAfterSeconds: number } }) =>
            `${e.code}/${e.details.retryAfterSeconds}`,
        ),
      );
    expect(outcomes.filter((o) => o === 'in')).toHaveLength(3);
    expect(outcomes.slice(3)).toEqual(Array(17).fill('gating.rate-limited/1'));
    // The other workstation's token is untouched by the flood.
    for (let i = 0; i < 3; i += 1) await expect(gating.admit(other)).resolves.toBeUndefined();
    expect(entries.map((e) => e.type)).toEqual(['gating.rate-limited']);
    expect(entries[0]).toMatchObject({
      subjects: [{ kind: 'workstation', id: 'ws-7' }],
      payload: { host: 'ws-7', perSecond: 2, burst: 3 },
      actor,
    });
    expect(gating.counters()).toEqual({ 'rate-limited': 17 });
    // Refilled at 2/s: one more question half a second later; the next refusal starts a new burst.
    clock.advance(500);
    await expect(gating.admit(flooder)).resolves.toBeUndefined();
    await expect(gating.admit(flooder)).rejects.toMatchObject({ kind: 'rate-limited' });
    expect(entries.map((e) => e.type)).toEqual(['gating.rate-limited', 'gating.rate-limited']);
  });

  it('refuses a question timed outside the window either way, and one asked twice', async () => {
    const { gating } = build();
    const who = { tokenName: 'token:ws-7', actor };
    expect((await gating.decide(q({ account: 'root', time: T - 601 }), who)).reason).toBe('stale');
    expect((await gating.decide(q({ account: 'root', time: T + 601 }), who)).reason).toBe('stale');
    expect((await gating.decide(q({ account: 'root', time: T - 600 }), who)).reason).toBe('break-glass');
    const once = q({ account: 'root' });
    expect((await gating.decide(once, who)).reason).toBe('break-glass');
    expect((await gating.decide(once, who)).reason).toBe('replayed');
  });

  it('takes back the nonces of the last two windows from the journal at start', async () => {
    const { gating } = build();
    const at = (secondsAgo: number) => new Date(Date.parse(NOW) - secondsAgo * 1000).toISOString();
    const entry = (seq: number, nonce: string, secondsAgo: number) =>
      ({ seq, time: at(secondsAgo), payload: { host: 'ws-7', nonce } }) as unknown as JournalEntry;
    const asked: { afterSeq: number; from: string; types: string[] }[] = [];
    await gating.start({
      since: async (afterSeq, filter) => {
        asked.push({ afterSeq, ...filter });
        return afterSeq === 0 ? [entry(1, 'before-restart-1', 900)] : [];
      },
    });
    expect(asked).toEqual([
      { afterSeq: 0, from: at(1200), types: ['gating.allow', 'gating.deny', 'gating.step-up'] },
    ]);
    const who = { tokenName: 'token:ws-7', actor };
    const replay = q({ account: 'root', nonce: 'before-restart-1', time: T - 500 });
    expect((await gating.decide(replay, who)).reason).toBe('replayed');
  });
});
