import { decide, type GatingFacts, type GroupPolicy } from './decision';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 30, 9, 0);

const group = (over: Partial<GroupPolicy> = {}): GroupPolicy => ({
  name: 'desks',
  onUnreachable: 'closed',
  breakGlass: new Set(['root']),
  remoteWithoutPresence: new Set(['vpn']),
  whenAbsent: 'deny',
  whenUnmapped: 'deny',
  domain: 'corp',
  presenceMaxAgeMs: 16 * HOUR,
  ...over,
});

const facts = (over: Partial<GatingFacts> = {}): GatingFacts => ({
  accountKey: 'corp\\ann',
  person: { state: 'active' },
  presence: { zone: 'floor-2', at: NOW - HOUR },
  acceptedZones: ['floor-2'],
  remoteClass: null,
  stale: false,
  replayed: false,
  now: NOW,
  ...over,
});

describe('the gating decision', () => {
  it('lets in a person badged into the workstation zone', () => {
    expect(decide(facts(), group())).toEqual({ decision: 'allow', reason: 'present' });
  });

  it('refuses a person badged into another zone with the same code as one never on site', () => {
    const elsewhere = decide(facts({ presence: { zone: 'lobby', at: NOW - 60_000 } }), group());
    const nowhere = decide(facts({ presence: null }), group());
    expect(elsewhere).toEqual({ decision: 'deny', reason: 'not-present' });
    expect(nowhere).toEqual(elsewhere);
  });

  it('steps up an absent person where the group says so, and counts a stale badge-in as absence', () => {
    const stale = facts({ presence: { zone: 'floor-2', at: NOW - 17 * HOUR } });
    expect(decide(stale, group({ whenAbsent: 'step-up' }))).toEqual({
      decision: 'step-up',
      reason: 'not-present',
    });
  });

  it('lets break-glass accounts in before anything else is known, and never lets a replay or a stale question in', () => {
    expect(decide(facts({ accountKey: 'root', person: null, presence: null }), group())).toEqual({
      decision: 'allow',
      reason: 'break-glass',
    });
    expect(decide(facts({ accountKey: 'root', replayed: true }), group())).toEqual({
      decision: 'deny',
      reason: 'replayed',
    });
    expect(decide(facts({ accountKey: 'root', stale: true }), group())).toEqual({
      decision: 'deny',
      reason: 'stale',
    });
  });

  it('answers an unmapped account as the group says, and an unreadable one with a refusal', () => {
    const unmapped = facts({ accountKey: 'corp\\svc-build', person: null });
    expect(decide(unmapped, group()).reason).toBe('unknown-account');
    expect(decide(unmapped, group({ whenUnmapped: 'step-up' })).decision).toBe('step-up');
    expect(decide(unmapped, group({ whenUnmapped: 'allow' }))).toEqual({
      decision: 'allow',
      reason: 'unmapped-allowed',
    });
    expect(decide(facts({ accountKey: null }), group())).toEqual({ decision: 'deny', reason: 'bad-account' });
  });

  it('refuses a suspended person or a leaver even when present or stepped up', () => {
    for (const state of ['suspended', 'left'] as const)
      expect(decide(facts({ person: { state } }), group({ whenAbsent: 'step-up' }))).toEqual({
        decision: 'deny',
        reason: 'not-active',
      });
  });

  it('lets a remote class through without presence only when the group lists it', () => {
    const remote = facts({ presence: null, remoteClass: 'vpn' });
    expect(decide(remote, group())).toEqual({ decision: 'allow', reason: 'remote-class' });
    expect(decide({ ...remote, remoteClass: 'jump' }, group()).reason).toBe('not-present');
  });

  it('never answers with a zone, whatever the facts (random facts, every answer is a code)', () => {
    const zones = ['floor-2', 'lobby', 'server-room', 'outside'];
    for (let i = 0; i < 500; i += 1) {
      const pick = <T>(xs: readonly T[]) => xs[(i * 7 + xs.length) % xs.length]!;
      const answer = decide(
        facts({
          presence: i % 3 === 0 ? null : { zone: pick(zones), at: NOW - (i % 20) * HOUR },
          person: i % 11 === 0 ? null : { state: pick(['active', 'suspended', 'left'] as const) },
          remoteClass: i % 5 === 0 ? pick(['vpn', 'jump']) : null,
        }),
        group({ whenAbsent: i % 2 === 0 ? 'deny' : 'step-up' }),
      );
      expect(Object.keys(answer).sort()).toEqual(['decision', 'reason']);
      for (const z of zones) expect(JSON.stringify(answer)).not.toContain(z);
    }
  });
});
