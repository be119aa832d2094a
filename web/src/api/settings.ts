/**
 * The signed-in user's email notification preferences: `GET` / `PATCH /auth/me/settings`.
 * Shapes come from `schema.d.ts` (the server's OpenAPI document).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { endpoint } from './auth';
import { api, type ApiClient } from './client';
import type { components } from './schema';

export type UserSettings = components['schemas']['UserSettings'];
/** A change: members left out keep their value. */
export type UserSettingsPatch = Partial<UserSettings>;

export const settingsKeys = {
  me: ['auth', 'settings'] as const,
};

export function settingsApi(client: ApiClient = api) {
  return {
    get: (signal?: AbortSignal) => client.get<UserSettings>(endpoint('/auth/me/settings'), undefined, signal),
    update: (patch: UserSettingsPatch) => client.patch<UserSettings>(endpoint('/auth/me/settings'), patch),
  };
}

export function useUserSettings(client: ApiClient = api) {
  return useQuery({ queryKey: settingsKeys.me, queryFn: ({ signal }) => settingsApi(client).get(signal) });
}

/**
 * Saves a change optimistically: the cache shows it at once and goes back to what it was when the
 * server refuses it (the caller tells the user through `onError`).
 */
export function useUpdateUserSettings(client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: UserSettingsPatch) => settingsApi(client).update(patch),
    onMutate: async (patch) => {
      await qc.cancelQueries({ queryKey: settingsKeys.me });
      const previous = qc.getQueryData<UserSettings>(settingsKeys.me);
      if (previous) qc.setQueryData<UserSettings>(settingsKeys.me, { ...previous, ...patch });
      return { previous };
    },
    onError: (_e, _patch, ctx) => {
      if (ctx?.previous) qc.setQueryData(settingsKeys.me, ctx.previous);
    },
    onSuccess: (saved) => qc.setQueryData(settingsKeys.me, saved),
  });
}
