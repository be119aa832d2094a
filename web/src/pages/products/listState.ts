/**
 * The products list's state (search, filters, sort, page, page size) lives in the URL query
 * string, so back/forward, reload and shared links show the same list. Defaults are left out of
 * the URL; unknown or malformed values fall back to the defaults.
 */
import type { ProductQuery } from '../../api/products';

export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
export const DEFAULT_SORT = '-updatedAt';

export const SORT_FIELDS = ['title', 'price', 'updatedAt', 'createdAt', 'wooProductId', 'lastSyncedAt'] as const;
export const STATUS_VALUES = ['SYNCED', 'EXCLUDED', 'ERROR', 'DRAFT', 'PENDING_REVIEW', 'APPROVED'] as const;
export const SYNC_STATUS_VALUES = ['PENDING', 'SYNCING', 'COMPLETED', 'FAILED', 'PAUSED'] as const;
export const AVAILABILITY_VALUES = ['in_stock', 'out_of_stock', 'pre_order', 'backorder', 'unknown'] as const;

export interface ListState {
  search: string;
  status: string | null;
  syncStatus: string | null;
  availability: string | null;
  valid: boolean | null;
  hasOverrides: boolean | null;
  aiEnriched: boolean | null;
  category: string;
  sort: string;
  page: number;
  limit: number;
}

export const DEFAULT_STATE: ListState = {
  search: '',
  status: null,
  syncStatus: null,
  availability: null,
  valid: null,
  hasOverrides: null,
  aiEnriched: null,
  category: '',
  sort: DEFAULT_SORT,
  page: 1,
  limit: DEFAULT_LIMIT,
};

function oneOf(v: string | null, values: readonly string[]): string | null {
  return v !== null && values.includes(v) ? v : null;
}

function bool(v: string | null): boolean | null {
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
}

function positiveInt(v: string | null): number | null {
  if (v === null || !/^\d{1,7}$/.test(v)) return null;
  const n = Number(v);
  return n >= 1 ? n : null;
}

export function isValidSort(s: string): boolean {
  const name = s.startsWith('-') ? s.slice(1) : s;
  return (SORT_FIELDS as readonly string[]).includes(name);
}

/** Reads the list state from a query string. */
export function parseListState(params: URLSearchParams): ListState {
  const limit = positiveInt(params.get('limit'));
  const sort = params.get('sort');
  return {
    search: (params.get('q') ?? '').slice(0, 200),
    status: oneOf(params.get('status'), STATUS_VALUES),
    syncStatus: oneOf(params.get('syncStatus'), SYNC_STATUS_VALUES),
    availability: oneOf(params.get('availability'), AVAILABILITY_VALUES),
    valid: bool(params.get('valid')),
    hasOverrides: bool(params.get('overrides')),
    aiEnriched: bool(params.get('ai')),
    category: (params.get('category') ?? '').slice(0, 200),
    sort: sort && isValidSort(sort) ? sort : DEFAULT_SORT,
    page: positiveInt(params.get('page')) ?? 1,
    limit: limit === null ? DEFAULT_LIMIT : Math.min(limit, MAX_LIMIT),
  };
}

/** Writes the list state as a query string, leaving defaults out. */
export function toSearchParams(s: ListState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.search.trim()) p.set('q', s.search.trim());
  if (s.status) p.set('status', s.status);
  if (s.syncStatus) p.set('syncStatus', s.syncStatus);
  if (s.availability) p.set('availability', s.availability);
  if (s.valid !== null) p.set('valid', String(s.valid));
  if (s.hasOverrides !== null) p.set('overrides', String(s.hasOverrides));
  if (s.aiEnriched !== null) p.set('ai', String(s.aiEnriched));
  if (s.category.trim()) p.set('category', s.category.trim());
  if (s.sort !== DEFAULT_SORT) p.set('sort', s.sort);
  if (s.page !== 1) p.set('page', String(s.page));
  if (s.limit !== DEFAULT_LIMIT) p.set('limit', String(s.limit));
  return p;
}

/**
 * A change to the state. Anything but a page change brings the list back to page 1 (page 7 of
 * another filter means nothing).
 */
export function updateListState(s: ListState, change: Partial<ListState>): ListState {
  const next = { ...s, ...change };
  if (change.page === undefined) next.page = 1;
  if (next.limit > MAX_LIMIT) next.limit = MAX_LIMIT;
  return next;
}

/** The API query for a list state. */
export function toProductQuery(s: ListState): ProductQuery {
  const q: ProductQuery = { page: s.page, limit: s.limit, sort: s.sort };
  if (s.search.trim()) q.search = s.search.trim();
  if (s.status) q.status = s.status;
  if (s.syncStatus) q.syncStatus = s.syncStatus;
  if (s.availability) q.availability = s.availability;
  if (s.valid !== null) q.valid = s.valid;
  if (s.hasOverrides !== null) q.hasOverrides = s.hasOverrides;
  if (s.aiEnriched !== null) q.aiEnriched = s.aiEnriched;
  if (s.category.trim()) q.category = s.category.trim();
  return q;
}

/** A key that changes exactly when the set of matching products changes (not on paging/sort). */
export function filterKey(s: ListState): string {
  const { page: _p, limit: _l, sort: _s, ...rest } = s;
  void _p;
  void _l;
  void _s;
  return JSON.stringify({ ...rest, search: rest.search.trim(), category: rest.category.trim() });
}

/** Whether any filter (search included) narrows the list. */
export function hasFilters(s: ListState): boolean {
  return filterKey(s) !== filterKey(DEFAULT_STATE);
}
