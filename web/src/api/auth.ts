import { api, type ApiClient } from './client';
import type {
  Accepted,
  ApiPath,
  AuthSession,
  LoginBody,
  RegisterBody,
  Revoked,
  SessionList,
  UpdateMeBody,
  User,
} from './types';

/** A path relative to /api/v1 that the OpenAPI document has: a renamed endpoint fails the type check. */
export function endpoint<P extends string>(path: `/api/v1${P}` extends ApiPath ? P : never): P {
  return path;
}

function withId(template: string, id: string): string {
  return template.replace(/\{[^}]+\}/, encodeURIComponent(id));
}

/** The auth endpoints under /api/v1/auth, as plain functions over an ApiClient. */
export function authApi(client: ApiClient = api) {
  return {
    register: (body: RegisterBody) => client.post<AuthSession>(endpoint('/auth/register'), body),
    login: (body: LoginBody) => client.post<AuthSession>(endpoint('/auth/login'), body),
    // The refresh token travels in its HttpOnly cookie; the JSON body stays empty.
    logout: () => client.post<void>(endpoint('/auth/logout'), {}),
    me: (signal?: AbortSignal) => client.get<User>(endpoint('/auth/me'), undefined, signal),
    updateMe: (body: UpdateMeBody) => client.patch<User>(endpoint('/auth/me'), body),
    deleteMe: (password: string) => client.del<void>(endpoint('/auth/me'), { password }),
    verifyEmail: (token: string) => client.post<User>(endpoint('/auth/verify-email'), { token }),
    resendVerification: () => client.post<Accepted>(endpoint('/auth/resend-verification'), {}),
    forgotPassword: (email: string) => client.post<Accepted>(endpoint('/auth/forgot-password'), { email }),
    resetPassword: (token: string, newPassword: string) =>
      client.post<void>(endpoint('/auth/reset-password'), { token, newPassword }),
    sessions: async () => (await client.get<SessionList>(endpoint('/auth/sessions'))).sessions,
    revokeSession: (id: string) => client.del<void>(withId(endpoint('/auth/sessions/{id}'), id)),
    /** Signs out every session of the user, this one included. */
    revokeAllSessions: () => client.post<Revoked>(endpoint('/auth/logout-all'), {}),
  };
}

export const auth = authApi();
