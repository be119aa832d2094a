/**
 * Products of a shop (`/api/v1/shops/{id}/products*`): list, detail, manual edits, feed preview,
 * bulk actions, as typed functions and TanStack Query hooks.
 *
 * The OpenAPI document does not describe these bodies yet (the routes answer free-form JSON), so
 * the shapes below mirror `productsynch-core::products` by hand; the paths themselves are checked
 * against the OpenAPI document by `endpoint()`.
 */
import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { endpoint } from './auth';
import { api, type ApiClient, type Query } from './client';

export type ProductStatus = 'DRAFT' | 'PENDING_REVIEW' | 'APPROVED' | 'SYNCED' | 'EXCLUDED' | 'ERROR';
export type ProductSyncStatus = 'PENDING' | 'SYNCING' | 'COMPLETED' | 'FAILED' | 'PAUSED';

/** A product in a list (`ProductSummary`). */
export interface ProductSummary {
  id: string;
  wooProductId: number;
  title: string;
  sku: string | null;
  imageUrl: string | null;
  price: string | null;
  availability: string | null;
  status: ProductStatus;
  syncStatus: ProductSyncStatus;
  /** Present when the server tracks AI enrichment (the column is shown only then). */
  aiEnriched?: boolean;
  manualOverride: boolean;
  isValid: boolean;
  feedEnableSearch: boolean;
  feedEnableCheckout: boolean;
  lastSyncedAt: string | null;
  updatedAt: string;
  /** Not sent by the server today; shown when it is. */
  variationCount?: number;
  /** Not sent by the server today; shown when it is. */
  issueCount?: number;
}

export interface Pagination {
  page: number;
  limit: number;
  total: number;
  totalPages: number;
}

export interface ProductPage {
  products: ProductSummary[];
  pagination: Pagination;
}

/** Filters and paging of `GET /products` (what `ProductQuery` accepts). */
export interface ProductQuery {
  page?: number;
  limit?: number;
  search?: string;
  status?: string;
  syncStatus?: string;
  availability?: string;
  aiEnriched?: boolean;
  valid?: boolean;
  hasOverrides?: boolean;
  category?: string;
  sort?: string;
}

export interface QAndA {
  q: string;
  a: string;
}

/** `{itemId, field, code, severity, message}` of one validation finding. */
export interface FeedIssue {
  itemId?: string | null;
  field: string;
  code: string;
  severity: 'error' | 'warning' | 'info' | string;
  message: string;
}

/** One feed item as sent (canonical field names; values are JSON as the feed writes them). */
export type FeedItemJson = Record<string, unknown>;

export interface WooData {
  id: number;
  type: string | null;
  title: string;
  description: string | null;
  shortDescription: string | null;
  sku: string | null;
  price: string | null;
  regularPrice: string | null;
  salePrice: string | null;
  stockStatus: string | null;
  stockQuantity: number | null;
  categories: unknown;
  images: unknown;
  attributes: unknown;
  permalink: string | null;
  modifiedAt: string | null;
}

export interface AiData {
  enriched: boolean;
  title: string | null;
  description: string | null;
  keywords: string[] | null;
  qAndA: QAndA[] | null;
  suggestedCategory: string | null;
  enrichedAt: string | null;
}

export interface ManualData {
  manualTitle: string | null;
  manualDescription: string | null;
  manualCategory: string | null;
  manualKeywords: string[] | null;
  manualQAndA: QAndA[] | null;
  /** Other feed fields by canonical name (`brand`, `gtin`, …). */
  fields: Record<string, unknown>;
  excluded: boolean;
  editedAt: string | null;
}

export interface ProductVariant {
  id: string;
  wooVariationId: number;
  sku: string | null;
  price: string | null;
  stockStatus: string | null;
  stockQuantity: number | null;
  attributes: unknown;
}

export interface SyncEvent {
  topic: string;
  status: string;
  receivedAt: string;
  processedAt: string | null;
  error: string | null;
}

/** `GET /products/{pid}` (and the answer of `PATCH`). */
export interface ProductDetail {
  product: ProductSummary;
  woo: WooData;
  /** Absent or `enriched: false` with no values when the product has no AI data. */
  ai?: AiData | null;
  manual: ManualData;
  variants: ProductVariant[];
  feedItems: FeedItemJson[];
  isValid: boolean;
  validationIssues: FeedIssue[];
  syncHistory: SyncEvent[];
  lastSyncedAt: string | null;
  syncError: string | null;
}

