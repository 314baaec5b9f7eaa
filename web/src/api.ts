/** The API client: bearer token, JSON in and out, errors that say which field to fix. */
export interface FieldError {
  field: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }

  /** The reason for one field, to show next to it. */
  field(name: string): string | undefined {
    return this.errors.find((e) => e.field === name || e.field.startsWith(`${name}.`) || e.field.startsWith(`${name}[`))?.reason;
  }
}

const TOKEN = 'pelekan.token';
const USER = 'pelekan.user';

export interface SessionUser {
  id: string;
  username: string;
  role: 'pbo' | 'agency' | 'committee' | 'admin';
  organizationId: string | null;
  displayName: string;
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN);
  },
  get user(): SessionUser | null {
    const raw = sessionStorage.getItem(USER);
    return raw ? JSON.parse(raw) : null;
  },
  set(token: string, user: SessionUser) {
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.setItem(USER, JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(USER);
  },
};

async function handle<T>(response: Response): Promise<T> {
  const type = response.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    if (response.status === 401) session.clear();
    const problem = typeof body === 'object' && body ? body : { message: String(body) };
    throw new ApiError(response.status, problem.code ?? 'error', problem.message ?? response.statusText, problem.errors ?? []);
  }
  return body as T;
}

export async function api<T = any>(method: string, path: string, json?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  return handle<T>(await fetch(path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) }));
}

/** Uploads a file with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function upload<T = any>(path: string, file: File, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    if (session.token) xhr.setRequestHeader('authorization', `Bearer ${session.token}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () =>
      handle<T>(new Response(xhr.responseText, { status: xhr.status, headers: { 'content-type': xhr.getResponseHeader('content-type') ?? '' } }))
        .then(resolve, reject);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the connection failed'));
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

/** A protected file (evidence) as an object URL for preview. */
export async function blobUrl(path: string): Promise<string> {
  const response = await fetch(path, { headers: session.token ? { authorization: `Bearer ${session.token}` } : {} });
  if (!response.ok) throw new ApiError(response.status, 'error', response.statusText);
  return URL.createObjectURL(await response.blob());
}
