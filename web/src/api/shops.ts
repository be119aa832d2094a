/**
 * Shops (`/api/v1/shops*`), their delivery settings (`/openai-config`), feed summary and sync status.
 *
 * Shapes come from `schema.d.ts` (generated from the server's OpenAPI document). The sync batch and
 * status types below are still written by hand from productsynch-core `sync::BatchView` /
 * `sync::SyncStatusView` (their API schemas carry plain strings where these carry the state names).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { endpoint } from './auth';
import { api, type ApiClient } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];

export type CreateShopBody = Schemas['CreateShop'];
export type OpenAiConfig = Schemas['OpenAiConfig'];
export type OpenAiConfigInput = Schemas['OpenAiConfigInput'];
export type DeliveryPush = Schemas['Push'];
export type FeedPreview = Schemas['FeedPreview'];
export type FeedSummary = Schemas['FeedSummary'];
export type RotatedToken = Schemas['RotatedToken'];

/** `SyncStatus` of productsynch-db (SCREAMING_SNAKE_CASE). */
export type ShopSyncStatus = Schemas['SyncState'];
export type SyncType = 'FULL' | 'INCREMENTAL' | 'SINGLE_PRODUCT' | 'MANUAL';

export type SellerSettings = Schemas['SellerSettings'];
/** productsynch-core `products::feed::FeedSettings`. */
export type FeedSettings = Schemas['FeedSettings'];

/** The WooCommerce settings read at connection (productsynch-woo `StoreSettings`, snake_case). */
export interface StoreSettings {
  currency?: string;
  country?: string | null;
  state?: string | null;
  weight_unit?: string;
  dimension_unit?: string;
}

/**
 * productsynch-core `shops::ShopView`: a shop, never its secrets. `storeSettings` is raw WooCommerce
 * JSON (an untyped object in the API document), narrowed here to the members the pages read.
 */
export type Shop = Omit<Schemas['Shop'], 'storeSettings'> & { storeSettings?: StoreSettings | null };

/** productsynch-core `sync::BatchView`. */
export interface SyncBatch {
  id: string;
  status: ShopSyncStatus;
  syncType: SyncType;
  triggeredBy: string | null;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
  pagesDone: number;
  totalPages: number;
  startedAt: string | null;
  completedAt: string | null;
  durationMs: number | null;
  errors: unknown;
  jobId: string | null;
}

/** productsynch-core `sync::SyncStatusView`. */
export interface ShopSyncState {
  shopId: string;
  syncStatus: ShopSyncStatus;
  syncEnabled: boolean;
  isConnected: boolean;
  lastSyncAt: string | null;
  current: SyncBatch | null;
  last: SyncBatch | null;
  nextScheduledAt: string | null;
  productCount: number;
}

/** `POST /shops` answers `{authUrl, shopId}` (wc-auth) or `{shopId, shop}` (keys given). */
export type ConnectResult = Schemas['ConnectStart'] | (Omit<Schemas['ShopConnected'], 'shop'> & { shop: Shop });
/** `POST /shops/{id}/verify`. */
export type ShopVerified = Omit<Schemas['ShopVerified'], 'shop'> & { shop: Shop };

/** `PATCH /shops/{id}`: `undefined` leaves a value as it is, `''` clears a text value. */
export interface ShopPatch {
  shopName?: string;
  syncEnabled?: boolean;
  sellerName?: string;
  sellerUrl?: string;
  privacyPolicy?: string;
  termsOfService?: string;
  returnPolicy?: string;
  returnWindow?: number;
  feed?: FeedSettings;
}

export type ShopState = 'connected' | 'disconnected' | 'pending';

/**
 * What the merchant sees: `connected`; `pending` while the store was never authorized (no keys
 * yet); `disconnected` when keys existed and stopped working.
 */
export function shopState(shop: Pick<Shop, 'isConnected' | 'consumerKeyHint'>): ShopState {
  if (shop.isConnected) return 'connected';
  return shop.consumerKeyHint ? 'disconnected' : 'pending';
}

/** A batch still queued or running. */
export function batchRunning(b: SyncBatch | null | undefined): boolean {
  return b?.status === 'PENDING' || b?.status === 'SYNCING';
}

