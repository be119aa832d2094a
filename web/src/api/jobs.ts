import { useQuery } from '@tanstack/react-query';
import { endpoint } from './auth';
import { api, type ApiClient } from './client';
import type { Job } from './types';

/** Job states after which nothing changes any more. */
export const FINISHED_JOB_STATES: ReadonlySet<Job['status']> = new Set(['succeeded', 'dead', 'cancelled']);

export function jobFinished(job: Job | undefined): boolean {
  return job !== undefined && FINISHED_JOB_STATES.has(job.status);
}

/** `{current, total, message}` as the worker last reported it, when it did. */
export interface JobProgress {
  current?: number;
  total?: number;
  message?: string;
}

export function jobProgress(job: Job | undefined): JobProgress | null {
  const p = job?.progress;
  if (!p || typeof p !== 'object') return null;
  const { current, total, message } = p as Record<string, unknown>;
  return {
    current: typeof current === 'number' ? current : undefined,
    total: typeof total === 'number' ? total : undefined,
    message: typeof message === 'string' ? message : undefined,
  };
}

/** Percent done (0–100) when the worker reports a total, else null. */
export function jobPercent(job: Job | undefined): number | null {
  if (job?.status === 'succeeded') return 100;
  const p = jobProgress(job);
  if (!p || p.current === undefined || !p.total) return null;
  return Math.max(0, Math.min(100, Math.round((p.current / p.total) * 100)));
}

/**
 * A background job of the current user (`GET /api/v1/jobs/{id}`), polled every `intervalMs`
 * until it has finished. For live progress of syncs, feed builds and other long work.
 */
export function useJob(id: string | null | undefined, { intervalMs = 1000, client = api }: { intervalMs?: number; client?: ApiClient } = {}) {
  return useQuery({
    queryKey: ['jobs', id],
    enabled: Boolean(id),
    queryFn: ({ signal }) =>
      client.get<Job>(endpoint('/jobs/{id}').replace('{id}', encodeURIComponent(id ?? '')), undefined, signal),
    refetchInterval: (q) => (jobFinished(q.state.data) ? false : intervalMs),
    refetchIntervalInBackground: false,
  });
}
