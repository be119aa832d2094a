import { describe, expect, it, vi } from 'vitest';
import { CSRF_HEADER, createApiClient } from './client';
import { ApiError } from './problem';
import { json, mockApi, noContent, problem } from '../test/utils';

function client(onSessionExpired = vi.fn(), csrf: string | undefined = 'csrf-123') {
  return { c: createApiClient({ readCookie: () => csrf, onSessionExpired }), onSessionExpired };
}

describe('api client', () => {
  it('returns JSON bodies and undefined for 204', async () => {
    mockApi({
      'GET /api/v1/auth/me': () => json(200, { id: 'usr_1' }),
      'POST /api/v1/auth/logout': () => noContent(),
    });
    const { c } = client();
    await expect(c.get('/auth/me')).resolves.toEqual({ id: 'usr_1' });
    await expect(c.post('/auth/logout')).resolves.toBeUndefined();
  });

  it('sends the CSRF token on unsafe methods only, and JSON bodies', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/me': () => json(200, {}),
      'PATCH /api/v1/auth/me': () => json(200, {}),
    });
    const { c } = client();
    await c.get('/auth/me');
    await c.patch('/auth/me', { name: 'Ada' });
    expect(calls[0].headers[CSRF_HEADER.toLowerCase()]).toBeUndefined();
    expect(calls[1].headers[CSRF_HEADER.toLowerCase()]).toBe('csrf-123');
    expect(calls[1].headers['content-type']).toBe('application/json');
    expect(calls[1].body).toEqual({ name: 'Ada' });
  });

  it('encodes query parameters and drops empty ones', async () => {
    const { fetchMock } = mockApi({ 'GET /api/v1/things': () => json(200, []) });
    await client().c.get('/things', { q: 'a b', page: 2, empty: '', none: undefined });
    expect(String(fetchMock.mock.calls[0][0])).toBe('/api/v1/things?q=a+b&page=2');
  });

  it('throws problem details as ApiError with field errors and Retry-After', async () => {
    mockApi({
      'POST /api/v1/auth/register': () =>
        problem(422, 'Validation failed', 'Some fields are invalid', [
          { field: 'email', code: 'invalid_email', message: 'Enter a valid email address' },
        ]),
      'POST /api/v1/auth/login': () =>
        json(429, { type: 't', title: 'Too many requests', status: 429 }, { 'retry-after': '30' }),
    });
    const { c } = client();
    const e = await c.post('/auth/register', {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(422);
    expect((e as ApiError).fieldErrors).toEqual([
      { field: 'email', code: 'invalid_email', message: 'Enter a valid email address' },
    ]);
    const r = await c.post('/auth/login', {}).catch((x: unknown) => x);
    expect((r as ApiError).retryAfter).toBe(30);
  });

  it('makes a problem out of a non-JSON error and out of a network failure', async () => {
    mockApi({
      'GET /api/v1/a': () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
      'GET /api/v1/b': () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const { c } = client();
    const a = (await c.get('/a').catch((x: unknown) => x)) as ApiError;
    expect(a.status).toBe(502);
    expect(a.problem.title).toBe('Bad Gateway');
    const b = (await c.get('/b').catch((x: unknown) => x)) as ApiError;
    expect(b.status).toBe(0);
  });

  it('refreshes once on 401 and retries the request', async () => {
    let meCalls = 0;
    const { calls } = mockApi({
      'GET /api/v1/auth/me': () => (++meCalls === 1 ? problem(401, 'Unauthorized') : json(200, { id: 'usr_1' })),
      'POST /api/v1/auth/refresh': () => json(200, { user: { id: 'usr_1' } }),
    });
    const { c, onSessionExpired } = client();
    await expect(c.get('/auth/me')).resolves.toEqual({ id: 'usr_1' });
    expect(calls.map((x) => `${x.method} ${x.path}`)).toEqual([
      'GET /api/v1/auth/me',
      'POST /api/v1/auth/refresh',
      'GET /api/v1/auth/me',
    ]);
    // The refresh itself is an unsafe request and carries the CSRF token.
    expect(calls[1].headers[CSRF_HEADER.toLowerCase()]).toBe('csrf-123');
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it('shares one refresh between concurrent 401s', async () => {
    let refreshed = false;
    let resolveRefresh: (r: Response) => void = () => {};
    const { calls } = mockApi({
      'GET /api/v1/a': () => (refreshed ? json(200, 'a') : problem(401, 'Unauthorized')),
      'GET /api/v1/b': () => (refreshed ? json(200, 'b') : problem(401, 'Unauthorized')),
      'POST /api/v1/auth/refresh': () =>
        new Promise<Response>((resolve) => {
          resolveRefresh = (r) => {
            refreshed = true;
            resolve(r);
          };
        }),
    });
    const { c } = client();
    const both = Promise.all([c.get('/a'), c.get('/b')]);
    await vi.waitFor(() => expect(calls.filter((x) => x.path === '/api/v1/auth/refresh')).toHaveLength(1));
    resolveRefresh(json(200, {}));
    await expect(both).resolves.toEqual(['a', 'b']);
    expect(calls.filter((x) => x.path === '/api/v1/auth/refresh')).toHaveLength(1);
  });

  it('ends the session when the refresh fails, without retrying', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/me': () => problem(401, 'Unauthorized'),
      'POST /api/v1/auth/refresh': () => problem(401, 'Unauthorized'),
    });
    const { c, onSessionExpired } = client();
    const e = (await c.get('/auth/me').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(401);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(2);
  });

  it('hands a 401 after a successful refresh back to the caller (e.g. wrong current password)', async () => {
    mockApi({
      'PATCH /api/v1/auth/me': () => problem(401, 'Unauthorized', 'The current password is not correct'),
      'POST /api/v1/auth/refresh': () => json(200, {}),
    });
    const { c, onSessionExpired } = client();
    const e = (await c.patch('/auth/me', { currentPassword: 'x', newPassword: 'yyyyyyyy' }).catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(401);
    expect(e.message).toBe('The current password is not correct');
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it('never refreshes for the sign-in endpoints themselves', async () => {
    const { calls } = mockApi({
      'POST /api/v1/auth/login': () => problem(401, 'Unauthorized', 'Invalid email or password'),
    });
    const { c, onSessionExpired } = client();
    await expect(c.post('/auth/login', { email: 'a@b.co', password: 'x' })).rejects.toThrow('Invalid email or password');
    expect(calls).toHaveLength(1);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });
});
