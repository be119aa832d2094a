import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '../api/hooks';
import { problems, recentActivity, topReasons, totals, type ShopData } from '../components/dashboard/data';
import { json, mockApi, problem, renderPage } from '../test/utils';
import DashboardPage from './DashboardPage';
import { batch, preview, push, status } from './sync/fixtures';

const ada = { id: 'usr_1', email: 'ada@example.com', name: 'Ada Lovelace', emailVerified: true, tier: 'free' };

function shop(id: string, name: string, over: Record<string, unknown> = {}) {
  return {
    id,
    storeUrl: `https://${id}.example.com`,
    shopName: name,
    currency: 'USD',
    isConnected: true,
    connectionError: null,
    syncStatus: 'COMPLETED',
    syncEnabled: true,
    lastSyncAt: '2026-11-28T10:00:00Z',
    consumerKeyHint: '…abcd',
    ...over,
  };
}

function renderDashboard() {
  return renderPage(<DashboardPage />, { path: '/', pattern: '/', seed: (c) => c.setQueryData(queryKeys.me, ada) });
}

const withShopsApi = { 'GET /api/v1/openapi.json': () => json(200, { paths: { '/api/v1/shops': {}, '/api/v1/shops/{id}/sync': {} } }) };

function shopRoutes(id: string, o: { status?: unknown; preview?: unknown; pushes?: unknown[]; batches?: unknown[] } = {}) {
  const S = `/api/v1/shops/${id}`;
  return {
    [`GET ${S}/sync/status`]: () => json(200, o.status ?? status({ shopId: id })),
    [`GET ${S}/feed/preview`]: () => json(200, o.preview ?? preview()),
    [`GET ${S}/feed/pushes`]: () => json(200, { pushes: o.pushes ?? [push()] }),
    [`GET ${S}/sync/history`]: () => json(200, { batches: o.batches ?? [batch()] }),
  };
}

const issue = (field: string, code: string, message: string, severity = 'error') => ({ field, code, message, severity });

