export { canSeeCategory, PERSON_ROLES, type Role, ROLES, visibleCategories } from './roles';
export { MAX_PASSWORD_LENGTH, passwordRules, type PasswordPolicyView, sitePasswordPolicy } from './password';
export { base32Decode, hotp, totpCode, totpStep } from './totp';
export { sameSecret } from './secrets';
export { SecretBox } from './secret-box';
export { AuthStore } from './store';
export {
  actorOf,
  type LoginResult,
  type OperatorView,
  type Principal,
  type RequestContext,
  type SessionStage,
  type TokenView,
} from './types';
export { type Auth, createAuth } from './auth';
export type { AuthSettings } from './auth-context';
export { BOOTSTRAP_PREFIX, BOOTSTRAP_TOKEN_LENGTH, BOOTSTRAP_TOKEN_PATTERN, Operators } from './operators';
export { SignIn } from './sign-in';
export { ApiTokens } from './tokens';
export { purgeSessionsPeriodically, SESSION_PURGE_EVERY_MS } from './session-purge';
export {
  type Action,
  ACTIONS,
  type Field,
  hiddenProperties,
  may,
  type Permissions,
  permissionsOf,
  type ReadableEntry,
  type Redacted,
  redactEntryFor,
  seesAlarm,
  redactFor,
  rolesFor,
} from './permissions';
