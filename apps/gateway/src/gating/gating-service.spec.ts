import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cardholder } from '@gatehouse/access';
import { loadConfig } from '@gatehouse/config';
import { type Actor, type JournalEntryInput, ManualClock } from '@gatehouse/contracts';
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

/** The gateway's gating with its real identity classes and policy; the journal records what it is given. */
const build = (options: { journalFails?: boolean } = {}) => {
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
    clock: new ManualClock(NOW),
    log: (...args) => void logs.push(args),
  });
  return { gating, entries, presence, logs };
};

describe('the gateway’s login gating', () => {
  it('lets in a person badged into an accepted zone, and journals the account for sealing under their key', async () => {
    const { gating, entries, presence } = build();
    presence.set('p-ann', { zone: 'floor-2-kitchen', at: Date.parse(NOW) - 60_000 });
    const answer = await gating.decide(
      { account: 'ann', service: 'login', nonce: 'n-0001-abcd' },
      {
        tokenName: 'token:ws-7',
        actor,
      },
    );
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
    expect((await gating.decide({ account: 'mallory' }, who)).reason).toBe('unknown-account');
    expect((await gating.decide({ account: 'lee' }, who)).reason).toBe('not-active');
    expect(entries[0]!.payload).toMatchObject({ account: null, personId: null });
    expect(entries[0]!.payload!.accountDigest).toMatch(/^[0-9a-f]{32}$/);
    expect(entries[0]!.personal).toBeUndefined();
    expect(JSON.stringify(entries[0])).not.toMatch(/mallory/i);
    expect(gating.counters()).toEqual({ 'unknown-account': 1, 'not-active': 1 });
  });

  it('refuses a question about another workstation or from an unplaced one, journaled and counted', async () => {
    const { gating, entries } = build();
    await expect(
      gating.decide({ account: 'ann', host: 'ws-8' }, { tokenName: 'token:ws-7', actor }),
    ).rejects.toMatchObject({ code: 'gating.other-host', kind: 'forbidden' });
    await expect(
      gating.decide({ account: 'ann' }, { tokenName: 'token:ws-99', actor }),
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
    const answer = await gating.decide({ account: 'root' }, { tokenName: 'token:ws-7', actor });
    expect(answer).toMatchObject({ decision: 'allow', reason: 'break-glass' });
    await new Promise((r) => setImmediate(r));
    expect(gating.counters()).toEqual({ 'break-glass': 1, 'not-journaled': 1 });
    expect(JSON.stringify(logs)).toContain('could not be journaled');
    expect(JSON.stringify(logs)).not.toContain('root');
  });
});
