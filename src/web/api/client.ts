/**
 * The one way the SPA talks to Portico: the public Graph-compatible API under /v1.0, with the
 * signed-in user's bearer token. No cookies are involved (`credentials: 'omit'`).
 */
import { renewSignIn, session } from '../auth/session';

export const API_BASE = '/v1.0';

/** An error answer of the API, or a failure to reach it (`status` 0). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Thrown while the page is leaving for the sign-in service; screens show a spinner, not an error. */
export class RedirectingError extends Error {
  override name = 'RedirectingError';
  constructor() {
    super('Signing you in again…');
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Adds `ConsistencyLevel: eventual` (required by `$search` and `$count`). */
  eventual?: boolean;
  signal?: AbortSignal;
}

export interface Collection<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.count'?: number;
}

/** Makes an API path (or an absolute `@odata.nextLink`) relative to this origin. */
export function apiPath(pathOrUrl: string): string {
  if (/^https?:\/\//i.test(pathOrUrl)) {
    const u = new URL(pathOrUrl);
    return `${u.pathname}${u.search}`;
  }
  return pathOrUrl.startsWith(API_BASE) ? pathOrUrl : `${API_BASE}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
}

/** Builds `path?$a=b&…`, skipping undefined values. */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

/** A 401 this soon after signing in means a new token will not help: report it instead of looping. */
const FRESH_TOKEN_MS = 15_000;

async function parseError(res: Response): Promise<ApiError> {
  const requestId = res.headers.get('request-id') ?? undefined;
  const retry = Number(res.headers.get('retry-after'));
  let code = '';
  let message = '';
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body?.error?.code === 'string') code = body.error.code;
    if (typeof body?.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON (a proxy's error page, for instance): the status alone decides the wording.
  }
  return new ApiError(res.status, code, message, requestId, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const token = session.accessToken();
  if (!token || session.isRedirecting()) {
    await renewSignIn();
    throw new RedirectingError();
  }
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
  if (opts.eventual) headers.consistencylevel = 'eventual';
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(apiPath(path), {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'omit',
      cache: 'no-store',
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', '');
  }
  if (res.status === 401) {
    const tokens = session.get();
    const error = await parseError(res);
    if (tokens && Date.now() - tokens.obtainedAt < FRESH_TOKEN_MS) throw error;
    await renewSignIn();
    throw new RedirectingError();
  }
  if (!res.ok) throw await parseError(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, opts: Omit<RequestOptions, 'method' | 'body'> = {}) => request<T>(path, opts),
  post: <T = void>(path: string, body: unknown) => request<T>(path, { method: 'POST', body }),
  patch: (path: string, body: unknown) => request<void>(path, { method: 'PATCH', body }),
  delete: (path: string) => request<void>(path, { method: 'DELETE' }),
};
