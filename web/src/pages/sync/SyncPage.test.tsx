import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockApi, renderPage } from '../../test/utils';
import { batch, deliveryConfig, job, preview, push, status } from './fixtures';
import SyncPage from './SyncPage';

const S = '/api/v1/shops/shop_1';

function renderSync() {
  return renderPage(<SyncPage pollMs={10} />, { path: '/shops/shop_1/sync', pattern: '/shops/:shopId/sync' });
}

function baseRoutes(over: Record<string, () => Response | Promise<Response>> = {}) {
  return {
    [`GET ${S}/sync/status`]: () => json(200, status()),
    [`GET ${S}/sync/history`]: () => json(200, { batches: [batch()] }),
    [`GET ${S}/feed/pushes`]: () => json(200, { pushes: [push()] }),
    [`GET ${S}/openai-config`]: () => json(200, deliveryConfig()),
    [`GET ${S}/feed/preview`]: () => json(200, preview()),
    [`GET ${S}/feed/files`]: () => json(200, { files: [] }),
    ...over,
  };
}

describe('SyncPage', () => {
  it('shows the last sync, its history with expandable errors, pushes and the feed', async () => {
    mockApi(baseRoutes());
    renderSync();
    expect(await screen.findByTestId('sync-last')).toHaveTextContent('40 new, 0 updated, 0 unchanged, 0 deleted, 2 failed');

    const history = await screen.findByRole('table', { name: 'Sync history' });
    const row = within(history).getAllByRole('row')[1];
    expect(row).toHaveTextContent('Full');
    expect(row).toHaveTextContent('Store connected');
    expect(row).toHaveTextContent('7.2 s');
    expect(screen.queryByText(/price is not a number/)).not.toBeInTheDocument();
    await userEvent.setup().click(within(row).getByRole('button', { name: 'Show 2 errors' }));
    expect(await screen.findByText(/price is not a number/)).toBeInTheDocument();
    expect(screen.getByText('Product #32:')).toBeInTheDocument();

    const pushes = screen.getByRole('table', { name: 'Push history' });
    const pushRow = within(pushes).getAllByRole('row')[1];
    expect(pushRow).toHaveTextContent('HTTPS push');
    expect(pushRow).toHaveTextContent('succeeded');
    expect(pushRow).toHaveTextContent('38');
    expect(pushRow).toHaveTextContent('18 KB');
    expect(pushRow).toHaveTextContent('HTTP 202');
    expect(pushRow).toHaveTextContent('{"accepted":38,"rejected":0}');

    const feed = await screen.findByRole('table', { name: 'Feed preview' });
    expect(within(feed).getByText('Beanie with Logo')).toBeInTheDocument();
    expect(within(feed).getByText('45.00 USD')).toBeInTheDocument();
    const summary = screen.getByLabelText('Validation summary');
    expect(summary).toHaveTextContent('In the feed36');
    expect(summary).toHaveTextContent('85.7%');
    expect(summary).toHaveTextContent('Invalid3');

    expect(screen.getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', `${S}/feed/download?format=csv`);
    expect(screen.getByRole('link', { name: 'Download JSONL (gzip)' })).toHaveAttribute('href', `${S}/feed/download?format=jsonl.gz`);
    expect(screen.getByRole('link', { name: 'Download TSV' })).toHaveAttribute('href', `${S}/feed/download?format=tsv`);
  });

  it('shows placeholder rows inside the tables while loading, then the rows in the same tables', async () => {
    const pending: (() => void)[] = [];
    const later = (body: unknown) => () =>
      new Promise<Response>((resolve) => {
        pending.push(() => resolve(json(200, body)));
      });
    mockApi(
      baseRoutes({
        [`GET ${S}/sync/history`]: later({ batches: [batch()] }),
        [`GET ${S}/feed/pushes`]: later({ pushes: [push()] }),
        [`GET ${S}/feed/preview`]: later(preview()),
      }),
    );
    renderSync();
    const names = ['Sync history', 'Push history', 'Feed preview'];
    const tables = await Promise.all(names.map((name) => screen.findByRole('table', { name })));
    for (const t of tables) {
      expect(t).toHaveAttribute('aria-busy', 'true');
      expect(t.querySelectorAll('tbody tr[data-skeleton]').length).toBeGreaterThan(0);
      // Only the header row is announced; the placeholders are aria-hidden.
      expect(within(t).getAllByRole('row')).toHaveLength(1);
    }
    expect(within(tables[0]).getByRole('columnheader', { name: 'Unchanged' })).toBeInTheDocument();
    expect(within(tables[1]).getByRole('columnheader', { name: 'Remote answer' })).toBeInTheDocument();
    expect(within(tables[2]).getByRole('columnheader', { name: 'Title' })).toBeInTheDocument();
    expect(screen.getByLabelText('Validation summary')).toHaveAttribute('aria-busy', 'true');

    await waitFor(() => expect(pending).toHaveLength(3));
    pending.forEach((release) => release());
    await waitFor(() => tables.forEach((t) => expect(t).toHaveAttribute('aria-busy', 'false')));
    names.forEach((name, i) => expect(screen.getByRole('table', { name })).toBe(tables[i]));
    // A header row plus one batch, one push and the preview's two items.
    [2, 2, 3].forEach((rows, i) => {
      expect(tables[i].querySelectorAll('tbody tr[data-skeleton]')).toHaveLength(0);
      expect(within(tables[i]).getAllByRole('row')).toHaveLength(rows);
    });
    expect(within(tables[2]).getByText('Beanie with Logo')).toBeInTheDocument();
  });

  it('says so inside the tables when there is no sync, push or feed item yet', async () => {
    mockApi(
      baseRoutes({
        [`GET ${S}/sync/history`]: () => json(200, { batches: [] }),
        [`GET ${S}/feed/pushes`]: () => json(200, { pushes: [] }),
        [`GET ${S}/feed/preview`]: () => json(200, preview({ items: [] })),
      }),
    );
    renderSync();
    const history = await screen.findByRole('table', { name: 'Sync history' });
    expect(await within(history).findByText('No syncs yet.')).toBeInTheDocument();
    expect(await within(screen.getByRole('table', { name: 'Push history' })).findByText('The feed has not been delivered yet.')).toBeInTheDocument();
    expect(await within(screen.getByRole('table', { name: 'Feed preview' })).findByText('The feed has no items yet.')).toBeInTheDocument();
  });

  it('"Sync now" queues a sync, shows live progress, then the new batch in the history', async () => {
    let phase: 'idle' | 'queued' | 'running' | 'done' = 'idle';
    const running = batch({ id: 'batch_2', status: 'SYNCING', triggeredBy: 'user', created: 5, unchanged: 95, failed: 0, pagesDone: 1, totalPages: 4, completedAt: null, durationMs: null, errors: [] });
    const finished = batch({ id: 'batch_2', triggeredBy: 'user', created: 5, unchanged: 395, failed: 0, pagesDone: 4, totalPages: 4, errors: [] });
    let statusCalls = 0;
    const { calls } = mockApi(
      baseRoutes({
        [`POST ${S}/sync`]: () => {
          phase = 'queued';
          return json(202, { jobId: 'job_2', created: true });
        },
        [`GET ${S}/sync/status`]: () => {
          statusCalls += 1;
          if (phase === 'queued' && statusCalls > 3) phase = 'running';
          if (phase === 'running') return json(200, status({ syncStatus: 'SYNCING', current: running }));
          if (phase === 'done') return json(200, status({ last: finished }));
          return json(200, status());
        },
        'GET /api/v1/jobs/job_2': () => {
          // The job ends once the page has seen the batch run.
          if (phase === 'running') phase = 'done';
          return json(200, job('job_2', phase === 'done' ? 'succeeded' : 'running'));
        },
        [`GET ${S}/sync/history`]: () => json(200, { batches: phase === 'done' ? [finished, batch()] : [batch()] }),
      }),
    );
    renderSync();
    const u = userEvent.setup();
    const button = await screen.findByRole('button', { name: 'Sync now' });
    await waitFor(() => expect(button).toBeEnabled());
    await u.click(button);
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ type: 'FULL' });
    await screen.findByText('Sync queued — waiting for a worker…');
    await waitFor(() => expect(screen.getByRole('table', { name: 'Sync history' }).querySelectorAll('tbody tr')).toHaveLength(2));
    const newest = screen.getByTestId('batch-batch_2');
    expect(newest).toHaveTextContent('You');
    expect(newest).toHaveTextContent('395');
    expect(screen.getByTestId('sync-last')).toHaveTextContent('5 new');
  });

  it('shows the progress of a batch that is running', async () => {
    mockApi(
      baseRoutes({
        [`GET ${S}/sync/status`]: () =>
          json(200, status({ syncStatus: 'SYNCING', current: batch({ id: 'b3', status: 'SYNCING', created: 120, unchanged: 30, failed: 1, pagesDone: 3, totalPages: 8, completedAt: null }) })),
      }),
    );
    renderSync();
    const running = await screen.findByTestId('sync-running');
    expect(running).toHaveTextContent('page 3 of 8');
    expect(running).toHaveTextContent('150 products read so far: 120 new');
    expect(within(running).getByRole('progressbar', { name: 'Sync progress' })).toHaveAttribute('aria-valuenow', '38');
  });

  it('"Push now" queues a push and refetches the push history when it finished', async () => {
    let pushed = false;
    const { calls } = mockApi(
      baseRoutes({
        [`POST ${S}/sync/push`]: () => json(202, { jobId: 'job_p2', created: true }),
        'GET /api/v1/jobs/job_p2': () => {
          pushed = true;
          return json(200, job('job_p2', 'succeeded', { kind: 'feed.push' }));
        },
        [`GET ${S}/feed/pushes`]: () =>
          json(200, { pushes: pushed ? [push({ id: 'push_2', status: 'failed', remoteStatus: 401, remoteResponse: null, error: 'receiver refused the token' }), push()] : [push()] }),
      }),
    );
    renderSync();
    const u = userEvent.setup();
    const button = await screen.findByRole('button', { name: 'Push now' });
    await waitFor(() => expect(button).toBeEnabled());
    await u.click(button);
    expect(await screen.findByText('receiver refused the token')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'POST' && c.path === `${S}/sync/push`)).toBe(true);
    const rows = within(screen.getByRole('table', { name: 'Push history' })).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('failed');
    expect(rows[1]).toHaveTextContent('HTTP 401');
  });

  it('says when the store is disconnected and does not offer a sync', async () => {
    mockApi(
      baseRoutes({
        [`GET ${S}/sync/status`]: () =>
          json(200, status({ isConnected: false, syncStatus: 'FAILED', nextScheduledAt: null, connectionError: 'The store refused the API keys (401).' })),
      }),
    );
    renderSync();
    expect(await screen.findByText('Store disconnected')).toBeInTheDocument();
    expect(screen.getByText(/The store refused the API keys \(401\)\./)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sync now' })).toBeDisabled();
  });
});
