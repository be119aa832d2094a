import type { OpenAiConfig, Shop, ShopSyncState, SyncBatch } from '../../api/shops';

/** Test data shaped like the API's answers (productsynch-core ShopView, SyncStatusView, OpenAiConfig). */
export function shopFixture(over: Partial<Shop> = {}): Shop {
  return {
    id: 'shop_1',
    storeUrl: 'https://outdoor.example.com',
    shopName: 'Outdoor Gear',
    currency: 'EUR',
    isConnected: true,
    connectionError: null,
    syncStatus: 'COMPLETED',
    syncEnabled: true,
    lastSyncAt: '2026-11-28T10:00:00Z',
    lastHealthCheckAt: '2026-11-28T10:00:00Z',
    consumerKeyHint: '…abcd',
    storeSettings: { currency: 'EUR', country: 'DE' },
    webhooks: [11, 12, 13],
    seller: {
      sellerName: null,
      sellerUrl: null,
      privacyPolicy: null,
      termsOfService: null,
      returnPolicy: null,
      returnWindow: null,
    },
    feed: {
      storeCountry: null,
      targetCountries: [],
      enableSearch: null,
      enableCheckout: null,
      brandAttribute: 'pa_brand',
      gtinMetaKey: null,
      utmDisabled: false,
    },
    createdAt: '2026-11-28T09:00:00Z',
    ...over,
  };
}

export function batchFixture(over: Partial<SyncBatch> = {}): SyncBatch {
  return {
    id: 'batch_1',
    status: 'COMPLETED',
    syncType: 'FULL',
    triggeredBy: 'connect',
    total: 120,
    created: 120,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    failed: 0,
    pagesDone: 3,
    totalPages: 3,
    startedAt: '2026-11-28T10:00:00Z',
    completedAt: '2026-11-28T10:01:00Z',
    durationMs: 60000,
    errors: [],
    jobId: 'job_1',
    ...over,
  };
}

export function syncStateFixture(over: Partial<ShopSyncState> = {}): ShopSyncState {
  return {
    shopId: 'shop_1',
    syncStatus: 'COMPLETED',
    syncEnabled: true,
    isConnected: true,
    lastSyncAt: '2026-11-28T10:01:00Z',
    current: null,
    last: batchFixture(),
    nextScheduledAt: '2026-11-28T10:15:00Z',
    productCount: 120,
    ...over,
  };
}

export function configFixture(over: Partial<OpenAiConfig> = {}): OpenAiConfig {
  return {
    method: 'hosted',
    enabled: true,
    cadence: 'daily',
    hostedUrl: 'http://localhost:3000/feeds/tok_old/products.jsonl.gz',
    https: null,
    sftp: null,
    lastPush: null,
    nextScheduledPush: null,
    ...over,
  };
}
