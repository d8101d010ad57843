import type { Operators } from '@gatehouse/auth';
import type { Actor } from '@gatehouse/contracts';

type DisplayNames = Pick<Operators, 'displayNameOf'>;

/**
 * Operators by the names they are shown by (issue 11): the journal, an
 * alarm's owner and a door's manual mode hold a username, which a screen
 * turns into the display name here. A username that is no operator (an
 * account since removed) stays as it is: it is all that is known.
 */
export const operatorName = (operators: DisplayNames, username: string): string =>
  operators.displayNameOf(username) ?? username;

/** The display name of an entry's acting operator; undefined for tokens, the CLI, the system and the anonymous. */
export const actorDisplayName = (operators: DisplayNames, actor: Actor | undefined): string | undefined =>
  actor?.kind === 'operator' && actor.name ? operators.displayNameOf(actor.name) : undefined;
