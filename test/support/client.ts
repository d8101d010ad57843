import { totpCode } from '../../libs/auth/src/totp';

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** An HTTP client with a one-cookie jar and the CSRF header, as the console behaves. */
export class Client {
  cookie: string | null = null;
  csrf: string | null = null;
  bearer: string | null = null;
  constructor(readonly base: string) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    extra: { headers?: Record<string, string>; raw?: string } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...extra.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] ??= this.csrf;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    let payload: string | undefined = extra.raw;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    } else if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${this.base}${path}`, { method, headers, body: payload });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0]!;
      this.cookie = pair.endsWith('=') ? null : pair;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    const csrf = (parsed as { csrfToken?: string } | undefined)?.csrfToken;
    if (csrf) this.csrf = csrf;
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }
  get<T = Record<string, unknown>>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, { headers });
  }
  post<T = Record<string, unknown>>(path: string, body: unknown = {}) {
    return this.request<T>('POST', path, body);
  }
  patch<T = Record<string, unknown>>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
}

export const ADMIN_PASSWORD = 'violet anchor meadow 42';
export const PERMANENT_PASSWORD = 'permanent orchard phrase 7';

/** Bootstraps the first admin, signs in, enrols TOTP: returns a fully signed-in client and the TOTP secret. */
export const bootstrapAdmin = async (base: string, token: string, username = 'ada') => {
  const client = new Client(base);
  const created = await client.post('/api/v1/auth/bootstrap', {
    token,
    username,
    displayName: 'Ada Admin',
    password: ADMIN_PASSWORD,
  });
  if (created.status !== 201) throw new Error(`bootstrap failed: ${created.text}`);
  const login = await client.post('/api/v1/auth/login', { username, password: ADMIN_PASSWORD });
  if (login.body.stage !== 'enroll') throw new Error(`expected enrolment, got ${login.text}`);
  const setup = await client.post<{ secret: string }>('/api/v1/auth/enrollment');
  const confirm = await client.post<{ recoveryCodes: string[] }>('/api/v1/auth/enrollment/confirm', {
    code: totpCode(setup.body.secret, Date.now()),
  });
  if (confirm.status !== 200) throw new Error(`enrolment failed: ${confirm.text}`);
  return { client, secret: setup.body.secret, recoveryCodes: confirm.body.recoveryCodes };
};

/** Creates an operator as admin and signs them in (changing the temporary password first). */
export const operatorClient = async (admin: Client, base: string, username: string, roles: string[]) => {
  const temp = 'temporary entry pass 1';
  const created = await admin.post('/api/v1/operators', {
    username,
    displayName: `${username} tester`,
    roles,
    password: temp,
  });
  if (created.status !== 201) throw new Error(`create failed: ${created.text}`);
  const client = new Client(base);
  await client.post('/api/v1/auth/login', { username, password: temp });
  const changed = await client.post('/api/v1/auth/password', {
    currentPassword: temp,
    newPassword: PERMANENT_PASSWORD,
  });
  if (changed.status !== 204) throw new Error(`password change failed: ${changed.text}`);
  return client;
};

/** A client that signs in with a new API token of these roles, as an integration would. */
export const tokenClient = async (admin: Client, base: string, roles: string[], name = 'load') => {
  const created = await admin.post<{ token: string }>('/api/v1/tokens', { name, roles, expiresInDays: 1 });
  if (created.status !== 201) throw new Error(`token failed: ${created.text}`);
  const client = new Client(base);
  client.bearer = created.body.token;
  return client;
};
