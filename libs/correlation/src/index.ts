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
  siteDayStart,
  settingsFrom,
  type CorrelationConfig,
  RULES,
  type RuleId,
  type RuleSettings,
  type Severity,
} from './settings';
export type { Verdict } from './verdict';
export { type DoorSides, FACT_TYPES, factFromEntry } from './journal-facts';
export { type CorrelationHistory, type CorrelationJournal, CorrelationService } from './service';
export {
  type ArrivedFact,
  type PreviewResult,
  previewRules,
  type RuleTally,
  type RulesProposal,
  withProposal,
} from './preview';
