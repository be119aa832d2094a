/**
 * The API's shapes the app uses, taken from `schema.d.ts` (generated from the server's
 * `/api/v1/openapi.json` by `npm run gen:api`): a change in the API breaks the type check.
 */
import type { components, paths } from './schema';

type Schemas = components['schemas'];

export type User = Schemas['User'];
export type SubscriptionTier = Schemas['Tier'];
export type AuthSession = Schemas['AuthResponse'];
export type Session = Schemas['Session'];
export type SessionList = Schemas['SessionList'];
export type Accepted = Schemas['Accepted'];
export type Revoked = Schemas['Revoked'];
export type Job = Schemas['Job'];
export type ProblemBody = Schemas['Problem'];

export type RegisterBody = Schemas['RegisterRequest'];
export type LoginBody = Schemas['LoginRequest'];
export type UpdateMeBody = Schemas['UpdateMeRequest'];

/** Every documented path, e.g. to check at compile time that an endpoint the app calls exists. */
export type ApiPath = keyof paths;
