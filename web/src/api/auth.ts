import { api, type ApiClient } from './client';
import type { Accepted, AuthSession, LoginBody, RegisterBody, Revoked, SessionList, UpdateMeBody, User } from './types';

/** The auth endpoints under /api/v1/auth, as plain functions over an ApiClient. */
export function authApi(client: ApiClient = api) {
  return {
    register: (body: RegisterBody) => client.post<AuthSession>('/auth/register', body),
    login: (body: LoginBody) => client.post<AuthSession>('/auth/login', body),
    // The refresh token travels in its HttpOnly cookie; the JSON body stays empty.
    logout: () => client.post<void>('/auth/logout', {}),
    me: (signal?: AbortSignal) => client.get<User>('/auth/me', undefined, signal),
    updateMe: (body: UpdateMeBody) => client.patch<User>('/auth/me', body),
    deleteMe: (password: string) => client.del<void>('/auth/me', { password }),
    verifyEmail: (token: string) => client.post<User>('/auth/verify-email', { token }),
    resendVerification: () => client.post<Accepted>('/auth/resend-verification', {}),
    forgotPassword: (email: string) => client.post<Accepted>('/auth/forgot-password', { email }),
    resetPassword: (token: string, newPassword: string) =>
      client.post<void>('/auth/reset-password', { token, newPassword }),
    sessions: async () => (await client.get<SessionList>('/auth/sessions')).sessions,
    revokeSession: (id: string) => client.del<void>(`/auth/sessions/${encodeURIComponent(id)}`),
    /** Signs out every session of the user, this one included. */
    revokeAllSessions: () => client.post<Revoked>('/auth/logout-all', {}),
  };
}

export const auth = authApi();
