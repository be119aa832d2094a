/**
 * The one way the app talks to the API.
 *
 * - Same-origin requests with the session cookies the API sets (HttpOnly access and refresh
 *   tokens); the app never sees or stores a token.
 * - Unsafe methods (POST/PUT/PATCH/DELETE) carry the CSRF token the API hands out in a
 *   readable cookie, echoed in a header (double-submit), as the API requires for
 *   cookie-authenticated requests.
 * - A 401 on an authenticated call triggers one refresh (shared by concurrent callers) and
 *   one retry; if the refresh fails the session is over and `onSessionExpired` fires. A 401
 *   after a successful refresh is the request's own answer (a wrong current password).
 * - Every failure is an `ApiError` carrying problem details (status 0 for network failures).
 */
import { ApiError, isProblem, type Problem } from './problem';

export const CSRF_COOKIE = 'ps_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
export const API_BASE = '/api/v1';

/** Paths that must never trigger a refresh-and-retry: they are the auth steps themselves. */
const NO_REFRESH = [
  '/auth/login',
  '/auth/register',
  '/auth/refresh',
  '/auth/logout',
  '/auth/forgot-password',
  '/auth/reset-password',
  '/auth/verify-email',
];

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
}

export interface ClientConfig {
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Reads a cookie by name (document.cookie in the browser; injectable for tests). */
  readCookie?: (name: string) => string | undefined;
  /** Called once when a refresh fails: the user must sign in again. */
  onSessionExpired?: () => void;
}

export function readDocumentCookie(name: string): string | undefined {
  if (typeof document === 'undefined') return undefined;
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export interface ApiClient {
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  del<T>(path: string, body?: unknown): Promise<T>;
  /** Runs the refresh now (shared with any refresh already in flight). True when it worked. */
  refresh(): Promise<boolean>;
  setSessionExpiredHandler(handler: (() => void) | undefined): void;
}

export function createApiClient(config: ClientConfig = {}): ApiClient {
  const baseUrl = config.baseUrl ?? API_BASE;
  const doFetch = config.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const readCookie = config.readCookie ?? readDocumentCookie;
  let onSessionExpired = config.onSessionExpired;
  let refreshing: Promise<boolean> | null = null;

  function url(path: string, query?: Query): string {
    let u = baseUrl + path;
    if (query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) {
        if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
      }
      const qs = params.toString();
      if (qs) u += (u.includes('?') ? '&' : '?') + qs;
    }
    return u;
  }

  async function send(path: string, options: RequestOptions): Promise<Response> {
    const method = options.method ?? 'GET';
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
    let body: BodyInit | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    if (UNSAFE.has(method)) {
      const token = readCookie(CSRF_COOKIE);
      if (token) headers[CSRF_HEADER] = token;
    }
    try {
      return await doFetch(url(path, options.query), {
        method,
        headers,
        body,
        credentials: 'same-origin',
        signal: options.signal,
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError({
        type: 'about:blank',
        title: 'Network error',
        status: 0,
        detail: 'Cannot reach ProductSynch. Check your connection and try again.',
      });
    }
  }

  async function refresh(): Promise<boolean> {
    if (!refreshing) {
      refreshing = (async () => {
        try {
          const res = await send('/auth/refresh', { method: 'POST', body: {} });
          return res.ok;
        } catch {
          return false;
        } finally {
          // Let the next 401 (minutes later) start a new refresh.
          queueMicrotask(() => {
            refreshing = null;
          });
        }
      })();
    }
    return refreshing;
  }

  async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    let res = await send(path, options);
    if (res.status === 401 && !NO_REFRESH.includes(path)) {
      if (await refresh()) {
        // The session is alive again: a second 401 is about the request itself
        // (e.g. a wrong current password) and goes back to the caller.
        res = await send(path, options);
      } else {
        onSessionExpired?.();
      }
    }
    return parse<T>(res);
  }

  return {
    request,
    get: (path, query, signal) => request(path, { method: 'GET', query, signal }),
    post: (path, body) => request(path, { method: 'POST', body }),
    patch: (path, body) => request(path, { method: 'PATCH', body }),
    put: (path, body) => request(path, { method: 'PUT', body }),
    del: (path, body) => request(path, { method: 'DELETE', body }),
    refresh,
    setSessionExpiredHandler(handler) {
      onSessionExpired = handler;
    },
  };
}

async function parse<T>(res: Response): Promise<T> {
  const type = res.headers.get('content-type') ?? '';
  const isJson = type.includes('json');
  if (res.ok) {
    if (res.status === 204 || !isJson) return undefined as T;
    return (await res.json()) as T;
  }
  let problem: Problem | undefined;
  if (isJson) {
    try {
      const body: unknown = await res.json();
      if (isProblem(body)) problem = body;
    } catch {
      // fall through to the generic problem below
    }
  }
  problem ??= {
    type: 'about:blank',
    title: res.statusText || `HTTP ${res.status}`,
    status: res.status,
    detail: res.status >= 500 ? 'The server had a problem. Please try again.' : undefined,
  };
  const retryAfterRaw = res.headers.get('retry-after');
  const retryAfter = retryAfterRaw && /^\d+$/.test(retryAfterRaw) ? Number(retryAfterRaw) : undefined;
  throw new ApiError(problem, retryAfter);
}

/** The app-wide client. */
export const api = createApiClient();
