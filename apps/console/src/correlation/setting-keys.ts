import type { RuleId, Severity } from '@gatehouse/api';

export interface RuleSetting {
  enabled: boolean;
  severity: Severity;
  graceSeconds: number;
}
type Burst = { count: number; windowMinutes: number };

/**
 * The exact configuration lines a tried change would be, for the
 * administrator who makes it (shown only under "Show ids (advanced)"): only
 * what differs from the settings in force, as the site file spells it.
 */
export const changedSettingLines = (
  inForce: { rules: readonly ({ rule: RuleId } & RuleSetting)[]; denialBurst: Burst },
  draft: Readonly<Record<RuleId, RuleSetting>>,
  burst: Burst,
): string[] => {
  const lines: string[] = [];
  for (const r of inForce.rules) {
    const d = draft[r.rule];
    const key = `correlation.rules.${r.rule}`;
    if (d.enabled !== r.enabled) lines.push(`${key}.enabled: ${d.enabled}`);
    if (d.severity !== r.severity) lines.push(`${key}.severity: ${d.severity}`);
    if (d.graceSeconds !== r.graceSeconds) lines.push(`${key}.graceSeconds: ${d.graceSeconds}`);
  }
  if (burst.count !== inForce.denialBurst.count) lines.push(`correlation.denialBurst.count: ${burst.count}`);
  if (burst.windowMinutes !== inForce.denialBurst.windowMinutes)
    lines.push(`correlation.denialBurst.windowMinutes: ${burst.windowMinutes}`);
  return lines;
};
