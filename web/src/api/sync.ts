/**
 * Sync, feed and delivery endpoints of one shop:
 * `GET /shops/{id}/sync/status`, `POST /shops/{id}/sync`, `GET /shops/{id}/sync/history`,
 * `POST /shops/{id}/sync/push`, `GET /shops/{id}/feed/{preview,files,pushes}`,
 * `GET /shops/{id}/openai-config` and the download URL of `GET /shops/{id}/feed/download`.
 *
 * Every shape comes from `schema.d.ts` (the server's OpenAPI document); the sync states, which
 * the document gives as plain strings, are narrowed to the values the server sends.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { endpoint } from './auth';
import { API_BASE, api, type ApiClient } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type FeedPreview = Schemas['FeedPreview'];
export type FeedSummary = Schemas['FeedSummary'];
export type FeedFile = Schemas['FeedFile'];
export type Push = Schemas['Push'];
export type OpenAiConfig = Schemas['OpenAiConfig'];
export type PushAccepted = Schemas['PushAccepted'];

/** A shop's (or batch's) sync state, as the server spells it. */
export type SyncState = 'PENDING' | 'SYNCING' | 'COMPLETED' | 'FAILED' | 'PAUSED';
export type SyncKind = 'FULL' | 'INCREMENTAL' | 'SINGLE_PRODUCT' | 'MANUAL';

/** One per-product error kept on a batch (`wooProductId` is null for batch-level failures). */
export interface SyncError {
  wooProductId?: number | null;
  message: string;
  at?: string;
}

/** A sync batch (`SyncBatch` of the API) with its state names narrowed. */
export type SyncBatch = Omit<Schemas['SyncBatch'], 'status' | 'syncType' | 'errors'> & {
  status: SyncState;
  syncType: SyncKind;
  /** `[{wooProductId, message, at}]` as stored; read it through `batchErrors`. */
  errors: unknown;
};

/** `GET /shops/{id}/sync/status` with its state names narrowed. */
export type SyncStatus = Omit<Schemas['SyncStatus'], 'syncStatus' | 'current' | 'last'> & {
  syncStatus: SyncState;
  /** The batch queued or running now, if any. */
  current?: SyncBatch | null;
  /** The newest finished batch. */
  last?: SyncBatch | null;
};

export interface SyncAccepted {
  jobId: string;
  /** False when a sync of the shop was already queued or running: that job is returned. */
  created: boolean;
}

/** Every format `GET /feed/download` serves (parquet is refused there). */
export const FEED_FORMATS = [
  { format: 'jsonl.gz', label: 'JSONL (gzip)', note: 'What ChatGPT receives' },
  { format: 'jsonl', label: 'JSONL' },
  { format: 'json', label: 'JSON' },
  { format: 'csv', label: 'CSV' },
  { format: 'csv.gz', label: 'CSV (gzip)' },
  { format: 'tsv', label: 'TSV' },
  { format: 'tsv.gz', label: 'TSV (gzip)' },
  { format: 'xml', label: 'XML' },
  { format: 'xml.gz', label: 'XML (gzip)' },
] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number]['format'];

const shopPath = (template: string, shopId: string) => template.replace('{id}', encodeURIComponent(shopId));

/** Same-origin link that downloads the feed in `format` (the session cookie authenticates it). */
export function feedDownloadUrl(shopId: string, format: FeedFormat): string {
  return `${API_BASE}${shopPath(endpoint('/shops/{id}/feed/download'), shopId)}?format=${encodeURIComponent(format)}`;
}

/** The errors of a batch as a list, whatever the server stored. */
export function batchErrors(batch: Pick<SyncBatch, 'errors'> | null | undefined): SyncError[] {
  const raw = batch?.errors;
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .map((e) => ({
      wooProductId: typeof e.wooProductId === 'number' ? e.wooProductId : null,
      message: typeof e.message === 'string' ? e.message : JSON.stringify(e),
      at: typeof e.at === 'string' ? e.at : undefined,
    }));
}

/** Percent of pages done of a running batch, or null before the store told the page count. */
export function batchPercent(batch: SyncBatch | null | undefined): number | null {
  if (!batch || !batch.totalPages) return null;
  return Math.max(0, Math.min(100, Math.round((batch.pagesDone / batch.totalPages) * 100)));
}

/** A sync of the shop is under way (or about to start) as far as the status tells. */
export function syncActive(s: SyncStatus | undefined): boolean {
  if (!s) return false;
  if (s.current) return true;
  // A connected shop that was never synced is PENDING until its first batch starts.
  return s.isConnected && (s.syncStatus === 'SYNCING' || (s.syncStatus === 'PENDING' && !s.lastSyncAt));
}