/** `GET /products/{pid}/preview-feed`. */
export interface FeedPreview {
  productId: string;
  items: FeedItemJson[];
  isValid: boolean;
  issues: FeedIssue[];
  excluded: boolean;
}

/** `PATCH /products/{pid}`: absent keys stay; `null` clears (falls back to AI, then store). */
export interface ProductPatch {
  manualTitle?: string | null;
  manualDescription?: string | null;
  manualCategory?: string | null;
  manualKeywords?: string[] | null;
  manualQAndA?: QAndA[] | null;
  fields?: Record<string, unknown>;
  feedEnableSearch?: boolean;
  feedEnableCheckout?: boolean;
  excluded?: boolean;
}

export type BulkActionName =
  | 'include'
  | 'exclude'
  | 'enable_search'
  | 'disable_search'
  | 'enable_checkout'
  | 'disable_checkout'
  | 'reset_overrides';

/** Either the selected ids or every product matching a filter. */
export type BulkTarget = { ids: string[] } | { filter: ProductQuery };

export interface BulkRequest {
  action: BulkActionName;
  ids?: string[];
  filter?: ProductQuery;
}

/** `{action, affected}` when done at once; a job id when the server queued the work. */
export interface BulkResult {
  action?: string;
  /** Products matching the ids or filter when the request arrived. */
  matched?: number;
  /** Products changed (when done at once). */
  affected?: number | null;
  jobId?: string | null;
  job?: { id: string };
}

/** The job a bulk answer points at, if the server queued the work. */
export function bulkJobId(r: BulkResult | undefined | null): string | null {
  if (!r) return null;
  if (typeof r.jobId === 'string' && r.jobId) return r.jobId;
  if (r.job && typeof r.job.id === 'string') return r.job.id;
  return null;
}

/** The shop fields the product pages need (`GET /shops/{id}`). */
export interface ShopCurrency {
  id: string;
  currency: string;
}

function path(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, k: string) => encodeURIComponent(params[k] ?? ''));
}

/** The query a `ProductQuery` becomes (empty values dropped). */
export function productQueryParams(q: ProductQuery): Query {
  const out: Query = {};
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    out[k] = v as string | number | boolean;
  }
  return out;
}

/** Bulk filters are the list filters without paging and order. */
export function bulkFilter(q: ProductQuery): ProductQuery {
  const { page: _page, limit: _limit, sort: _sort, ...rest } = q;
  void _page;
  void _limit;
  void _sort;
  const out: ProductQuery = {};
  for (const [k, v] of Object.entries(rest)) {
    if (v !== undefined && v !== null && v !== '') (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export function productsApi(client: ApiClient = api) {
  return {
    list: (shopId: string, q: ProductQuery, signal?: AbortSignal) =>
      client.get<ProductPage>(path(endpoint('/shops/{id}/products'), { id: shopId }), productQueryParams(q), signal),
    get: (shopId: string, productId: string, signal?: AbortSignal) =>
      client.get<ProductDetail>(path(endpoint('/shops/{id}/products/{pid}'), { id: shopId, pid: productId }), undefined, signal),
    patch: (shopId: string, productId: string, body: ProductPatch) =>
      client.patch<ProductDetail>(path(endpoint('/shops/{id}/products/{pid}'), { id: shopId, pid: productId }), body),
    preview: (shopId: string, productId: string, signal?: AbortSignal) =>
      client.get<FeedPreview>(
        path(endpoint('/shops/{id}/products/{pid}/preview-feed'), { id: shopId, pid: productId }),
        undefined,
        signal,
      ),
    bulk: (shopId: string, body: BulkRequest) =>
      client.post<BulkResult>(path(endpoint('/shops/{id}/products/bulk'), { id: shopId }), body),
    shop: (shopId: string, signal?: AbortSignal) =>
      client.get<ShopCurrency>(path(endpoint('/shops/{id}'), { id: shopId }), undefined, signal),
  };
}

export const productKeys = {
  all: (shopId: string) => ['products', shopId] as const,
  lists: (shopId: string) => ['products', shopId, 'list'] as const,
  list: (shopId: string, q: ProductQuery) => ['products', shopId, 'list', productQueryParams(q)] as const,
  detail: (shopId: string, productId: string) => ['products', shopId, 'detail', productId] as const,
  preview: (shopId: string, productId: string) => ['products', shopId, 'preview', productId] as const,
  shop: (shopId: string) => ['products', shopId, 'shop'] as const,
};

/** One page of products. The previous page stays on screen while the next one loads. */
export function useProducts(shopId: string, q: ProductQuery, client: ApiClient = api) {
  return useQuery({
    queryKey: productKeys.list(shopId, q),
    queryFn: ({ signal }) => productsApi(client).list(shopId, q, signal),
    placeholderData: keepPreviousData,
    enabled: Boolean(shopId),
  });
}

export function useProduct(shopId: string, productId: string, client: ApiClient = api) {
  return useQuery({
    queryKey: productKeys.detail(shopId, productId),
    queryFn: ({ signal }) => productsApi(client).get(shopId, productId, signal),
    enabled: Boolean(shopId && productId),
  });
}

export function useFeedPreview(shopId: string, productId: string, client: ApiClient = api) {
  return useQuery({
    queryKey: productKeys.preview(shopId, productId),
    queryFn: ({ signal }) => productsApi(client).preview(shopId, productId, signal),
    enabled: Boolean(shopId && productId),
  });
}

/** The shop's currency, for prices (the store's prices carry none). */
export function useShopCurrency(shopId: string, client: ApiClient = api) {
  return useQuery({
    queryKey: productKeys.shop(shopId),
    queryFn: ({ signal }) => productsApi(client).shop(shopId, signal),
    select: (s) => (typeof s?.currency === 'string' && s.currency ? s.currency : null),
    enabled: Boolean(shopId),
    staleTime: 5 * 60_000,
  });
}

/** The preview a product detail implies (the PATCH answer carries it). */
export function previewFromDetail(d: ProductDetail): FeedPreview {
  return {
    productId: d.product.id,
    items: d.feedItems,
    isValid: d.isValid,
    issues: d.validationIssues,
    excluded: d.manual.excluded,
  };
}

function storeDetail(qc: QueryClient, shopId: string, productId: string, d: ProductDetail) {
  qc.setQueryData(productKeys.detail(shopId, productId), d);
  qc.setQueryData(productKeys.preview(shopId, productId), previewFromDetail(d));
}

/** Saves manual edits; the answer (with its new feed preview) replaces the cached product. */
export function usePatchProduct(shopId: string, productId: string, client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ProductPatch) => productsApi(client).patch(shopId, productId, body),
    onSuccess: (d) => {
      storeDetail(qc, shopId, productId, d);
      void qc.invalidateQueries({ queryKey: productKeys.preview(shopId, productId) });
      void qc.invalidateQueries({ queryKey: productKeys.lists(shopId) });
    },
  });
}

