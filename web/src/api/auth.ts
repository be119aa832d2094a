import { api, type ApiClient } from './client';
import type { AuthSession, LoginBody, RegisterBody, Session, UpdateMeBody, User } from './types';

/** The auth endpoints under /api/v1/auth, as plain functions over an ApiClient. */
export function authApi(client: ApiClient = api) {
  return {
    register: (body: RegisterBody) => client.post<AuthSession>('/auth/register', body),
    login: (body: LoginBody) => client.post<AuthSession>('/auth/login', body),
    logout: () => client.post<void>('/auth/logout'),
    me: (signal?: AbortSignal) => client.get<User>('/auth/me', undefined, signal),
    updateMe: (body: UpdateMeBody) => client.patch<User>('/auth/me', body),
    deleteMe: (password: string) => client.del<void>('/auth/me', { password }),
    verifyEmail: (token: string) => client.post<User | void>('/auth/verify-email', { token }),
    resendVerification: () => client.post<void>('/auth/verify-email/resend'),
    forgotPassword: (email: string) => client.post<void>('/auth/forgot-password', { email }),
    resetPassword: (token: string, password: string) =>
      client.post<void>('/auth/reset-password', { token, password }),
    sessions: () => client.get<Session[]>('/auth/sessions'),
    revokeSession: (id: string) => client.del<void>(`/auth/sessions/${encodeURIComponent(id)}`),
    revokeAllSessions: () => client.del<void>('/auth/sessions'),
  };
}

export const auth = authApi();
