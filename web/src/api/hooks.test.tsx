import { QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, mockApi, problem, testQueryClient } from '../test/utils';
import { capabilitiesFromPaths, queryKeys, useChangePassword, useLogout, useMe, useUpdateMe } from './hooks';

function wrapper() {
  const client = testQueryClient();
  const Wrapper = ({ children }: { children: React.ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  return { client, Wrapper };
}

const ada = { id: 'usr_1', email: 'ada@example.com', name: 'Ada', emailVerified: true, tier: 'free' };

describe('useMe', () => {
  it('is the user when signed in', async () => {
    mockApi({ 'GET /api/v1/auth/me': () => json(200, ada) });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useMe(), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.data).toEqual(ada));
  });

  it('is null when nobody is signed in (401 and the refresh fails)', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/me': () => problem(401, 'Unauthorized'),
      'POST /api/v1/auth/refresh': () => problem(401, 'Unauthorized'),
    });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useMe(), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data).toBeNull();
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/auth/me', '/api/v1/auth/refresh']);
  });

  it('keeps other failures as errors', async () => {
    mockApi({ 'GET /api/v1/auth/me': () => problem(503, 'Service unavailable', 'Database unreachable') });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useMe(), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error?.message).toBe('Database unreachable');
  });
});

describe('useUpdateMe and useLogout', () => {
  it('updates the cached user from the response', async () => {
    mockApi({ 'PATCH /api/v1/auth/me': () => json(200, { ...ada, name: 'Ada L.' }) });
    const { client, Wrapper } = wrapper();
    client.setQueryData(queryKeys.me, ada);
    const { result } = renderHook(() => useUpdateMe(), { wrapper: Wrapper });
    await result.current.mutateAsync({ name: 'Ada L.' });
    expect(client.getQueryData(queryKeys.me)).toEqual({ ...ada, name: 'Ada L.' });
  });

  it('clears the signed-in state even when the server cannot be reached', async () => {
    mockApi({
      'POST /api/v1/auth/logout': () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const { client, Wrapper } = wrapper();
    client.setQueryData(queryKeys.me, ada);
    client.setQueryData(queryKeys.sessions, [{ id: 's' }]);
    const { result } = renderHook(() => useLogout(), { wrapper: Wrapper });
    await expect(result.current.mutateAsync()).rejects.toThrow();
    await waitFor(() => expect(client.getQueryData(queryKeys.me)).toBeNull());
    expect(client.getQueryData(queryKeys.sessions)).toBeUndefined();
  });
});

describe('capabilitiesFromPaths', () => {
  it('enables menu entries only for endpoints the server documents', () => {
    expect(capabilitiesFromPaths(['/api/v1/auth/login', '/api/v1/auth/me', '/api/v1/jobs/{id}'])).toEqual({
      shops: false,
      products: false,
      sync: false,
      analytics: false,
      billing: false,
    });
    const caps = capabilitiesFromPaths([
      '/api/v1/shops',
      '/api/v1/shops/{shopId}',
      '/api/v1/shops/{shopId}/products',
      '/api/v1/shops/{shopId}/sync',
    ]);
    expect(caps).toMatchObject({ shops: true, products: true, sync: true, analytics: false });
  });

  it('does not mistake a longer path for a capability', () => {
    expect(capabilitiesFromPaths(['/api/v1/shopsettings']).shops).toBe(false);
  });
});

describe('useChangePassword', () => {
  it('signs in again when the password change ended this session', async () => {
    const { calls } = mockApi({
      'PATCH /api/v1/auth/me': () => json(200, ada),
      'GET /api/v1/auth/sessions': () => json(200, { sessions: [] }),
      'POST /api/v1/auth/login': () => json(200, { user: ada, accessToken: 'a', refreshToken: 'r', expiresIn: 900 }),
    });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useChangePassword(), { wrapper: Wrapper });
    await result.current.mutateAsync({ currentPassword: 'old-password', newPassword: 'new-password-1' });
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'PATCH /api/v1/auth/me',
      'GET /api/v1/auth/sessions',
      'POST /api/v1/auth/login',
    ]);
    expect(calls[2].body).toEqual({ email: 'ada@example.com', password: 'new-password-1' });
  });

  it('keeps the session when the server kept it', async () => {
    const { calls } = mockApi({
      'PATCH /api/v1/auth/me': () => json(200, ada),
      'GET /api/v1/auth/sessions': () =>
        json(200, { sessions: [{ id: 'f', createdAt: '', expiresAt: '', current: true }] }),
    });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useChangePassword(), { wrapper: Wrapper });
    await result.current.mutateAsync({ currentPassword: 'old-password', newPassword: 'new-password-1' });
    expect(calls.some((c) => c.path === '/api/v1/auth/login')).toBe(false);
  });
});
