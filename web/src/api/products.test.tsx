import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { detailFixture, pageFixture, summaryFixture } from '../pages/products/testFixtures';
import { json, mockApi, problem, testQueryClient } from '../test/utils';
import {
  bulkFilter,
  bulkJobId,
  productKeys,
  useBulkAction,
  usePatchProduct,
  useProducts,
  useSetExcluded,
  type ProductPage,
} from './products';

function wrapper(client: QueryClient) {
  return ({ children }: { children: React.ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

describe('useProducts', () => {
  it('sends the filters as API query parameters and keeps the previous page while the next loads', async () => {
    const urls: string[] = [];
    let release: (() => void) | null = null;
    const { fetchMock } = mockApi({
      'GET /api/v1/shops/shp_1/products': () => json(200, pageFixture([summaryFixture(1)], 80)),
    });
    fetchMock.mockImplementation(async (input: RequestInfo | URL) => {
      urls.push(String(input));
      if (urls.length === 2) await new Promise<void>((r) => (release = r));
      return json(200, pageFixture([summaryFixture(urls.length)], 80, urls.length));
    });
    const client = testQueryClient();
    const { result, rerender } = renderHook(({ page }) => useProducts('shp_1', { page, limit: 50, search: 'tent', valid: false }), {
      wrapper: wrapper(client),
      initialProps: { page: 1 },
    });
    await waitFor(() => expect(result.current.data?.products[0].id).toBe('prd_1'));
    const u = new URL(urls[0], 'http://x');
    expect(u.pathname).toBe('/api/v1/shops/shp_1/products');
    expect(Object.fromEntries(u.searchParams)).toEqual({ page: '1', limit: '50', search: 'tent', valid: 'false' });

    rerender({ page: 2 });
    await waitFor(() => expect(urls).toHaveLength(2));
    // While page 2 loads, page 1 stays on screen (no empty table, no jump).
    expect(result.current.data?.products[0].id).toBe('prd_1');
    expect(result.current.isPlaceholderData).toBe(true);
    act(() => release?.());
    await waitFor(() => expect(result.current.data?.products[0].id).toBe('prd_2'));
    expect(result.current.isPlaceholderData).toBe(false);
  });
});

describe('useSetExcluded', () => {
  const key = productKeys.list('shp_1', { page: 1, limit: 50 });
  function seeded() {
    const client = testQueryClient();
    client.setQueryData<ProductPage>(key, pageFixture([summaryFixture(1), summaryFixture(2)]));
    return client;
  }

  it('changes the row at once and keeps it when the server agrees', async () => {
    let answer: ((r: Response) => void) | null = null;
    const { calls } = mockApi({
      'PATCH /api/v1/shops/shp_1/products/prd_2': () => new Promise<Response>((r) => (answer = r)),
      'GET /api/v1/shops/shp_1/products': () =>
        json(200, pageFixture([summaryFixture(1), summaryFixture(2, { status: 'EXCLUDED' })])),
    });
    const client = seeded();
    const { result } = renderHook(() => useSetExcluded('shp_1'), { wrapper: wrapper(client) });
    act(() => result.current.mutate({ productId: 'prd_2', excluded: true }));
    await waitFor(() => expect(client.getQueryData<ProductPage>(key)?.products[1].status).toBe('EXCLUDED'));
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ excluded: true });
    const d = detailFixture();
    act(() => answer?.(json(200, { ...d, product: { ...d.product, id: 'prd_2', status: 'EXCLUDED' }, manual: { ...d.manual, excluded: true } })));
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(client.getQueryData<ProductPage>(key)?.products[1].status).toBe('EXCLUDED');
    expect(client.getQueryData(productKeys.detail('shp_1', 'prd_2'))).toMatchObject({ manual: { excluded: true } });
  });

  it('rolls the row back when the server refuses', async () => {
    mockApi({
      'PATCH /api/v1/shops/shp_1/products/prd_1': () => problem(500, 'Internal Server Error', 'boom'),
      'GET /api/v1/shops/shp_1/products': () => json(200, pageFixture([summaryFixture(1), summaryFixture(2)])),
    });
    const client = seeded();
    const { result } = renderHook(() => useSetExcluded('shp_1'), { wrapper: wrapper(client) });
    act(() => result.current.mutate({ productId: 'prd_1', excluded: true }));
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(client.getQueryData<ProductPage>(key)?.products[0].status).toBe('SYNCED');
  });
});

describe('usePatchProduct', () => {
  it('stores the answer as the product and its preview, and refreshes the lists', async () => {
    const saved = detailFixture({
      manual: { ...detailFixture().manual, manualTitle: 'New' },
      feedItems: [{ item_id: 'TT-1', title: 'New' }],
      isValid: false,
      validationIssues: [{ itemId: 'TT-1', field: 'brand', code: 'missing_required', severity: 'error', message: 'brand is required' }],
    });
    mockApi({ 'PATCH /api/v1/shops/shp_1/products/prd_1': () => json(200, saved) });
    const client = testQueryClient();
    const listKey = productKeys.list('shp_1', { page: 1 });
    client.setQueryData(listKey, pageFixture([summaryFixture(1)]));
    const { result } = renderHook(() => usePatchProduct('shp_1', 'prd_1'), { wrapper: wrapper(client) });
    act(() => result.current.mutate({ manualTitle: 'New' }));
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(client.getQueryData(productKeys.detail('shp_1', 'prd_1'))).toEqual(saved);
    expect(client.getQueryData(productKeys.preview('shp_1', 'prd_1'))).toEqual({
      productId: 'prd_1',
      items: [{ item_id: 'TT-1', title: 'New' }],
      isValid: false,
      issues: saved.validationIssues,
      excluded: false,
    });
    expect(client.getQueryState(listKey)?.isInvalidated).toBe(true);
  });
});

describe('useBulkAction', () => {
  it('posts ids, or the filter without paging and order', async () => {
    const { calls } = mockApi({ 'POST /api/v1/shops/shp_1/products/bulk': () => json(200, { action: 'exclude', affected: 2 }) });
    const client = testQueryClient();
    const { result } = renderHook(() => useBulkAction('shp_1'), { wrapper: wrapper(client) });
    await act(() => result.current.mutateAsync({ action: 'exclude', target: { ids: ['prd_1', 'prd_2'] } }));
    await act(() =>
      result.current.mutateAsync({ action: 'enable_search', target: { filter: { page: 3, limit: 50, sort: 'title', search: 'tent', valid: false } } }),
    );
    expect(calls.map((c) => c.body)).toEqual([
      { action: 'exclude', ids: ['prd_1', 'prd_2'] },
      { action: 'enable_search', filter: { search: 'tent', valid: false } },
    ]);
  });

  it('recognises a queued job in the answer', () => {
    expect(bulkJobId({ action: 'exclude', affected: 3 })).toBeNull();
    expect(bulkJobId({ jobId: 'job_9' })).toBe('job_9');
    expect(bulkJobId({ job: { id: 'job_8' } })).toBe('job_8');
    expect(bulkFilter({ page: 1, limit: 20, category: '' })).toEqual({});
  });
});
