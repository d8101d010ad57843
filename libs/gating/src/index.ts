export {
  decide,
  GATING_DECISIONS,
  GATING_REASONS,
  type GatingAnswer,
  type GatingDecision,
  type GatingFacts,
  type GatingReason,
  type GroupPolicy,
  type Unreachable,
} from './decision';
export {
  type AccountKeyOf,
  addRange,
  GatingPolicy,
  type GatingSettings,
  type GroupSettings,
  hostKey,
  REMOTE_HOST_CLASS,
} from './policy';
export { NonceWindow } from './replay';
export { type Admission, TokenBuckets } from './rate';