/** Percent of the batch's pages done, or null while the total is unknown. */
export function batchPercent(b: SyncBatch | null | undefined): number | null {
  if (!b) return null;
  if (b.status === 'COMPLETED') return 100;
  if (!b.totalPages) return null;
  return Math.max(0, Math.min(100, Math.round((b.pagesDone / b.totalPages) * 100)));
}

/** Clock differences between browser and server are tolerated up to this much. */
const CLOCK_SLACK_MS = 5 * 60_000;

/**
 * The initial sync is done when no batch is queued or running and the latest finished batch ended
 * after the connection started (any finished batch when that moment is unknown).
 */
export function initialSyncDone(status: ShopSyncState | undefined, since: number | null): boolean {
  if (!status || batchRunning(status.current) || !status.last) return false;
  if (since === null) return true;
  const end = Date.parse(status.last.completedAt ?? status.last.startedAt ?? '');
  return Number.isFinite(end) && end >= since - CLOCK_SLACK_MS;
}
/** "250 new, 3 updated, 40 unchanged, 1 removed, 2 failed" (zero counts left out, except new). */
export function batchSummary(b: Pick<SyncBatch, 'created' | 'updated' | 'unchanged' | 'deleted' | 'failed'>): string {
  const parts = [`${b.created.toLocaleString()} new`];
  if (b.updated) parts.push(`${b.updated.toLocaleString()} updated`);
  if (b.unchanged) parts.push(`${b.unchanged.toLocaleString()} unchanged`);
  if (b.deleted) parts.push(`${b.deleted.toLocaleString()} removed`);
  if (b.failed) parts.push(`${b.failed.toLocaleString()} failed`);
  return parts.join(', ');
}

const id = (template

: string, shopId: string) => template.replace('{id}', encodeURIComponent(shopId));

/** The shop endpoints as plain functions over an ApiClient. */
export function shopsApi(client: ApiClient = api) {
  return {
    list: async (signal?: AbortSignal) => (await client.get<{ shops: Shop[] }>(endpoint('/shops'), undefined, signal)).shops,
    get: (shopId: string, signal?: AbortSignal) => client.get<Shop>(id(endpoint('/shops/{id}'), shopId), undefined, signal),
    create: (body: CreateShopBody) => client.post<ConnectResult>(endpoint('/shops'), body),
    update: (shopId: string, body: ShopPatch) => client.patch<Shop>(id(endpoint('/shops/{id}'), shopId), body),
    remove: (shopId: string) => client.del<void>(id(endpoint('/shops/{id}'), shopId)),
    verify: (shopId: string) =>
      client.post<ShopVerified>(id(endpoint('/shops/{id}/verify'), shopId), {}),
    syncStatus: (shopId: string, signal?: AbortSignal) =>
      client.get<ShopSyncState>(id(endpoint('/shops/{id}/sync/status'), shopId), undefined, signal),
    deliveryConfig: (shopId: string, signal?: AbortSignal) =>
      client.get<OpenAiConfig>(id(endpoint('/shops/{id}/openai-config'), shopId), undefined, signal),
    saveDeliveryConfig: (shopId: string, body: OpenAiConfigInput) =>
      client.put<OpenAiConfig>(id(endpoint('/shops/{id}/openai-config'), shopId), body),
    rotateToken: (shopId: string) => client.post<RotatedToken>(id(endpoint('/shops/{id}/feed/rotate-token'), shopId), {}),
    feedPreview: (shopId: string, signal?: AbortSignal) =>
      client.get<FeedPreview>(id(endpoint('/shops/{id}/feed/preview'), shopId), { limit: 1 }, signal),
  };
}

export const shopKeys = {
  all: ['shops'] as const,
  list: ['shops', 'list'] as const,
  shop: (shopId: string) => ['shops', shopId] as const,
  syncStatus: (shopId: string) => ['shops', shopId, 'sync-status'] as const,
  delivery: (shopId: string) => ['shops', shopId, 'openai-config'] as const,
  feedPreview: (shopId: string) => ['shops', shopId, 'feed-preview'] as const,
};

