import type { RuleId, RuleTally, Severity } from '@gatehouse/correlation';
export type { RuleId, RuleTally, Severity } from '@gatehouse/correlation';

/** One fact of an alert's evidence chain, with names instead of ids (those the caller may see). */
export interface EvidenceItemView {
  kind: 'badge' | 'denial' | 'login' | 'status';
  /** Event time at the source, epoch ms (the console shows it on the site's clocks). */
  at: number;
  /** What happened, in words: "Badged in at Call floor", "Logon at ws-101". */
  what: string;
  /** Where: the zone entered or left, the workstation's zone; null when none is known. */
  where: string | null;
  /** Which source told us: a reader's door, a syslog sender, the directory. */
  source: string | null;
  /** The journal entry the fact came from (its seq), when the rules knew it: the entry behind the evidence. */
  entrySeq?: number;
  /** A badge: into a zone (in) or out of one (out). */
  direction?: 'in' | 'out';
  /** A login: the action (logon, unlock, lock, logoff). */
  action?: string;
  host?: string;
  /** The directory account, only for roles that may see it (permissions.ts, `directoryAccount`). */
  account?: string;
}

export interface CorrelationAlertView {
  /** The journal sequence of the alert's `correlation.alert-raised` entry: its id here. */
  seq: number;
  key: string;
  rule: RuleId;
  severity: Severity;
  personId: string | null;
  person: string | null;
  /** When it happened (event time), when it was raised (after its grace), epoch ms. */
  at: number;
  raisedAt: number;
  summary: string;
  state: 'raised' | 'withdrawn';
  withdrawnReason: string | null;
  withdrawnAt: string | null;
  evidence: EvidenceItemView[];
}

export interface CorrelationAlertsView {
  items: CorrelationAlertView[];
  /** More alerts fell in the window than are listed. */
  more: boolean;
}

export interface RuleSettingsView {
  rule: RuleId;
  title: string;
  enabled: boolean;
  severity: Severity;
  graceSeconds: number;
  /** Whether the rule waits for late events at all (it rests on something NOT having happened). */
  waitsForAbsence: boolean;
}

export interface RuleCountsView {
  rule: RuleId;
  day: { raised: number; withdrawn: number; acknowledged: number };
  week: { raised: number; withdrawn: number; acknowledged: number };
}

export interface CorrelationRulesView {
  enabled: boolean;
  rules: RuleSettingsView[];
  skewToleranceSeconds: number;
  denialBurst: { count: number; windowMinutes: number };
  counts: RuleCountsView[];
  /** Where the settings live and how to change them (they are configuration, not a console setting). */
  source: { file: string; section: string; howToChange: string };
}

export interface PreviewAlertView {
  rule: RuleId;
  person: string | null;
  at: number;
  summary: string;
}

export interface CorrelationPreviewView {
  /** The window replayed, ISO 8601. */
  from: string;
  to: string;
  facts: number;
  truncated: boolean;
  current: Record<RuleId, RuleTally>;
  proposed: Record<RuleId, RuleTally>;
  sample: PreviewAlertView[];
}
