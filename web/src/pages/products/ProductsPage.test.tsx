import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockApi, problem, renderPage } from '../../test/utils';
import ProductsPage from './ProductsPage';
import { pageFixture, summaryFixture } from './testFixtures';

const shop = { id: 'shp_1', currency: 'EUR', shopName: 'Outdoor' };

function render(path = '/shops/shp_1/products') {
  return renderPage(<ProductsPage />, { path, pattern: '/shops/:shopId/products' });
}

/** Query parameters of every products list request, in order. */
function listQueries(fetchMock: { mock: { calls: unknown[][] } }) {
  return fetchMock.mock.calls
    .map((c) => new URL(String(c[0]), 'http://x'))
    .filter((u) => u.pathname === '/api/v1/shops/shp_1/products')
    .map((u) => Object.fromEntries(u.searchParams));
}

describe('ProductsPage', () => {
  it('lists products with price in the shop currency, flags and status', async () => {
    mockApi({
      'GET /api/v1/shops/shp_1': () => json(200, shop),
      'GET /api/v1/shops/shp_1/products': () =>
        json(
          200,
          pageFixture([
            summaryFixture(1, { title: 'Trail Tent', price: '199.5', feedEnableCheckout: true, aiEnriched: true }),
            summaryFixture(2, { title: 'Camp Stove', status: 'EXCLUDED' }),
            summaryFixture(3, { title: 'Headlamp', isValid: false, status: 'ERROR', availability: 'out_of_stock' }),
          ]),
        ),
    });
    render();
    const table = await screen.findByRole('table', { name: 'Products' });
    const tent = (await within(table).findByRole('link', { name: 'Trail Tent' })).closest('tr') as HTMLElement;
    await waitFor(() => expect(within(tent).getByText(/199\.50/)).toBeInTheDocument());
    expect(within(tent).getByText(/€/)).toBeInTheDocument();
    expect(within(tent).getByLabelText('Checkout on')).toBeInTheDocument();
    expect(within(tent).getByText('Valid')).toBeInTheDocument();
    expect(within(tent).getByRole('link', { name: 'Edit Trail Tent' })).toHaveAttribute('href', '/shops/shp_1/products/prd_1');
    expect(within(table).getByRole('columnheader', { name: 'AI enriched' })).toBeInTheDocument();
    const stove = within(table).getByText('Camp Stove').closest('tr') as HTMLElement;
    expect(within(stove).getByText('Excluded')).toBeInTheDocument();
    expect(within(stove).getByRole('switch', { name: 'Include Camp Stove in feed' })).not.toBeChecked();
    const lamp = within(table).getByText('Headlamp').closest('tr') as HTMLElement;
    expect(within(lamp).getByText('Invalid')).toBeInTheDocument();
    expect(within(lamp).getByText('Out of stock')).toBeInTheDocument();
  });

  it('omits the AI column when the API does not report enrichment', async () => {
    const { aiEnriched: _drop, ...plain } = summaryFixture(1);
    void _drop;
    mockApi({
      'GET /api/v1/shops/shp_1': () => json(200, shop),
      'GET /api/v1/shops/shp_1/products': () => json(200, pageFixture([plain])),
    });
    render();
    await screen.findByRole('link', { name: 'Product 1' });
    expect(screen.queryByRole('columnheader', { name: 'AI enriched' })).not.toBeInTheDocument();
  });

  it('reads filters, sort and paging from the URL and sends them to the API', async () => {
    const { fetchMock } = mockApi({
      'GET /api/v1/shops/shp_1': () => json(200, shop),
      'GET /api/v1/shops/shp_1/products': () => json(200, pageFixture([summaryFixture(1)], 60, 2, 25)),
    });
    render('/shops/shp_1/products?status=ERROR&valid=false&overrides=true&sort=-price&page=2&limit=25&q=tent');
    await screen.findByRole('link', { name: 'Product 1' });
    expect(listQueries(fetchMock)[0]).toEqual({
      page: '2',
      limit: '25',
      sort: '-price',
      search: 'tent',
      status: 'ERROR',
      valid: 'false',
      hasOverrides: 'true',
    });
    expect(screen.getByLabelText('Search products')).toHaveValue('tent');
  });

  it('debounces the search into the URL and back to page 1', async () => {
    const { fetchMock } = mockApi({
      'GET /api/v1/shops/shp_1': () => json(200, shop),
      'GET /api/v1/shops/shp_1/products': () => json(200, pageFixture([summaryFixture(1)], 200, 3)),
    });
    render('/shops/shp_1/products?page=3');
    await screen.findByRole('link', { name: 'Product 1' });
    await userEvent.setup().type(screen.getByLabelText('Search products'), 'stove');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/shops/shp_1/products?q=stove'));
    await waitFor(() => expect(listQueries(fetchMock).at(-1)).toMatchObject({ search: 'stove', page: '1' }));
    // The page the user was on belongs to the old list: the search starts again at page 1.
    expect(screen.getByTestId('location')).not.toHaveTextContent('page=');
  });

  it('selects every product matching the filter and excludes them in bulk', async () => {
    const { calls } = mockApi({
      'GET /api/v1/shops/shp_1': () => json(200, shop),
      'GET /api/v1/shops/shp_1/products': () => json(200, pageFixture([summaryFixture(1), summaryFixture(2)], 120)),
      'POST /api/v1/shops/shp_1/products/bulk': () => json(200, { action: 'exclude', affected: 120 }),
    });
    render('/shops/shp_1/products?valid=false&q=tent');
    const u = userEvent.setup();
    await u.click(await screen.findByRole('checkbox', { name: 'Select all on this page' }));
    expect(screen.getByRole('checkbox', { name: 'Select Product 1' })).toBeChecked();
    expect(screen.getByText('2 products selected')).toBeInTheDocument();
    await u.click(screen.getByRole('button', { name: 'Select all 120 matching products' }));
    expect(screen.getByText('All 120 matching products selected')).toBeInTheDocument();
    await u.click(within(screen.getByRole('region', { name: 'Bulk actions' })).getByRole('button', { name: 'Exclude from feed' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ action: 'exclude', filter: { search: 'tent', valid: false } });
    expect(await screen.findByText('120 products excluded from the feed')).toBeInTheDocument();
  });

  it('asks before resetting overrides of the selected products', async () => {
    const { calls } = mockApi({
      'GET /api/v1/shops/shp_1': () => json(200, shop),
      'GET /api/v1/shops/shp_1/products': () => json(200, pageFixture([summaryFixture(1), summaryFixture(2)])),
      'POST /api/v1/shops/shp_1/products/bulk': () => json(200, { action: 'reset_overrides', affected: 1 }),
    });
    render();
    const u = userEvent.setup();
    await u.click(await screen.findByRole('checkbox', { name: 'Select Product 2' }));
    await u.click(screen.getByRole('button', { name: 'Reset overrides…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reset manual edits' });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    await u.click(within(dialog).getByRole('button', { name: 'Reset overrides' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ action: 'reset_overrides', ids: ['prd_2'] }));
  });

  it('follows a queued bulk job until it has finished, then refreshes the list', async () => {
    let jobPolls = 0;
    let listLoads = 0;
    mockApi({
      'GET /api/v1/shops/shp_1': () => json(200, shop),
      'GET /api/v1/shops/shp_1/products': () => {
        listLoads++;
        return json(200, pageFixture([summaryFixture(1)]));
      },
      'POST /api/v1/shops/shp_1/products/bulk': () => json(202, { action: 'enable_checkout', matched: 601, affected: null, jobId: 'job_7' }),
      'GET /api/v1/jobs/job_7': () => {
        jobPolls++;
        const base = { id: 'job_7', queue: 'bulk', kind: 'product-bulk', attempts: 1, maxAttempts: 3, runAt: '2026-11-28T10:00:00Z', createdAt: '2026-11-28T10:00:00Z' };
        return json(200, jobPolls < 2 ? { ...base, status: 'running', progress: { current: 1, total: 4 } } : { ...base, status: 'succeeded', result: { action: 'enable_checkout', affected: 601 } });
      },
    });
    render();
    const u = userEvent.setup();
    await u.click(await screen.findByRole('checkbox', { name: 'Select Product 1' }));
    await u.click(screen.getByRole('button', { name: 'Enable checkout' }));
    expect(await screen.findByRole('progressbar', { name: 'Bulk action progress' })).toBeInTheDocument();
    expect(await screen.findByText('Bulk action finished')).toBeInTheDocument();
    expect(screen.getByText('601 products enabled for ChatGPT checkout')).toBeInTheDocument();
    await waitFor(() => expect(listLoads).toBeGreaterThanOrEqual(2));
    expect(screen.queryByRole('progressbar', { name: 'Bulk action progress' })).not.toBeInTheDocument();
  });

  it('excludes one product from its row at once and undoes it when the server refuses', async () => {
    let answer: ((r: Response) => void) | null = null;
    const { calls } = mockApi({
      'GET /api/v1/shops/shp_1': () => json(200, shop),
      'GET /api/v1/shops/shp_1/products': () => json(200, pageFixture([summaryFixture(1, { title: 'Trail Tent' })])),
      'PATCH /api/v1/shops/shp_1/products/prd_1': () => new Promise<Response>((r) => (answer = r)),
    });
    render();
    const toggle = await screen.findByRole('switch', { name: 'Include Trail Tent in feed' });
    expect(toggle).toBeChecked();
    await userEvent.setup().click(toggle);
    // Before the server has answered, the row already shows the change.
    await waitFor(() => expect(screen.getByRole('switch', { name: 'Include Trail Tent in feed' })).not.toBeChecked());
    expect(within(screen.getByRole('table', { name: 'Products' })).getByText('Excluded')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ excluded: true });
    answer!(problem(409, 'Conflict', 'The product changed meanwhile.'));
    expect(await screen.findByText('The product changed meanwhile.')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('switch', { name: 'Include Trail Tent in feed' })).toBeChecked());
  });

  it('shows an empty state and an error state', async () => {
    mockApi({
      'GET /api/v1/shops/shp_1': () => json(200, shop),
      'GET /api/v1/shops/shp_1/products': () => json(200, pageFixture([], 0)),
    });
    const { unmount } = render('/shops/shp_1/products?q=zzz');
    expect(await screen.findByText('No products match these filters')).toBeInTheDocument();
    unmount();
    mockApi({
      'GET /api/v1/shops/shp_1': () => json(200, shop),
      'GET /api/v1/shops/shp_1/products': () => problem(422, 'Unprocessable Entity', 'Unknown status "X".'),
    });
    render();
    expect(await screen.findByRole('alert')).toHaveTextContent('Unknown status "X".');
  });
});
