import type { Clock } from '@gatehouse/contracts';
import { AuthContext, type AuthSettings, type JournalWriter } from './auth-context';
import { Operators } from './operators';
import type { SecretBox } from './secret-box';
import { SignIn } from './sign-in';
import type { AuthRepository } from './store';
import { ApiTokens } from './tokens';

/**
 * Auth as the gateway and the CLI wire it: three parts over one store, one
 * journal and one queue of changes. `operators` administers the operators
 * (and the first-start bootstrap), `signIn` signs them in and keeps their
 * sessions, `tokens` holds the API tokens for machines.
 */
export interface Auth {
  readonly operators: Operators;
  readonly signIn: SignIn;
  readonly tokens: ApiTokens;
}

export const createAuth = (
  store: AuthRepository,
  journal: JournalWriter,
  clock: Clock,
  settings: AuthSettings,
  secrets: SecretBox,
): Auth => {
  const ctx = new AuthContext(store, journal, clock, settings, secrets);
  return { operators: new Operators(ctx), signIn: new SignIn(ctx), tokens: new ApiTokens(ctx) };
};
