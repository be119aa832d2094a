/**
 * The dashboard's data: the user's shops and, per shop, its sync status, feed summary, recent
 * pushes and syncs, and a sample of invalid products with their validation issues. Every figure
 * on the dashboard is computed here from these API answers; nothing is estimated.
 */
import { useQueries, useQuery } from '@tanstack/react-query';
import { endpoint } from '../../api/auth';
import { api, type ApiClient } from '../../api/client';
import { syncApi, syncKeys, type FeedSummary, type Push, type SyncBatch, type SyncStatus } from '../../api/sync';

/** The fields of a shop (`GET /shops`) the dashboard shows. */
export interface DashboardShop {
  id: string;
  storeUrl: string;
  shopName: string;
  isConnected: boolean;
  connectionError?: string | null;
  syncStatus: SyncStatus['syncStatus'];
  syncEnabled: boolean;
  lastSyncAt?: string | null;
  /** `…abcd` once keys were stored; null while the store's approval is still awaited. */
  consumerKeyHint?: string | null;
}

/** One validation finding of a product (`validationIssues` of `GET /products/{pid}`). */
export interface Issue {
  field: string;
  code: string;
  severity: string;
  message: string;
}

export interface InvalidSample {
  /** Invalid products (status ERROR) of the shop in total. */
  total: number;
  products: { id: string; title: string; issues: Issue[] }[];
}

/** How many invalid products per shop are opened to read their issues. */
export const INVALID_SAMPLE = 5;

const shopPath = (template: string, shopId: string) => template.replace('{id}', encodeURIComponent(shopId));

export function dashboardApi(client: ApiClient = api) {
  return {
    shops: async (signal?: AbortSignal) =>
      (await client.get<{ shops: DashboardShop[] }>(endpoint('/shops'), undefined, signal)).shops,
    invalidSample: async (shopId: string, signal?: AbortSignal): Promise<InvalidSample> => {
      const page = await client.get<{ products: { id: string; title: string }[]; pagination: { total: number } }>(
        shopPath(endpoint('/shops/{id}/products'), shopId),
        { status: 'ERROR', limit: INVALID_SAMPLE, sort: '-updatedAt' },
        signal,
      );
      const products = await Promise.all(
        page.products.map(async (p) => {
          const d = await client.get<{ validationIssues?: unknown }>(
            endpoint('/shops/{id}/products/{pid}').replace('{id}', encodeURIComponent(shopId)).replace('{pid}', encodeURIComponent(p.id)),
            undefined,
            signal,
          );
          return { id: p.id, title: p.title, issues: issuesOf(d.validationIssues) };
        }),
      );
      return { total: page.pagination.total, products };
    },
  };
}

function issuesOf(raw: unknown): Issue[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null)
    .map((i) => ({
      field: String(i.field ?? ''),
      code: String(i.code ?? ''),
      severity: String(i.severity ?? 'error'),
      message: String(i.message ?? ''),
    }));
}

/** Same key and shape as the shops list page, so both share one cache entry. */
export const dashboardKeys = {
  shops: ['shops', 'list'] as const,
  invalid: (shopId: string) => ['dashboard', shopId, 'invalid'] as const,
};

export function useDashboardShops({ enabled = true, client = api }: { enabled?: boolean; client?: ApiClient } = {}) {
  return useQuery({ queryKey: dashboardKeys.shops, enabled, queryFn: ({ signal }) => dashboardApi(client).shops(signal) });
}

export interface ShopData {
  shop: DashboardShop;
  status?: SyncStatus;
  summary?: FeedSummary;
  pushes?: Push[];
  history?: SyncBatch[];
  invalid?: InvalidSample;
  /** Every per-shop query has answered (successfully or not). */
  settled: boolean;
  error: unknown;
}

/** Per-shop queries, in the order of `shops`. */
export function useShopsData(shops: DashboardShop[] | undefined, client: ApiClient = api): ShopData[] {
  const list = shops ?? [];
  const s = syncApi(client);
  const status = useQueries({
    queries: list.map((shop) => ({
      queryKey: syncKeys.status(shop.id),
      queryFn: ({ signal }: { signal: AbortSignal }) => s.status(shop.id, signal),
    })),
  });
  const preview = useQueries({
    queries: list.map((shop) => ({
      queryKey: syncKeys.preview(shop.id, 1),
      queryFn: ({ signal }: { signal: AbortSignal }) => s.preview(shop.id, 1, signal),
    })),
  });
  const pushes = useQueries({
    queries: list.map((shop) => ({
      queryKey: syncKeys.pushes(shop.id, 5),
      queryFn: ({ signal }: { signal: AbortSignal }) => s.pushes(shop.id, 5, signal),
    })),
  });
  const history = useQueries({
    queries: list.map((shop) => ({
      queryKey: syncKeys.history(shop.id, 5),
      queryFn: ({ signal }: { signal: AbortSignal }) => s.history(shop.id, 5, signal),
    })),
  });
  const invalid = useQueries({
    queries: list.map((shop, i) => ({
      queryKey: dashboardKeys.invalid(shop.id),
      // Only shops whose feed summary counts invalid products are asked for them.
      enabled: (preview[i]?.data?.summary.invalid ?? 0) > 0,
      queryFn: ({ signal }: { signal: AbortSignal }) => dashboardApi(client).invalidSample(shop.id, signal),
    })),
  });
  return list.map((shop, i) => {
    const qs = [status[i], preview[i], pushes[i], history[i]];
    return {
      shop,
      status: status[i]?.data,
      summary: preview[i]?.data?.summary,
      pushes: pushes[i]?.data,
      history: history[i]?.data,
      invalid: invalid[i]?.data,
      settled: qs.every((q) => q && !q.isPending),
      error: qs.find((q) => q?.error)?.error ?? null,
    };
  });
}

