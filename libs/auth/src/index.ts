export { canSeeCategory, type Role, ROLES, visibleCategories } from './roles';
export { MAX_PASSWORD_LENGTH } from './password';
export { base32Decode, hotp, totpCode, totpStep } from './totp';
export { sameSecret } from './secrets';
export { SecretBox } from './secret-box';
export { AuthStore } from './store';
export {
  actorOf,
  type Principal,
  type RequestContext,
  type OperatorView,
  type SessionStage,
  type TokenView,
} from './types';
export { AuthService, type AuthSettings, type LoginResult } from './auth.service';
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
  redactFor,
  rolesFor,
} from './permissions';
