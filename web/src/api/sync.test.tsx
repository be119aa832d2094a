import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { batch, push, status } from '../pages/sync/fixtures';
import { json, mockApi, testQueryClient } from '../test/utils';
import {
  batchErrors,
  batchPercent,
  feedDownloadUrl,
  syncActive,
  usePushes,
  useSyncHistory,
  useSyncStatus,
  useTriggerSync,
} from './sync';

function wrapper() {
  const client = testQueryClient();
  const Wrapper = ({ children }: { children: React.ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  return { client, Wrapper };
}

describe('sync helpers', () => {
  it('reads batch errors whatever was stored', () => {
    expect(batchErrors(batch())).toHaveLength(2);
    expect(batchErrors(batch({ errors: null }))).toEqual([]);
    expect(batchErrors(batch({ errors: [{ wooProductId: null, message: 'store unreachable' }, 'junk', { code: 7 }] }))).toEqual([
      { wooProductId: null, message: 'store unreachable', at: undefined },
      { wooProductId: null, message: '{"code":7}', at: undefined },
    ]);
  });

  it('computes the page progress of a running batch', () => {
    expect(batchPercent(batch({ pagesDone: 3, totalPages: 8 }))).toBe(38);
    expect(batchPercent(batch({ pagesDone: 0, totalPages: 0 }))).toBeNull();
    expect(batchPercent(null)).toBeNull();
  });

  it('knows when a sync is under way', () => {
    expect(syncActive(status())).toBe(false);
    expect(syncActive(status({ current: batch({ status: 'SYNCING' }) }))).toBe(true);
    // A connected shop that never synced is about to run its first sync.
    expect(syncActive(status({ syncStatus: 'PENDING', lastSyncAt: null, last: null }))).toBe(true);
    // A disconnected shop that never synced waits for nothing.
    expect(syncActive(status({ syncStatus: 'PENDING', lastSyncAt: null, isConnected: false }))).toBe(false);
    expect(syncActive(undefined)).toBe(false);
  });

  it('builds download links on the API for every format', () => {
    expect(feedDownloadUrl('shop_1', 'csv.gz')).toBe('/api/v1/shops/shop_1/feed/download?format=csv.gz');
    expect(feedDownloadUrl('a/b', 'jsonl')).toBe('/api/v1/shops/a%2Fb/feed/download?format=jsonl');
  });
});

describe('useSyncStatus', () => {
  it('polls while a batch runs and stops once it has finished', async () => {
    const running = status({ syncStatus: 'SYNCING', current: batch({ id: 'batch_2', status: 'SYNCING', pagesDone: 1, totalPages: 2 }) });
    const answers = [running, running, status({ last: batch({ id: 'batch_2' }) })];
    let served = 0;
    const { calls } = mockApi({
      'GET /api/v1/shops/shop_1/sync/status': () => json(200, answers[Math.min(served++, answers.length - 1)]),
    });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useSyncStatus('shop_1', { intervalMs: 10 }), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.data?.last?.id).toBe('batch_2'));
    expect(result.current.data?.current).toBeNull();
    const count = calls.length;
    expect(count).toBe(3);
    await new Promise((r) => setTimeout(r, 60));
    expect(calls.length).toBe(count);
  });

  it('keeps polling when told a job was queued, even if no batch shows yet', async () => {
    const { calls } = mockApi({ 'GET /api/v1/shops/shop_1/sync/status': () => json(200, status()) });
    const { Wrapper } = wrapper();
    renderHook(() => useSyncStatus('shop_1', { intervalMs: 10, forcePoll: true }), { wrapper: Wrapper });
    await waitFor(() => expect(calls.length).toBeGreaterThanOrEqual(3));
  });
});

describe('sync queries and actions', () => {
  it('unwraps the history and passes the limit', async () => {
    const { calls } = mockApi({
      'GET /api/v1/shops/shop_1/sync/history': () => json(200, { batches: [batch(), batch({ id: 'batch_0' })] }),
    });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useSyncHistory('shop_1', { limit: 5 }), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.data?.map((b) => b.id)).toEqual(['batch_1', 'batch_0']));
    expect(calls[0].path).toBe('/api/v1/shops/shop_1/sync/history');
    expect(result.current.data).toHaveLength(2);
  });

  it('polls pushes only while one runs', async () => {
    const answers = [[push({ status: 'running', finishedAt: null })], [push()]];
    let served = 0;
    const { calls } = mockApi({
      'GET /api/v1/shops/shop_1/feed/pushes': () => json(200, { pushes: answers[Math.min(served++, answers.length - 1)] }),
    });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => usePushes('shop_1', { intervalMs: 10 }), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.data?.[0].status).toBe('succeeded'));
    const count = calls.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(calls.length).toBe(count);
  });

  it('queues a full sync and refetches the status', async () => {
    const { calls } = mockApi({
      'POST /api/v1/shops/shop_1/sync': () => json(202, { jobId: 'job_9', created: true }),
      'GET /api/v1/shops/shop_1/sync/status': () => json(200, status()),
    });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => ({ s: useSyncStatus('shop_1'), t: useTriggerSync('shop_1') }), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.s.data).toBeDefined());
    let answer: unknown;
    await act(async () => {
      answer = await result.current.t.mutateAsync('FULL');
    });
    expect(answer).toEqual({ jobId: 'job_9', created: true });
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ type: 'FULL' });
    await waitFor(() => expect(calls.filter((c) => c.path.endsWith('/sync/status'))).toHaveLength(2));
  });
});
