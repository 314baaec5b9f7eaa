import { DEMO_PASSWORD } from '@pelekan/modules';

type BodyInit = NonNullable<NonNullable<Parameters<typeof fetch>[1]>['body']>;

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small HTTP client speaking to the API as named users (tokens cached per user). */
export class Http {
  private readonly tokens = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    options: { token?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      body: type.includes('json') && text ? JSON.parse(text) : (text as any),
      headers: response.headers,
    };
  }

  async login(username: string, password = DEMO_PASSWORD): Promise<string> {
    const cached = this.tokens.get(username);
    if (cached) return cached;
    const answer = await this.request('POST', '/api/auth/login', { json: { username, password } });
    if (answer.status !== 200) throw new Error(`login ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
    this.tokens.set(username, answer.body.accessToken);
    return answer.body.accessToken;
  }

  /** An anonymous GET (the public portal). */
  get<T = any>(path: string): Promise<Answer<T>> {
    return this.request<T>('GET', path);
  }

  /** Requests as `username` (signed in on first use). */
  as(username: string) {
    const send = async <T = any>(method: string, path: string, json?: unknown, extra: { body?: BodyInit; headers?: Record<string, string> } = {}) =>
      this.request<T>(method, path, { token: await this.login(username), json, ...extra });
    return {
      get: <T = any>(path: string) => send<T>('GET', path),
      post: <T = any>(path: string, json?: unknown, extra?: { body?: BodyInit; headers?: Record<string, string> }) =>
        send<T>('POST', path, json, extra),
      put: <T = any>(path: string, json?: unknown) => send<T>('PUT', path, json),
      upload: async <T = any>(path: string, filename: string, content: Buffer | string, type = 'application/pdf') => {
        const form = new FormData();
        form.append('file', new Blob([content], { type }), filename);
        return this.request<T>('POST', path, { token: await this.login(username), body: form });
      },
    };
  }
}

/** Polls `probe` until `done` holds, or fails with the last value seen. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}
