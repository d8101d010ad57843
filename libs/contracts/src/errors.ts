/**
 * Domain errors carry a stable machine-readable code and a kind. One HTTP
 * filter maps the kind to a status, so no service ever thinks in HTTP terms.
 */
export type ErrorKind =
  | 'invalid' // 400: the request is malformed or breaks a rule
  | 'unauthenticated' // 401: who you are is unknown or your session ended
  | 'forbidden' // 403: known, but not allowed
  | 'not-found' // 404
  | 'conflict' // 409: state does not allow it (duplicate, already used)
  | 'too-large' // 413
  | 'locked' // 423: temporarily locked out
  | 'rate-limited' // 429
  | 'unavailable'; // 503: a component is down

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
