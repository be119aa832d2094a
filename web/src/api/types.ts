/**
 * The API's shapes the app uses. Filled from `schema.d.ts` (generated from
 * `/api/v1/openapi.json` by `npm run gen:api`) so a change in the API breaks the type check.
 */
export type SubscriptionTier = 'free' | 'starter' | 'pro' | 'enterprise';

export interface User {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  tier: SubscriptionTier;
  createdAt?: string;
}

export interface AuthSession {
  user: User;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface Session {
  id: string;
  createdAt: string;
  lastUsedAt?: string | null;
  expiresAt: string;
  userAgent?: string | null;
  ip?: string | null;
  current: boolean;
}

export interface RegisterBody {
  email: string;
  password: string;
  name?: string;
}
export interface LoginBody {
  email: string;
  password: string;
}
export interface UpdateMeBody {
  name?: string;
  currentPassword?: string;
  newPassword?: string;
}

export interface SessionList {
  sessions: Session[];
}
export interface Accepted {
  message: string;
}
export interface Revoked {
  revoked: number;
}