type ListSnapshot = [readonly unknown[], ProductPage | undefined][];

/**
 * Excludes one product from the feed (or includes it back) from the list. The row changes at
 * once; if the server refuses, every list goes back to what it was.
 */
export function useSetExcluded(shopId: string, client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ productId, excluded }: { productId: string; excluded: boolean }) =>
      productsApi(client).patch(shopId, productId, { excluded }),
    onMutate: async ({ productId, excluded }): Promise<{ snapshot: ListSnapshot }> => {
      await qc.cancelQueries({ queryKey: productKeys.lists(shopId) });
      const snapshot = qc.getQueriesData<ProductPage>({ queryKey: productKeys.lists(shopId) }) as ListSnapshot;
      qc.setQueriesData<ProductPage>({ queryKey: productKeys.lists(shopId) }, (page) =>
        page
          ? {
              ...page,
              products: page.products.map((p) =>
                p.id === productId
                  ? { ...p, status: excluded ? 'EXCLUDED' : p.isValid ? 'SYNCED' : 'ERROR' }
                  : p,
              ),
            }
          : page,
      );
      return { snapshot };
    },
    onError: (_e, _v, ctx) => {
      for (const [key, data] of ctx?.snapshot ?? []) qc.setQueryData(key, data);
    },
    onSuccess: (d, { productId }) => storeDetail(qc, shopId, productId, d),
    onSettled: () => qc.invalidateQueries({ queryKey: productKeys.lists(shopId) }),
  });
}

/** A bulk action over ids or a filter. When it finishes at once, lists and products refresh. */
export function useBulkAction(shopId: string, client: ApiClient = api) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ action, target }: { action: BulkActionName; target: BulkTarget }) =>
      productsApi(client).bulk(shopId, {
        action,
        ...('ids' in target ? { ids: target.ids } : { filter: bulkFilter(target.filter) }),
      }),
    onSuccess: (r) => {
      if (!bulkJobId(r)) void qc.invalidateQueries({ queryKey: productKeys.all(shopId) });
    },
  });
}

/** Refreshes everything cached about a shop's products (after a bulk job finished). */
export function invalidateProducts(qc: QueryClient, shopId: string) {
  return qc.invalidateQueries({ queryKey: productKeys.all(shopId) });
}
