import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { authApi } from './auth';
import { api, type ApiClient } from './client';
import { isApiError } from './problem';
import type { LoginBody, RegisterBody, UpdateMeBody, User } from './types';

export const queryKeys = {
  me: ['auth', 'me'] as const,
  sessions: ['auth', 'sessions'] as const,
  capabilities: ['capabilities'] as const,
};

/**
 * The signed-in user, or `null` when nobody is signed in (the API answered 401 and the
 * refresh failed too). Errors other than 401 stay errors.
 */
export function useMe(client: ApiClient = api) {
  const a = authApi(client);
  return useQuery<User | null>({
    queryKey: queryKeys.me,
    queryFn: async ({ signal }) => {
      try {
        return await a.me(signal);
      } catch (e) {
        if (isApiError(e) && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 5 * 60_000,
  });
}

/**
 * Makes `user` (or nobody) the signed-in user: drops every cached query that belonged to the
 * previous session. The `me` query itself is updated in place, not removed, because mounted
 * components observe it (a removed query would leave them waiting forever).
 */
export function setSignedInUser(qc: QueryClient, user: User | null) {
  qc.removeQueries({
    predicate: (q) => q.queryKey[0] !== 'capabilities' && !(q.queryKey[0] === 'auth' && q.queryKey[1] === 'me'),
  });
  qc.setQueryData(queryKeys.me, user);
}

function useSignedIn() {
  const qc = useQueryClient();
  return (user: User) => setSignedInUser(qc, user);
}

export function useLogin(client: ApiClient = api) {
  const signedIn = useSignedIn();
  return useMutation({
    mutationFn: (body: LoginBody) => authApi(client).login(body),
    onSuccess: (session) => signedIn(session.user),
  });
}

export function useRegister(client: ApiClient = api) {
  const signedIn = useSignedIn();
  return useMutation({
    mutationFn: (body: RegisterBody) => authApi(client).register(body),
    onSuccess: (session) => signedIn(session.user),
  });
}

/** Signs out. The local state is cleared even when the server could not be told. */
export function useLogout(client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => authApi(client).logout(),
    onSettled: () => setSignedInUser(qc, null),
  });
}

export function useUpdateMe(client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateMeBody) => authApi(client).updateMe(body),
    onSuccess: (user) => qc.setQueryData(queryKeys.me, user),
  });
}

/**
 * Changes the password. The API revokes the user's refresh tokens when the password changes;
 * if that took this browser's session too (it is no longer listed as current), the user is
 * signed in again with the new password so they are not thrown out when the access token ends.
 */
export function useChangePassword(client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ currentPassword, newPassword }: { currentPassword: string; newPassword: string }) => {
      const a = authApi(client);
      const user = await a.updateMe({ currentPassword, newPassword });
      const sessions = await a.sessions().catch(() => []);
      if (!sessions.some((s) => s.current)) {
        await a.login({ email: user.email, password: newPassword });
      }
      return user;
    },
    onSuccess: (user) => {
      qc.setQueryData(queryKeys.me, user);
      void qc.invalidateQueries({ queryKey: queryKeys.sessions });
    },
  });
}

export function useDeleteAccount(client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (password: string) => authApi(client).deleteMe(password),
    onSuccess: () => setSignedInUser(qc, null),
  });
}

export function useSessions(client: ApiClient = api) {
  return useQuery({ queryKey: queryKeys.sessions, queryFn: () => authApi(client).sessions() });
}

export function useRevokeSession(client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => authApi(client).revokeSession(id),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.sessions }),
  });
}

/** Logs out every session, this one included. */
export function useRevokeAllSessions(client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => authApi(client).revokeAllSessions(),
    onSuccess: () => setSignedInUser(qc, null),
  });
}

export function useForgotPassword(client: ApiClient = api) {
  return useMutation({ mutationFn: (email: string) => authApi(client).forgotPassword(email) });
}

export function useResetPassword(client: ApiClient = api) {
  return useMutation({
    mutationFn: ({ token, password }: { token: string; password: string }) =>
      authApi(client).resetPassword(token, password),
  });
}

export function useVerifyEmail(client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => authApi(client).verifyEmail(token),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.me }),
  });
}

export function useResendVerification(client: ApiClient = api) {
  return useMutation({ mutationFn: () => authApi(client).resendVerification() });
}

/**
 * What the running server can do, read from its OpenAPI document: a menu entry or action for
 * a capability appears only when the server actually offers its endpoints.
 */
export interface Capabilities {
  shops: boolean;
  products: boolean;
  sync: boolean;
  analytics: boolean;
  billing: boolean;
}

export function capabilitiesFromPaths(paths: Iterable<string>): Capabilities {
  const list = [...paths];
  const has = (prefix: string) => list.some((p) => p === prefix || p.startsWith(prefix + '/'));
  return {
    shops: has('/api/v1/shops'),
    products: list.some((p) => /^\/api\/v1\/shops\/\{[^}]+\}\/products/.test(p)),
    sync: list.some((p) => /^\/api\/v1\/shops\/\{[^}]+\}\/sync/.test(p)),
    analytics: has('/api/v1/analytics') || list.some((p) => /\/analytics/.test(p)),
    billing: has('/api/v1/billing'),
  };
}

export function useCapabilities(client: ApiClient = api) {
  return useQuery({
    queryKey: queryKeys.capabilities,
    queryFn: async () => {
      const doc = await client.get<{ paths?: Record<string, unknown> }>('/openapi.json');
      return capabilitiesFromPaths(Object.keys(doc.paths ?? {}));
    },
    staleTime: Infinity,
  });
}

/**
 * Wires the client's "session expired" signal (a failed refresh) to the cache: the user becomes
 * nobody, which sends protected pages to /login. `onExpired` runs when someone was signed in.
 */
export function bindSessionExpiry(client: ApiClient, qc: QueryClient, onExpired?: () => void): () => void {
  client.setSessionExpiredHandler(() => {
    const wasSignedIn = Boolean(qc.getQueryData(queryKeys.me));
    setSignedInUser(qc, null);
    if (wasSignedIn) onExpired?.();
  });
  return () => client.setSessionExpiredHandler(undefined);
}