export interface Totals {
  shops: number;
  products: number;
  included: number;
  invalid: number;
  valid: number;
  pending: number;
  excluded: number;
  /** Shops whose feed summary has answered (the totals cover only these). */
  counted: number;
  lastPush: { push: Push; shop: DashboardShop } | null;
}

/** Sums over the shops whose data has arrived. */
export function totals(data: ShopData[]): Totals {
  const t: Totals = { shops: data.length, products: 0, included: 0, invalid: 0, valid: 0, pending: 0, excluded: 0, counted: 0, lastPush: null };
  for (const d of data) {
    if (d.summary) {
      t.counted += 1;
      t.products += d.summary.totalProducts;
      t.included += d.summary.included;
      t.invalid += d.summary.invalid;
      t.pending += d.summary.pending;
      t.excluded += d.summary.excluded;
    }
    const p = d.pushes?.[0];
    if (p && (!t.lastPush || p.startedAt > t.lastPush.push.startedAt)) t.lastPush = { push: p, shop: d.shop };
  }
  t.valid = t.products - t.invalid - t.pending;
  return t;
}

export interface Activity {
  shop: DashboardShop;
  batch: SyncBatch;
  at: string;
}

/** The newest sync batches across shops. */
export function recentActivity(data: ShopData[], limit = 8): Activity[] {
  const all: Activity[] = [];
  for (const d of data) {
    for (const b of d.history ?? []) {
      const at = b.startedAt ?? b.completedAt;
      if (at) all.push({ shop: d.shop, batch: b, at });
    }
  }
  return all.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}

export interface Reason {
  field: string;
  code: string;
  message: string;
  /** Sampled products with this issue. */
  count: number;
}

/**
 * Reasons of the sampled invalid products, most frequent first, one count per product: their
 * errors, or, for a product invalid without any error (e.g. not sellable), its other findings.
 */
export function topReasons(sample: InvalidSample | undefined, limit = 3): Reason[] {
  const byKey = new Map<string, Reason>();
  for (const p of sample?.products ?? []) {
    const errors = p.issues.filter((i) => i.severity === 'error');
    const seen = new Set<string>();
    for (const i of errors.length ? errors : p.issues) {
      const key = `${i.field}|${i.code}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const r = byKey.get(key) ?? { field: i.field, code: i.code, message: i.message, count: 0 };
      r.count += 1;
      byKey.set(key, r);
    }
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count || a.field.localeCompare(b.field)).slice(0, limit);
}

export type Problem =
  | { kind: 'disconnected'; shop: DashboardShop; detail: string | null }
  | { kind: 'unfinished'; shop: DashboardShop }
  | { kind: 'sync-failed'; shop: DashboardShop; batch: SyncBatch }
  | { kind: 'push-failed'; shop: DashboardShop; push: Push }
  | { kind: 'invalid'; shop: DashboardShop; count: number; sampled: number; reasons: Reason[] };

/** What needs the merchant's attention, most serious first. */
export function problems(data: ShopData[]): Problem[] {
  const out: Problem[] = [];
  for (const d of data) {
    const connected = d.status?.isConnected ?? d.shop.isConnected;
    if (connected) continue;
    // A store whose approval never came back has no keys: its connection is not finished.
    if (!d.shop.consumerKeyHint && !d.shop.lastSyncAt) out.push({ kind: 'unfinished', shop: d.shop });
    else out.push({ kind: 'disconnected', shop: d.shop, detail: d.status?.connectionError ?? d.shop.connectionError ?? null });
  }
  for (const d of data) {
    const last = d.status?.last;
    if (last && last.status === 'FAILED') out.push({ kind: 'sync-failed', shop: d.shop, batch: last });
  }
  for (const d of data) {
    const p = d.pushes?.[0];
    if (p && p.status === 'failed') out.push({ kind: 'push-failed', shop: d.shop, push: p });
  }
  for (const d of data) {
    const n = d.summary?.invalid ?? 0;
    if (n > 0) out.push({ kind: 'invalid', shop: d.shop, count: n, sampled: d.invalid?.products.length ?? 0, reasons: topReasons(d.invalid) });
  }
  return out;
}
