import { QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { batchFixture, configFixture, shopFixture, syncStateFixture } from '../pages/shops/fixtures';
import { json, mockApi, noContent, problem, testQueryClient } from '../test/utils';
import {
  batchPercent,
  batchSummary,
  initialSyncDone,
  shopKeys,
  shopState,
  useConnectShop,
  useDisconnectShop,
  useRotateFeedToken,
  useShops,
  useUpdateShop,
  type Shop,
} from './shops';

function wrapper() {
  const client = testQueryClient();
  const Wrapper = ({ children }: { children: React.ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  return { client, Wrapper };
}

describe('shopState', () => {
  it('tells connected, disconnected (keys stopped working) and pending (never authorized) apart', () => {
    expect(shopState({ isConnected: true, consumerKeyHint: '…abcd' })).toBe('connected');
    expect(shopState({ isConnected: false, consumerKeyHint: '…abcd' })).toBe('disconnected');
    expect(shopState({ isConnected: false, consumerKeyHint: null })).toBe('pending');
  });
});

describe('batchPercent', () => {
  it('is the share of pages done, null while the total is unknown', () => {
    expect(batchPercent(batchFixture({ status: 'SYNCING', pagesDone: 1, totalPages: 4 }))).toBe(25);
    expect(batchPercent(batchFixture({ status: 'SYNCING', pagesDone: 0, totalPages: 0 }))).toBeNull();
    expect(batchPercent(batchFixture({ status: 'COMPLETED', pagesDone: 0, totalPages: 0 }))).toBe(100);
    expect(batchPercent(null)).toBeNull();
  });
});

describe('batchSummary', () => {
  it('names the non-zero counts', () => {
    expect(batchSummary(batchFixture({ created: 0, updated: 3, unchanged: 1200, deleted: 0, failed: 2 }))).toBe(
      `0 new, 3 updated, ${(1200).toLocaleString()} unchanged, 2 failed`,
    );
    expect(batchSummary(batchFixture())).toBe('120 new');
  });
});

describe('initialSyncDone', () => {
  const since = Date.parse('2026-11-28T10:00:00Z');
  it('waits while a batch is queued or running, or none has finished', () => {
    expect(initialSyncDone(syncStateFixture({ current: batchFixture({ status: 'SYNCING' }) }), since)).toBe(false);
    expect(initialSyncDone(syncStateFixture({ last: null }), since)).toBe(false);
    expect(initialSyncDone(undefined, since)).toBe(false);
  });
  it('is done by a batch finished after the connection started, not by an older one', () => {
    expect(initialSyncDone(syncStateFixture(), since)).toBe(true);
    const old = batchFixture({ completedAt: '2026-11-27T08:00:00Z' });
    expect(initialSyncDone(syncStateFixture({ last: old }), since)).toBe(false);
    expect(initialSyncDone(syncStateFixture({ last: old }), null)).toBe(true);
  });
});

describe('shop hooks', () => {
  it('lists the shops from {shops}', async () => {
    mockApi({ 'GET /api/v1/shops': () => json(200, { shops: [shopFixture()] }) });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useShops(), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.data?.map((s) => s.id)).toEqual(['shop_1']));
  });

  it('starts wc-auth with the store URL and caches a shop connected with keys', async () => {
    const { calls } = mockApi({
      'POST /api/v1/shops': (c) =>
        (c.body as { consumerKey?: string }).consumerKey
          ? json(201, { shopId: 'shop_2', shop: shopFixture({ id: 'shop_2' }) })
          : json(201, { authUrl: 'https://s.example/wc-auth/v1/authorize?app_name=ProductSynch', shopId: 'shop_2' }),
    });
    const { client, Wrapper } = wrapper();
    const { result } = renderHook(() => useConnectShop(), { wrapper: Wrapper });
    const a = await result.current.mutateAsync({ storeUrl: 's.example' });
    expect(a).toEqual({ authUrl: expect.stringContaining('/wc-auth/v1/authorize'), shopId: 'shop_2' });
    expect(client.getQueryData(shopKeys.shop('shop_2'))).toBeUndefined();
    await result.current.mutateAsync({ storeUrl: 's.example', consumerKey: 'ck', consumerSecret: 'cs' });
    expect(client.getQueryData<Shop>(shopKeys.shop('shop_2'))?.id).toBe('shop_2');
    expect(calls[0].headers['content-type']).toBe('application/json');
  });

  it('surfaces the problem details of a refused store', async () => {
    mockApi({
      'POST /api/v1/shops': () =>
        problem(422, 'Validation failed', 'Invalid request', [
          { field: 'storeUrl', code: 'private_address', message: 'The store must be reachable on the public internet.' },
        ]),
    });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useConnectShop(), { wrapper: Wrapper });
    await expect(result.current.mutateAsync({ storeUrl: '10.0.0.1' })).rejects.toMatchObject({
      status: 422,
      fieldErrors: [{ field: 'storeUrl', code: 'private_address' }],
    });
  });

  it('puts an updated shop in the cache', async () => {
    const { calls } = mockApi({
      'PATCH /api/v1/shops/shop_1': (c) => json(200, shopFixture({ shopName: (c.body as { shopName: string }).shopName })),
    });
    const { client, Wrapper } = wrapper();
    const { result } = renderHook(() => useUpdateShop('shop_1'), { wrapper: Wrapper });
    await result.current.mutateAsync({ shopName: 'Renamed' });
    expect(client.getQueryData<Shop>(shopKeys.shop('shop_1'))?.shopName).toBe('Renamed');
    expect(calls[0].body).toEqual({ shopName: 'Renamed' });
  });

  it('replaces the hosted URL after a rotation', async () => {
    mockApi({ 'POST /api/v1/shops/shop_1/feed/rotate-token': () => json(200, { hostedUrl: 'http://h/feeds/tok_new/products.jsonl.gz' }) });
    const { client, Wrapper } = wrapper();
    client.setQueryData(shopKeys.delivery('shop_1'), configFixture());
    const { result } = renderHook(() => useRotateFeedToken('shop_1'), { wrapper: Wrapper });
    await result.current.mutateAsync();
    expect(client.getQueryData<{ hostedUrl: string }>(shopKeys.delivery('shop_1'))?.hostedUrl).toContain('tok_new');
  });

  it('drops a disconnected shop from the list', async () => {
    mockApi({
      'DELETE /api/v1/shops/shop_1': () => noContent(),
      'GET /api/v1/shops': () => json(200, { shops: [shopFixture({ id: 'shop_2' })] }),
    });
    const { client, Wrapper } = wrapper();
    client.setQueryData(shopKeys.list, [shopFixture(), shopFixture({ id: 'shop_2' })]);
    const { result } = renderHook(() => useDisconnectShop('shop_1'), { wrapper: Wrapper });
    await result.current.mutateAsync();
    expect(client.getQueryData<Shop[]>(shopKeys.list)?.map((s) => s.id)).toEqual(['shop_2']);
  });
});