describe('DashboardPage', () => {
  it('shows the honest empty state with a link to connect a store when there is no shop', async () => {
    mockApi({ ...withShopsApi, 'GET /api/v1/shops': () => json(200, { shops: [] }) });
    renderDashboard();
    expect(await screen.findByRole('heading', { name: 'Connect your first WooCommerce store' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Welcome, Ada' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /connect a store/i })).toHaveAttribute('href', '/shops/new');
    expect(screen.queryByTestId('stats')).not.toBeInTheDocument();
  });

  it('keeps the connect button disabled, with the reason, on a server without the shops API', async () => {
    const { calls } = mockApi({ 'GET /api/v1/openapi.json': () => json(200, { paths: { '/api/v1/auth/me': {} } }) });
    renderDashboard();
    expect(await screen.findByText('Store connections are not enabled on this server yet.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /connect a store/i })).toBeDisabled();
    expect(calls.some((c) => c.path === '/api/v1/shops')).toBe(false);
  });

  it('sums real figures across shops and lists stores, syncs and problems', async () => {
    const a = shop('shop_a', 'Northwind');
    const b = shop('shop_b', 'Contoso', { isConnected: false, connectionError: 'The store rejected the keys (401).' });
    mockApi({
      ...withShopsApi,
      'GET /api/v1/shops': () => json(200, { shops: [a, b] }),
      ...shopRoutes('shop_a', {
        preview: preview({ summary: { totalProducts: 40, included: 30, invalid: 6, excluded: 3, pending: 1 } }),
        pushes: [push({ id: 'pa', status: 'failed', remoteStatus: 401, error: 'receiver refused the token', startedAt: '2026-11-28T11:00:00Z' })],
        batches: [batch({ id: 'ba', triggeredBy: 'webhook', syncType: 'INCREMENTAL', created: 0, updated: 1, unchanged: 0, failed: 0, startedAt: '2026-11-28T11:30:00Z' })],
      }),
      ...shopRoutes('shop_b', {
        status: status({ shopId: 'shop_b', isConnected: false }),
        preview: preview({ summary: { totalProducts: 10, included: 10, invalid: 0, excluded: 0, pending: 0 } }),
        pushes: [push({ id: 'pb', startedAt: '2026-11-28T09:00:00Z' })],
        batches: [batch({ id: 'bb', startedAt: '2026-11-28T09:00:00Z' })],
      }),
      'GET /api/v1/shops/shop_a/products': () =>
        json(200, { products: [{ id: 'p1', title: 'Beanie' }, { id: 'p2', title: 'Cap' }], pagination: { page: 1, limit: 5, total: 6, totalPages: 2 } }),
      'GET /api/v1/shops/shop_a/products/p1': () =>
        json(200, { validationIssues: [issue('image_url', 'missing_required', 'An image is required.'), issue('brand', 'missing_recommended', 'Add a brand.', 'warning')] }),
      'GET /api/v1/shops/shop_a/products/p2': () =>
        json(200, { validationIssues: [issue('image_url', 'missing_required', 'An image is required.'), issue('price', 'invalid_price', 'Price must be above zero.')] }),
    });
    renderDashboard();

    // 40 + 10 products, 30 + 10 in the feed (80%), valid = 50 - 6 invalid - 1 pending.
    await waitFor(() => expect(screen.getByTestId('stat-Products')).toHaveTextContent('50'));
    expect(screen.getByTestId('stat-In the ChatGPT feed')).toHaveTextContent('40');
    expect(screen.getByRole('group', { name: 'In the ChatGPT feed' })).toHaveTextContent('80% of products');
    expect(screen.getByTestId('stat-Valid / invalid')).toHaveTextContent('43 / 6');
    // The newest push across shops is shop_a's failed one.
    expect(screen.getByTestId('stat-Last delivery')).toHaveTextContent('Failed');

    const stores = screen.getByRole('table', { name: 'Stores at a glance' });
    const rows = within(stores).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('Northwind');
    expect(rows[0]).toHaveTextContent('75%');
    expect(rows[1]).toHaveTextContent('Contoso');
    expect(rows[1]).toHaveTextContent('Disconnected');
    expect(within(rows[0]).getByRole('link', { name: 'Northwind' })).toHaveAttribute('href', '/shops/shop_a');

    // Newest sync first.
    const activity = screen.getByRole('list', { name: 'Recent syncs' });
    expect(within(activity).getAllByRole('listitem')[0]).toHaveTextContent('Incremental sync');
    expect(within(activity).getAllByRole('listitem')[0]).toHaveTextContent('Store webhook');

    expect(screen.getByText('Contoso is disconnected')).toBeInTheDocument();
    expect(screen.getByText('The store rejected the keys (401).')).toBeInTheDocument();
    expect(screen.getByText('Feed delivery of Northwind failed')).toBeInTheDocument();
    expect(screen.getByText(/receiver refused the token/)).toBeInTheDocument();
    const invalid = await screen.findByTestId('invalid-shop_a');
    expect(invalid).toHaveTextContent('6 invalid products in Northwind');
    await waitFor(() => expect(invalid).toHaveTextContent('image_url: An image is required. (2 of 2)'));
    expect(invalid).toHaveTextContent('price: Price must be above zero. (1 of 2)');
    expect(invalid).not.toHaveTextContent('Add a brand');
    expect(within(invalid).getByRole('link', { name: 'Review the products' })).toHaveAttribute('href', '/shops/shop_a/products?status=ERROR');
  });

  it('shows the stores table with placeholder rows while the stores load', async () => {
    let release: ((r: Response) => void) | null = null;
    mockApi({
      ...withShopsApi,
      'GET /api/v1/shops': () =>
        new Promise<Response>((resolve) => {
          release = resolve;
        }),
      ...shopRoutes('shop_a'),
      'GET /api/v1/shops/shop_a/products': () => json(200, { products: [], pagination: { page: 1, limit: 5, total: 0, totalPages: 0 } }),
    });
    renderDashboard();
    const loading = await screen.findByRole('table', { name: 'Stores at a glance' });
    expect(loading).toHaveAttribute('aria-busy', 'true');
    expect(within(loading).getByRole('columnheader', { name: 'In feed' })).toBeInTheDocument();
    expect(loading.querySelectorAll('tbody tr[data-skeleton]')).toHaveLength(2);
    expect(within(loading).getAllByRole('row')).toHaveLength(1);

    await waitFor(() => expect(release).not.toBeNull());
    release!(json(200, { shops: [shop('shop_a', 'Northwind')] }));
    await waitFor(() => expect(screen.getByRole('table', { name: 'Stores at a glance' })).toHaveAttribute('aria-busy', 'false'));
    const stores = screen.getByRole('table', { name: 'Stores at a glance' });
    expect(stores.querySelectorAll('tbody tr[data-skeleton]')).toHaveLength(0);
    expect(await within(stores).findByRole('link', { name: 'Northwind' })).toBeInTheDocument();
    expect(screen.getAllByRole('table', { name: 'Stores at a glance' })).toHaveLength(1);
  });

  it('says so when nothing needs attention', async () => {
    mockApi({
      ...withShopsApi,
      'GET /api/v1/shops': () => json(200, { shops: [shop('shop_a', 'Northwind')] }),
      ...shopRoutes('shop_a', { preview: preview({ summary: { totalProducts: 5, included: 5, invalid: 0, excluded: 0, pending: 0 } }) }),
    });
    renderDashboard();
    expect(await screen.findByText('Nothing needs your attention.')).toBeInTheDocument();
    expect(screen.getByTestId('stat-Last delivery')).toHaveTextContent('Delivered');
  });

  it('shows an error with a retry when the shops cannot be loaded', async () => {
    mockApi({ ...withShopsApi, 'GET /api/v1/shops': () => problem(500, 'Internal Server Error', 'The server had a problem.') });
    renderDashboard();
    expect(await screen.findByText('Could not load your stores')).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Connect your first WooCommerce store' })).not.toBeInTheDocument();
  });
});

describe('dashboard figures', () => {
  const d = (over: Partial<ShopData>): ShopData => ({
    shop: shop('s', 'S') as unknown as ShopData['shop'],
    settled: true,
    error: null,
    ...over,
  });

  it('counts only shops whose summary answered', () => {
    const t = totals([d({ summary: { totalProducts: 3, included: 2, invalid: 1, excluded: 0, pending: 0 } }), d({})]);
    expect(t).toMatchObject({ shops: 2, counted: 1, products: 3, included: 2, invalid: 1, valid: 2, lastPush: null });
  });

  it('ranks reasons by products, one count per product; warnings only for products without errors', () => {
    const reasons = topReasons({
      total: 3,
      products: [
        { id: '1', title: 'a', issues: [issue('gtin', 'invalid_gtin', 'Bad GTIN.'), issue('gtin', 'invalid_gtin', 'Bad GTIN (variant).')] },
        { id: '2', title: 'b', issues: [issue('gtin', 'invalid_gtin', 'Bad GTIN.'), issue('title', 'too_long', 'Too long.')] },
        { id: '3', title: 'c', issues: [issue('', 'not_in_feed', 'Not sellable.', 'warning')] },
        { id: '4', title: 'd', issues: [issue('title', 'too_long', 'Too long.'), issue('brand', 'missing', 'Brand.', 'warning')] },
      ],
    });
    expect(reasons.map((r) => [r.field, r.count])).toEqual([
      ['gtin', 2],
      ['title', 2],
      ['', 1],
    ]);
  });

  it('tells an unfinished connection from a disconnected store, and sorts activity newest first', () => {
    const pendingShop = { ...shop('p', 'P'), isConnected: false, consumerKeyHint: null, lastSyncAt: null } as unknown as ShopData['shop'];
    expect(problems([d({ shop: pendingShop })]).map((p) => p.kind)).toEqual(['unfinished']);
    const acts = recentActivity([
      d({ history: [batch({ id: 'old', startedAt: '2026-01-01T00:00:00Z' })] }),
      d({ history: [batch({ id: 'new', startedAt: '2026-02-01T00:00:00Z' }), batch({ id: 'queued', startedAt: null, completedAt: null })] }),
    ]);
    expect(acts.map((a) => a.batch.id)).toEqual(['new', 'old']);
  });
});
