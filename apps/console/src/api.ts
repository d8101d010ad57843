/** Thin client of the gateway's API: one error shape, the CSRF header on every mutation. */
import type { BackgroundHeader, ErrorBody, Role } from '@gatehouse/api';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * Explicit bidirectional controls (U+202A–U+202E, U+2066–U+2069) make a name
 * read as something it is not ("Trojan Source"). The gateway stores them as
 * given; the console shows each as a code ("<U+202E>") and never obeys it.
 * (The gateway's exports do the same; the console imports only types from the server.)
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
const shown = (_key: string, value: unknown): unknown =>
  typeof value === 'string'
    ? value.replace(BIDI_CONTROLS, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase()}>`)
    : value;
/** JSON from the gateway (answers and live events) as the console displays it. */
export const parseForDisplay = <T>(text: string): T => JSON.parse(text, shown) as T;

let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

/** Reads an answer: the JSON body, or the one error shape thrown as an ApiError. */
const answer = async <T>(res: Response): Promise<T> => {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data: unknown = text ? parseForDisplay(text) : undefined;
  if (!res.ok) {
    const e = (data as ErrorBody | undefined)?.error;
    throw new ApiError(
      res.status,
      e?.code ?? `http.${res.status}`,
      e?.message ?? res.statusText,
      e?.details ?? {},
    );
  }
  return data as T;
};

/** Marks a request the console makes by itself: it does not renew the session (the server's BackgroundHeader). */
const BACKGROUND: BackgroundHeader = 'x-gatehouse-background';

/** Told when an answer says the session is over (401), wherever it was asked. */
const sessionEndListeners = new Set<() => void>();
export const onSessionEnded = (listener: () => void): (() => void) => {
  sessionEndListeners.add(listener);
  return () => sessionEndListeners.delete(listener);
};

/**
 * The console's tabs in this browser share one session (one cookie): a sign-out in one
 * ends it in all, and each is told at once rather than at its stream's next heartbeat.
 */
const tabs = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('gatehouse-session');
// Under Node (the console's unit tests import this module) an open channel keeps the process
// alive, and jest never exited after the suite; browsers have no unref and need none.
(tabs as { unref?: () => void } | null)?.unref?.();
tabs?.addEventListener('message', (ev: MessageEvent) => {
  if (ev.data === 'signed-out' && csrfToken !== null) sessionEndListeners.forEach((l) => l());
});
/** Tells the other tabs this one signed out. */
export const announceSignedOut = () => tabs?.postMessage('signed-out');

const request = async <T>(method: string, path: string, body?: unknown, background = false): Promise<T> => {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (background) headers[BACKGROUND] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (res.status === 401 && csrfToken !== null) sessionEndListeners.forEach((l) => l());
  return answer<T>(res);
};

/** A request whose body is a file (photo, CSV): sent as itself with its content type. */
export const sendFile = async <T>(method: string, path: string, body: Blob, type: string): Promise<T> => {
  const res = await fetch(path, {
    method,
    body,
    headers: { 'content-type': type, ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) },
    credentials: 'same-origin',
  });
  if (res.status === 401 && csrfToken !== null) sessionEndListeners.forEach((l) => l());
  return answer<T>(res);
};

/** A file the console reads by itself (a photo for the desk): its bytes, no session renewed. */
export const backgroundFile = async (path: string): Promise<Blob> => {
  const res = await fetch(path, { headers: { [BACKGROUND]: '1' }, credentials: 'same-origin' });
  if (!res.ok) throw new ApiError(res.status, `http.${res.status}`, res.statusText, {});
  return res.blob();
};

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
  /** A read the console makes by itself (after a live event, a session check): it keeps no session alive. */
  background: <T>(path: string) => request<T>('GET', path, undefined, true),
};

/**
 * The API's answers are the server's own types (apps/gateway/src/api/views.ts
 * and the libs it names), imported as types only: erased by the build, so no
 * server code reaches the bundle (ESLint refuses a value import), and a server
 * change that breaks the console fails `npm run typecheck`.
 */
export type {
  OperatorView as Operator,
  ReadableEntry as JournalEntry,
  Role,
  SessionView as SessionInfo,
} from '@gatehouse/api';

/** Every role, in the order the console lists them; the record type makes the list complete. */
const ROLE_ORDER: Record<Role, number> = {
  reception: 0,
  guard: 1,
  'facility-manager': 2,
  responder: 3,
  admin: 4,
  auditor: 5,
  'privacy-officer': 6,
  'login-source': 7,
  workstation: 8,
};
export const ROLES = (Object.keys(ROLE_ORDER) as Role[]).sort((a, b) => ROLE_ORDER[a] - ROLE_ORDER[b]);

/**
 * Fields whose name in the API is not what the form calls them. The gateway
 * says what is wrong with a field in words ("must be at least 12 characters",
 * issueInWords in libs/contracts); the console names the field.
 */
const FIELD_WORDS: Record<string, string> = {
  token: 'Bootstrap token',
  username: 'User name',
  displayName: 'Full name',
  newPassword: 'New password',
  currentPassword: 'Current password',
  expiresInDays: 'Days valid',
  zoneIn: 'Zone',
  zoneOut: 'Zone left',
  scheduleId: 'Schedule',
  doorIds: 'Doors',
  levelIds: 'Access levels',
  timeZone: 'Time zone',
  cardholderId: 'Person',
  readerId: 'Reader',
  doorId: 'Door',
};
const camelWords = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
const sentence = (text: string) => {
  const t = text.trim();
  return t ? `${t.charAt(0).toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}` : t;
};
/** A field's path in words: "intervals.0.start" is "Interval 1, start"; "(body)", the whole request. */
export const fieldWords = (path: string): string => {
  if (/^\(\w+\)$/.test(path)) return 'The request';
  const words: string[] = [];
  for (const part of path.split('.')) {
    const last = words.length - 1;
    if (/^\d+$/.test(part) && last >= 0)
      words[last] = `${words[last]!.replace(/s$/, '')} ${Number(part) + 1}`;
    else words.push(FIELD_WORDS[part] ?? camelWords(part));
  }
  const text = words.join(', ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
};

/**
 * An error as the operator reads it, the one place every page's errors pass
 * through: each refused field by its name and what is wrong with it, the
 * gateway's sentence otherwise; never a schema path or a code.
 */
export const describeError = (e: unknown): string => {
  if (e instanceof ApiError && e.code === 'request.invalid' && Array.isArray(e.details.issues))
    return (e.details.issues as { path: string; message: string }[])
      .map((i) => sentence(`${fieldWords(i.path)}: ${i.message}`))
      .join(' ');
  if (e instanceof TypeError) return 'The gateway did not answer (network error). Try again when it is back.';
  return sentence(e instanceof Error ? e.message : String(e));
};
