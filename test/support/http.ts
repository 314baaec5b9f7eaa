import { DEMO_PASSWORD } from '@pelekan/modules';
import { checkResponse, contractTally, type OpenApiDocument, recordViolations } from './contract';

type BodyInit = NonNullable<NonNullable<Parameters<typeof fetch>[1]>['body']>;

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A small HTTP client speaking to the API as named users (tokens cached per user). Every answer is
 * checked against the API's own OpenAPI document (test/support/contract.ts); setup.ts reports what broke it.
 */
export class Http {
  private readonly tokens = new Map<string, string>();
  private contractDocument?: Promise<OpenApiDocument | null>;

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
    const answer = {
      status: response.status,
      body: type.includes('json') && text ? JSON.parse(text) : (text as any),
      headers: response.headers,
    };
    await this.checkContract(method, path, answer, text);
    return answer;
  }

  /** Records how `answer` breaks the API's OpenAPI document, if it does. */
  private async checkContract(method: string, path: string, answer: Answer, text: string): Promise<void> {
    const doc = await this.documentOfApi();
    if (!doc) {
      contractTally.unchecked += 1;
      return;
    }
    contractTally.checked += 1;
    // The path the server saw: fetch resolves dot segments and percent-encodes what it must.
    const pathname = new URL(path, this.baseUrl).pathname;
    const type = answer.headers.get('content-type') ?? '';
    recordViolations(checkResponse(doc, method, pathname, answer.status, type, text === '' ? undefined : answer.body), text);
  }

  /**
   * The API's OpenAPI document, fetched once on first use. Not cached when it cannot be had (the
   * server is stopped between answers in some suites): the next answer asks again.
   */
  private documentOfApi(): Promise<OpenApiDocument | null> {
    this.contractDocument ??= fetch(`${this.baseUrl}/api/openapi.json`)
      .then((response) => (response.ok ? (response.json() as Promise<OpenApiDocument>) : null))
      .catch(() => null)
      .then((doc) => {
        if (!doc) this.contractDocument = undefined;
        return doc;
      });
    return this.contractDocument;
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
