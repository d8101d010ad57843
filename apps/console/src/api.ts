/** Thin client of the gateway's API: one error shape, the CSRF header on every mutation. */
import type { Role } from '@gatehouse/api';

export interface ApiErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

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
    const e = (data as ApiErrorBody | undefined)?.error;
    throw new ApiError(
      res.status,
      e?.code ?? `http.${res.status}`,
      e?.message ?? res.statusText,
      e?.details ?? {},
    );
  }
  return data as T;
};

const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
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
  return answer<T>(res);
};

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
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
};
export const ROLES = (Object.keys(ROLE_ORDER) as Role[]).sort((a, b) => ROLE_ORDER[a] - ROLE_ORDER[b]);

export const describeError = (e: unknown): string => (e instanceof Error ? e.message : String(e));
