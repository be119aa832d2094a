import { QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, mockApi, testQueryClient } from '../test/utils';
import { jobPercent, useJob } from './jobs';
import type { Job } from './types';

function job(status: Job['status'], progress?: unknown): Job {
  return {
    id: 'job_1',
    kind: 'product-sync',
    queue: 'product-sync',
    status,
    attempts: 1,
    maxAttempts: 5,
    runAt: '2026-11-28T10:00:00Z',
    createdAt: '2026-11-28T10:00:00Z',
    progress,
  };
}

describe('jobPercent', () => {
  it('reads the worker progress', () => {
    expect(jobPercent(job('running', { current: 25, total: 200 }))).toBe(13);
    expect(jobPercent(job('running', { current: 5 }))).toBeNull();
    expect(jobPercent(job('running', 'garbage'))).toBeNull();
    expect(jobPercent(job('succeeded'))).toBe(100);
  });
});

describe('useJob', () => {
  it('polls until the job has finished, then stops', async () => {
    const answers = [job('queued'), job('running', { current: 1, total: 2 }), job('succeeded')];
    let served = 0;
    const { calls } = mockApi({
      'GET /api/v1/jobs/job_1': () => json(200, answers[Math.min(served++, answers.length - 1)]),
    });
    const client = testQueryClient();
    const Wrapper = ({ children }: { children: React.ReactNode }) => (
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    );
    const { result } = renderHook(() => useJob('job_1', { intervalMs: 10 }), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.data?.status).toBe('succeeded'));
    const count = calls.length;
    expect(count).toBe(3);
    // No further polls once finished: wait for a few more intervals and count again.
    await new Promise((r) => setTimeout(r, 60));
    expect(calls.length).toBe(count);
  });

  it('does nothing without an id', () => {
    const { calls } = mockApi({});
    const client = testQueryClient();
    const Wrapper = ({ children }: { children: React.ReactNode }) => (
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    );
    renderHook(() => useJob(null), { wrapper: Wrapper });
    expect(calls).toHaveLength(0);
  });
});
