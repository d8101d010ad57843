import type { RuleId } from '@gatehouse/api';

/**
 * The correlation rules in words, in the order the console lists them. The
 * record type makes the list complete: a rule the server adds fails the
 * console's type check until it has a name here.
 */
export const RULE_NAMES: Record<RuleId, string> = {
  'login-without-badge-in': 'Login without badge-in',
  'login-after-badge-out': 'Login after badge-out',
  'session-after-badge-out': 'Session still open after badge-out',
  'credential-sharing': 'Credential sharing',
  'impossible-travel': 'Impossible travel',
  'denial-burst': 'Denial burst',
  'leaver-activity': "A leaver's card or account used",
};

export const RULE_IDS = Object.keys(RULE_NAMES) as RuleId[];

/** Whether an alarm of the queue was raised by a correlation rule (it then has an evidence timeline). */
export const isCorrelationAlarm = (type: string): type is RuleId => type in RULE_NAMES;