export function useShops(client: ApiClient = api) {
  return useQuery({ queryKey: shopKeys.list, queryFn: ({ signal }) => shopsApi(client).list(signal) });
}

/** One shop of the user (the shop pages share it through the cache). */
export function useShop(shopId: string | undefined, client: ApiClient = api) {
  return useQuery({
    queryKey: shopKeys.shop(shopId ?? ''),
    enabled: Boolean(shopId),
    queryFn: ({ signal }) => shopsApi(client).get(shopId ?? '', signal),
  });
}

/**
 * The shop's sync status. With `poll`, refetched every `intervalMs` while a batch is queued or
 * running (and, with `poll: 'always'`, also while none has started yet).
 */
export function useShopSyncStatus(
  shopId: string | undefined,
  { poll = false, intervalMs = 1500, client = api }: { poll?: boolean | 'always'; intervalMs?: number; client?: ApiClient } = {},
) {
  return useQuery({
    queryKey: shopKeys.syncStatus(shopId ?? ''),
    enabled: Boolean(shopId),
    queryFn: ({ signal }) => shopsApi(client).syncStatus(shopId ?? '', signal),
    refetchInterval: (q) => {
      if (!poll) return false;
      if (poll === 'always') return intervalMs;
      return batchRunning(q.state.data?.current) ? intervalMs : false;
    },
    refetchIntervalInBackground: false,
  });
}

export function useDeliveryConfig(shopId: string | undefined, client: ApiClient = api) {
  return useQuery({
    queryKey: shopKeys.delivery(shopId ?? ''),
    enabled: Boolean(shopId),
    queryFn: ({ signal }) => shopsApi(client).deliveryConfig(shopId ?? '', signal),
  });
}

export function useFeedSummary(shopId: string | undefined, client: ApiClient = api) {
  return useQuery({
    queryKey: shopKeys.feedPreview(shopId ?? ''),
    enabled: Boolean(shopId),
    queryFn: ({ signal }) => shopsApi(client).feedPreview(shopId ?? '', signal),
  });
}

/** Keeps the list and the shop's own entry in step with a fresh shop from the server. */
function useStoreShop() {
  const qc = useQueryClient();
  return (shop: Shop) => {
    qc.setQueryData(shopKeys.shop(shop.id), shop);
    void qc.invalidateQueries({ queryKey: shopKeys.list });
  };
}

export function useConnectShop(client: ApiClient = api) {
  const store = useStoreShop();
  return useMutation({
    mutationFn: (body: CreateShopBody) => shopsApi(client).create(body),
    onSuccess: (r) => {
      if ('shop' in r) store(r.shop);
    },
  });
}

export function useUpdateShop(shopId: string, client: ApiClient = api) {
  const store = useStoreShop();
  return useMutation({
    mutationFn: (body: ShopPatch) => shopsApi(client).update(shopId, body),
    onSuccess: store,
  });
}

export function useVerifyShop(shopId: string, client: ApiClient = api) {
  const store = useStoreShop();
  return useMutation({
    mutationFn: () => shopsApi(client).verify(shopId),
    onSuccess: (r) => store(r.shop),
  });
}

export function useDisconnectShop(shopId: string, client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => shopsApi(client).remove(shopId),
    onSuccess: () => {
      // After the pages of the shop have been left (the caller navigates away first).
      setTimeout(() => qc.removeQueries({ queryKey: shopKeys.shop(shopId) }), 0);
      qc.setQueryData<Shop[]>(shopKeys.list, (list) => list?.filter((s) => s.id !== shopId));
      void qc.invalidateQueries({ queryKey: shopKeys.list });
    },
  });
}

export function useSaveDeliveryConfig(shopId: string, client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: OpenAiConfigInput) => shopsApi(client).saveDeliveryConfig(shopId, body),
    onSuccess: (cfg) => qc.setQueryData(shopKeys.delivery(shopId), cfg),
  });
}

export function useRotateFeedToken(shopId: string, client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => shopsApi(client).rotateToken(shopId),
    onSuccess: ({ hostedUrl }) =>
      qc.setQueryData<OpenAiConfig>(shopKeys.delivery(shopId), (cfg) => (cfg ? { ...cfg, hostedUrl } : cfg)),
  });
}
