export { type Alert, CorrelationEngine, type EngineCounters, type Outcome, type Withdrawal } from './engine';
export type {
  BadgeEvent,
  CorrelationEvent,
  DenialEvent,
  LoginEvent,
  SessionAction,
  StatusEvent,
} from './events';
export {
  type CorrelationSettings,
  DEFAULT_RULES,
  defaultSettings,
  RULES,
  type RuleId,
  type RuleSettings,
  type Severity,
} from './settings';
export type { Verdict } from './verdict';
