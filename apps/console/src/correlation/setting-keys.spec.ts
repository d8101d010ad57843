import { changedSettingLines, type RuleSetting } from './setting-keys';

const rule = (r: string, s: RuleSetting) => ({ rule: r as never, ...s });
const inForce = {
  rules: [
    rule('login-without-badge-in', { enabled: true, severity: 'high', graceSeconds: 120 }),
    rule('tailgating', { enabled: true, severity: 'medium', graceSeconds: 0 }),
  ],
  denialBurst: { count: 3, windowMinutes: 10 },
};

describe('the configuration lines a tried change would be (for the administrator, under advanced)', () => {
  it('lists only what differs from the settings in force, by its exact key', () => {
    const draft = {
      'login-without-badge-in': { enabled: true, severity: 'critical', graceSeconds: 300 },
      tailgating: { enabled: true, severity: 'medium', graceSeconds: 0 },
    } as never;
    expect(changedSettingLines(inForce, draft, { count: 3, windowMinutes: 15 })).toEqual([
      'correlation.rules.login-without-badge-in.severity: critical',
      'correlation.rules.login-without-badge-in.graceSeconds: 300',
      'correlation.denialBurst.windowMinutes: 15',
    ]);
  });

  it('lists nothing when nothing was changed', () => {
    const draft = Object.fromEntries(inForce.rules.map(({ rule: r, ...s }) => [r, s])) as never;
    expect(changedSettingLines(inForce, draft, inForce.denialBurst)).toEqual([]);
  });
});
