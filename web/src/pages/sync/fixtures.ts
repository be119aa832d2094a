/** API answers for the sync page and dashboard tests (shapes of the real server's JSON). */
import type { FeedPreview, OpenAiConfig, Push, SyncBatch, SyncStatus } from '../../api/sync';
import type { Job } from '../../api/types';

export function batch(over: Partial<SyncBatch> = {}): SyncBatch {
  return {
    id: 'batch_1',
    status: 'COMPLETED',
    syncType: 'FULL',
    triggeredBy: 'connect',
    total: 42,
    created: 40,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    failed: 2,
    pagesDone: 1,
    totalPages: 1,
    startedAt: '2026-11-28T10:00:00Z',
    completedAt: '2026-11-28T10:00:07Z',
    durationMs: 7200,
    errors: [
      { wooProductId: 31, message: 'malformed product: price is not a number', at: '2026-11-28T10:00:03Z' },
      { wooProductId: 32, message: 'store answered 500 for its variations', at: '2026-11-28T10:00:04Z' },
    ],
    jobId: 'job_s1',
    ...over,
  };
}

export function status(over: Partial<SyncStatus> = {}): SyncStatus {
  return {
    shopId: 'shop_1',
    syncStatus: 'COMPLETED',
    syncEnabled: true,
    isConnected: true,
    lastSyncAt: '2026-11-28T10:00:00Z',
    current: null,
    last: batch(),
    nextScheduledAt: '2026-11-28T10:15:00Z',
    next: { sync: '2026-11-28T10:15:00Z', push: '2026-11-29T04:00:00Z', pushCadence: 'daily', pushMethod: 'https' },
    productCount: 40,
    ...over,
  };
}

export function push(over: Partial<Push> = {}): Push {
  return {
    id: 'push_1',
    method: 'https',
    triggeredBy: 'manual',
    status: 'succeeded',
    attempt: 1,
    sizeBytes: 18_432,
    itemCount: 38,
    destination: 'https://feeds.example.com/v1/products',
    remoteStatus: 202,
    remoteResponse: '{"accepted":38,"rejected":0}',
    error: null,
    feedFileId: 'feed_1',
    jobId: 'job_p1',
    startedAt: '2026-11-28T10:01:00Z',
    finishedAt: '2026-11-28T10:01:02Z',
    ...over,
  };
}

export function deliveryConfig(over: Partial<OpenAiConfig> = {}): OpenAiConfig {
  return {
    method: 'https',
    enabled: true,
    cadence: 'daily',
    hostedUrl: 'http://127.0.0.1:3000/feeds/tok_abc/products.jsonl.gz',
    https: { endpoint: 'https://feeds.example.com/v1/products', hasToken: true },
    sftp: null,
    lastPush: push(),
    nextScheduledPush: '2026-11-29T04:00:00Z',
    ...over,
  };
}

export function preview(over: Partial<FeedPreview> = {}): FeedPreview {
  return {
    items: [
      { item_id: 'woo-11', title: 'Beanie with Logo', price: '18.00 USD', availability: 'in_stock', is_eligible_search: true, is_eligible_checkout: false },
      { item_id: 'woo-12', title: 'Hoodie', price: '45.00 USD', availability: 'out_of_stock', is_eligible_search: true, is_eligible_checkout: false },
    ] as unknown as FeedPreview['items'],
    summary: { totalProducts: 42, included: 36, invalid: 3, excluded: 2, pending: 1 },
    previewStats: { products: 2, items: 2, excluded: 0, invalid: 0, pending: 0, itemsWithErrors: 0, warnings: 1 },
    latestFile: {
      id: 'feed_1',
      format: 'jsonl.gz',
      sizeBytes: 18_432,
      itemCount: 36,
      sha256: 'abc',
      batchId: 'batch_1',
      createdAt: '2026-11-28T10:00:08Z',
    },
    ...over,
  };
}

export function job(id: string, state: Job['status'], over: Partial<Job> = {}): Job {
  return {
    id,
    kind: 'sync.shop',
    queue: 'product-sync',
    status: state,
    attempts: 1,
    maxAttempts: 10,
    runAt: '2026-11-28T10:00:00Z',
    createdAt: '2026-11-28T10:00:00Z',
    ...over,
  };
}