export function syncApi(client: ApiClient = api) {
  return {
    status: (shopId: string, signal?: AbortSignal) =>
      client.get<SyncStatus>(shopPath(endpoint('/shops/{id}/sync/status'), shopId), undefined, signal),
    history: async (shopId: string, limit = 20, signal?: AbortSignal) =>
      (await client.get<{ batches: SyncBatch[] }>(shopPath(endpoint('/shops/{id}/sync/history'), shopId), { limit }, signal))
        .batches,
    trigger: (shopId: string, type: 'FULL' | 'INCREMENTAL' = 'FULL') =>
      client.post<SyncAccepted>(shopPath(endpoint('/shops/{id}/sync'), shopId), { type }),
    push: (shopId: string) => client.post<PushAccepted>(shopPath(endpoint('/shops/{id}/sync/push'), shopId), {}),
    pushes: async (shopId: string, limit = 20, signal?: AbortSignal) =>
      (await client.get<Schemas['Pushes']>(shopPath(endpoint('/shops/{id}/feed/pushes'), shopId), { limit }, signal)).pushes,
    preview: (shopId: string, limit = 10, signal?: AbortSignal) =>
      client.get<FeedPreview>(shopPath(endpoint('/shops/{id}/feed/preview'), shopId), { limit }, signal),
    files: async (shopId: string, limit = 10, signal?: AbortSignal) =>
      (await client.get<Schemas['FeedFiles']>(shopPath(endpoint('/shops/{id}/feed/files'), shopId), { limit }, signal)).files,
    deliveryConfig: (shopId: string, signal?: AbortSignal) =>
      client.get<OpenAiConfig>(shopPath(endpoint('/shops/{id}/openai-config'), shopId), undefined, signal),
  };
}

/** Query keys: everything of one shop's sync page lives under ['sync', shopId]. */
export const syncKeys = {
  all: (shopId: string) => ['sync', shopId] as const,
  status: (shopId: string) => ['sync', shopId, 'status'] as const,
  history: (shopId: string, limit: number) => ['sync', shopId, 'history', limit] as const,
  pushes: (shopId: string, limit: number) => ['sync', shopId, 'pushes', limit] as const,
  preview: (shopId: string, limit: number) => ['sync', shopId, 'preview', limit] as const,
  files: (shopId: string, limit: number) => ['sync', shopId, 'files', limit] as const,
  delivery: (shopId: string) => ['sync', shopId, 'delivery'] as const,
};

export interface PollOptions {
  /** Poll interval while something is under way. */
  intervalMs?: number;
  /** Keep polling even when the answer shows nothing under way (a job was just queued). */
  forcePoll?: boolean;
  client?: ApiClient;
}

/** The shop's sync status, polled every `intervalMs` while a batch is queued or running. */
export function useSyncStatus(shopId: string, { intervalMs = 1500, forcePoll = false, client = api }: PollOptions = {}) {
  return useQuery({
    queryKey: syncKeys.status(shopId),
    queryFn: ({ signal }) => syncApi(client).status(shopId, signal),
    staleTime: 0,
    refetchInterval: (q) => (forcePoll || syncActive(q.state.data) ? intervalMs : false),
  });
}

export function useSyncHistory(shopId: string, { limit = 20, client = api }: { limit?: number; client?: ApiClient } = {}) {
  return useQuery({
    queryKey: syncKeys.history(shopId, limit),
    queryFn: ({ signal }) => syncApi(client).history(shopId, limit, signal),
  });
}

/** Push attempts, newest first, polled while one is running (or `forcePoll`). */
export function usePushes(shopId: string, { limit = 20, intervalMs = 1500, forcePoll = false, client = api }: PollOptions & { limit?: number } = {}) {
  return useQuery({
    queryKey: syncKeys.pushes(shopId, limit),
    queryFn: ({ signal }) => syncApi(client).pushes(shopId, limit, signal),
    refetchInterval: (q) => (forcePoll || (q.state.data ?? []).some((p) => p.status === 'running') ? intervalMs : false),
  });
}

export function useFeedPreview(shopId: string, { limit = 10, client = api }: { limit?: number; client?: ApiClient } = {}) {
  return useQuery({
    queryKey: syncKeys.preview(shopId, limit),
    queryFn: ({ signal }) => syncApi(client).preview(shopId, limit, signal),
  });
}

export function useFeedFiles(shopId: string, { limit = 10, client = api }: { limit?: number; client?: ApiClient } = {}) {
  return useQuery({
    queryKey: syncKeys.files(shopId, limit),
    queryFn: ({ signal }) => syncApi(client).files(shopId, limit, signal),
  });
}

export function useDeliveryConfig(shopId: string, client: ApiClient = api) {
  return useQuery({
    queryKey: syncKeys.delivery(shopId),
    queryFn: ({ signal }) => syncApi(client).deliveryConfig(shopId, signal),
  });
}

/** Queues a sync now (the server returns the live job when one is already queued or running). */
export function useTriggerSync(shopId: string, client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (type: 'FULL' | 'INCREMENTAL' = 'FULL') => syncApi(client).trigger(shopId, type),
    onSuccess: () => qc.invalidateQueries({ queryKey: syncKeys.status(shopId) }),
  });
}

/** Queues a push of the feed by the configured delivery method. */
export function usePushNow(shopId: string, client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => syncApi(client).push(shopId),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['sync', shopId, 'pushes'] }),
  });
}

/** Refetches everything a finished sync or push changes (history, feed, files, pushes, status). */
export function useRefreshShopSync(shopId: string) {
  const qc = useQueryClient();
  return useCallback(() => qc.invalidateQueries({ queryKey: syncKeys.all(shopId) }), [qc, shopId]);
}
