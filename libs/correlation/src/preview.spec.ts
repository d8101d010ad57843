import type { BadgeEvent, LoginEvent } from './events';
import { type ArrivedFact, previewRules, withProposal } from './preview';
import { defaultSettings } from './settings';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const MIN = 60_000;
let n = 0;
const badgeIn = (at: number, personId: string): BadgeEvent => ({
  kind: 'badge',
  id: `b${++n}`,
  at,
  personId,
  doorId: 'floor-door',
  readerId: 'floor-in',
  zone: 'floor-1',
  fromZone: 'lobby',
});
const logon = (at: number, personId: string): LoginEvent => ({
  kind: 'login',
  id: `l${++n}`,
  at,
  action: 'logon',
  account: `corp\\${personId}`,
  personId,
  host: `ws-${personId}`,
  zone: 'floor-1',
  remote: false,
  sessionKey: `s-${personId}`,
  source: 'syslog 127.0.0.1',
});
const arrived = (fact: ArrivedFact['fact'], late = 0): ArrivedFact => ({ fact, arrivedAt: fact.at + late });
const limits = { samplePerRule: 3, outOfTime: () => false };

/** Ann badges in and logs in; Bo logs in without a badge; Cy's badge-in arrives 2 minutes late. */
const week = (): ArrivedFact[] => [
  arrived(badgeIn(T0, 'ann')),
  arrived(logon(T0 + 5 * MIN, 'ann')),
  arrived(logon(T0 + 10 * MIN, 'bo')),
  arrived(logon(T0 + 20 * MIN, 'cy')),
  arrived(badgeIn(T0 + 19 * MIN, 'cy'), 2 * MIN + 30_000),
];

describe('rules preview', () => {
  it('counts what the settings would have raised, waiting out grace as the live engine does', async () => {
    const r = await previewRules(week(), defaultSettings(), T0 + 60 * MIN, limits);
    expect(r.facts).toBe(5);
    expect(r.truncated).toBe(false);
    // Bo only: Cy's late badge-in arrived within the 3-minute grace.
    expect(r.counts['login-without-badge-in']).toEqual({ raised: 1, withdrawn: 0 });
    expect(r.sample.map((a) => a.personId)).toEqual(['bo']);
  });

  it('shows what a shorter grace would have raised (and withdrawn) instead', async () => {
    const s = withProposal(defaultSettings(), { rules: { 'login-without-badge-in': { graceSeconds: 60 } } });
    expect(s.rules['login-without-badge-in'].graceMs).toBe(60_000);
    const r = await previewRules(week(), s, T0 + 60 * MIN, limits);
    // Cy's alert is raised after 1 minute, then withdrawn when the badge-in arrives.
    expect(r.counts['login-without-badge-in']).toEqual({ raised: 2, withdrawn: 1 });
    expect(r.sample.map((a) => a.personId)).toEqual(['bo']);
  });

  it('raises nothing for a rule the proposal turns off, and leaves the rest as they were', async () => {
    const s = withProposal(defaultSettings(), { rules: { 'login-without-badge-in': { enabled: false } } });
    expect(s.rules['leaver-activity']).toEqual(defaultSettings().rules['leaver-activity']);
    expect(
      (await previewRules(week(), s, T0 + 60 * MIN, limits)).counts['login-without-badge-in'].raised,
    ).toBe(0);
  });

  it('stops when out of time and says the counts are a lower bound', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => arrived(logon(T0 + i * 1000, `p${i}`)));
    let asked = 0;
    const r = await previewRules(many, defaultSettings(), T0 + 3_600_000, {
      samplePerRule: 3,
      outOfTime: () => ++asked >= 2,
    });
    expect(r.truncated).toBe(true);
    expect(r.facts).toBe(1000);
    expect(r.sample.length).toBeLessThanOrEqual(3);
  });

  it('gives the event loop back every few hundred facts, when asked to', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => arrived(logon(T0 + i * 1000, `q${i}`)));
    let breaths = 0;
    const r = await previewRules(many, defaultSettings(), T0 + 3_600_000, {
      samplePerRule: 1,
      outOfTime: () => false,
      breathe: async () => {
        breaths++;
      },
    });
    expect(r.facts).toBe(1200);
    expect(breaths).toBe(2);
  });
});
