import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { json, mockApi, problem, renderPage } from '../../test/utils';
import ConnectShopPage from './ConnectShopPage';
import { batchFixture, configFixture, shopFixture, syncStateFixture } from './fixtures';

const AUTH_URL = 'http://127.0.0.1:9/wc-auth/v1/authorize?app_name=ProductSynch&scope=read_write';

function renderWizard(path = '/shops/new') {
  return renderPage(<ConnectShopPage />, { path, pattern: '/shops/new' });
}

afterEach(() => sessionStorage.clear());

describe('ConnectShopPage — Enter URL', () => {
  it("puts the API's problem on the Store URL field", async () => {
    const { calls } = mockApi({
      'POST /api/v1/shops': () =>
        problem(422, 'Validation failed', 'Invalid request', [
          { field: 'storeUrl', code: 'not_woocommerce', message: "WordPress answers, but WooCommerce's REST API (wc/v3) is not active." },
        ]),
    });
    renderWizard();
    const u = userEvent.setup();
    await u.type(screen.getByLabelText(/^store url/i), 'blog.example.com');
    await u.click(screen.getByRole('button', { name: 'Connect store' }));
    expect(await screen.findByText(/WooCommerce's REST API \(wc\/v3\) is not active/)).toBeInTheDocument();
    expect(screen.getByLabelText(/^store url/i)).toHaveAttribute('aria-invalid', 'true');
    expect(calls[0].body).toEqual({ storeUrl: 'blog.example.com' });
  });

  it('validates before calling the API', async () => {
    const { calls } = mockApi({});
    renderWizard();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Connect store' }));
    expect(await screen.findByText("Enter your store's address")).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });

  it('goes to the Authorize step with a link to the store approval page', async () => {
    mockApi({ 'POST /api/v1/shops': () => json(201, { authUrl: AUTH_URL, shopId: 'shop_9' }) });
    renderWizard();
    const u = userEvent.setup();
    await u.type(screen.getByLabelText(/^store url/i), 'https://outdoor.example.com');
    await u.click(screen.getByRole('button', { name: 'Connect store' }));
    const authorize = await screen.findByRole('link', { name: /authorize on your store/i });
    expect(authorize).toHaveAttribute('href', AUTH_URL);
    // The start is remembered, so the Initial sync step can tell the new batch from older ones.
    expect(sessionStorage.getItem('productsynch.connect.since.shop_9')).toMatch(/^\d+$/);
    await u.click(screen.getByRole('button', { name: 'Back' }));
    expect(screen.getByLabelText(/^store url/i)).toHaveValue('https://outdoor.example.com');
  });

  it('connects with keys entered by hand and continues to Configure', async () => {
    const { calls } = mockApi({
      'POST /api/v1/shops': () => json(201, { shopId: 'shop_1', shop: shopFixture() }),
      'GET /api/v1/shops/shop_1': () => json(200, shopFixture()),
      'GET /api/v1/shops/shop_1/openai-config': () => json(200, configFixture()),
    });
    renderWizard();
    const u = userEvent.setup();
    await u.type(screen.getByLabelText(/^store url/i), 'outdoor.example.com');
    await u.click(screen.getByLabelText(/enter api keys by hand/i));
    await u.click(screen.getByRole('button', { name: 'Connect store' }));
    expect(await screen.findByText('Enter the consumer key')).toBeInTheDocument();
    await u.type(screen.getByLabelText(/^consumer key/i), 'ck_123');
    await u.type(screen.getByLabelText(/^consumer secret/i), 'cs_456');
    await u.click(screen.getByRole('button', { name: 'Connect store' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/shops/new?shopId=shop_1&step=configure'));
    expect(await screen.findByLabelText(/^seller name/i)).toBeInTheDocument();
    expect(calls[0].body).toEqual({ storeUrl: 'outdoor.example.com', consumerKey: 'ck_123', consumerSecret: 'cs_456' });
  });
});

describe('ConnectShopPage — Configure', () => {
  it('saves seller settings and delivery, then moves to the initial sync', async () => {
    const { calls } = mockApi({
      'GET /api/v1/shops/shop_1': () => json(200, shopFixture()),
      'GET /api/v1/shops/shop_1/openai-config': () => json(200, configFixture()),
      'PATCH /api/v1/shops/shop_1': () => json(200, shopFixture({ seller: { ...shopFixture().seller, sellerName: 'Outdoor' } })),
      'PUT /api/v1/shops/shop_1/openai-config': () => json(200, configFixture()),
      'GET /api/v1/shops/shop_1/sync/status': () => json(200, syncStateFixture({ current: batchFixture({ status: 'SYNCING', pagesDone: 1, totalPages: 4 }), last: null })),
    });
    renderWizard('/shops/new?shopId=shop_1&step=configure');
    const u = userEvent.setup();
    await u.type(await screen.findByLabelText(/^seller name/i), 'Outdoor');
    await u.type(screen.getByLabelText(/^return window/i), '30');
    await u.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('step=sync'));
    expect(calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({ sellerName: 'Outdoor', returnWindow: 30 });
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ method: 'hosted', cadence: 'daily', enabled: true });
    expect(await screen.findByText(/page 1 of 4/)).toBeInTheDocument();
  });

  it('shows validation errors of the server on their fields', async () => {
    mockApi({
      'GET /api/v1/shops/shop_1': () => json(200, shopFixture()),
      'GET /api/v1/shops/shop_1/openai-config': () => json(200, configFixture()),
      'PATCH /api/v1/shops/shop_1': () =>
        problem(422, 'Validation failed', 'Invalid request', [
          { field: 'sellerUrl', code: 'invalid_url', message: 'Enter a full http(s) URL.' },
          { field: 'feed.storeCountry', code: 'invalid_country', message: 'ISO 3166-1 alpha-2 code, e.g. US.' },
        ]),
    });
    renderWizard('/shops/new?shopId=shop_1&step=configure');
    const u = userEvent.setup();
    await u.type(await screen.findByLabelText(/^seller url/i), 'https://outdoor.example.com/');
    await u.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByText('Enter a full http(s) URL.')).toBeInTheDocument();
    expect(screen.getByText('ISO 3166-1 alpha-2 code, e.g. US.')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('step=configure');
  });

  it('asks for the HTTPS destination when HTTPS push is chosen', async () => {
    const { calls } = mockApi({
      'GET /api/v1/shops/shop_1': () => json(200, shopFixture()),
      'GET /api/v1/shops/shop_1/openai-config': () => json(200, configFixture()),
    });
    renderWizard('/shops/new?shopId=shop_1&step=configure');
    const u = userEvent.setup();
    await u.click(await screen.findByRole('radio', { name: 'HTTPS push' }));
    await u.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByText('Enter the endpoint URL')).toBeInTheDocument();
    expect(screen.getByText('Enter the bearer token')).toBeInTheDocument();
    expect(calls.some((c) => c.method !== 'GET')).toBe(false);
  });

  it('offers to start again when the store did not authorize', async () => {
    mockApi({
      'GET /api/v1/shops/shop_1': () => json(200, shopFixture({ isConnected: false, consumerKeyHint: null })),
      'GET /api/v1/shops/shop_1/openai-config': () => json(200, configFixture()),
    });
    renderWizard('/shops/new?shopId=shop_1&step=configure');
    expect(await screen.findByText('The store is not connected yet')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Start again' })).toHaveAttribute(
      'href',
      '/shops/new?storeUrl=https%3A%2F%2Foutdoor.example.com',
    );
  });
});

describe('ConnectShopPage — Initial sync', () => {
  it('links to the products once the batch is done', async () => {
    sessionStorage.setItem('productsynch.connect.since.shop_1', String(Date.parse('2026-11-28T09:59:00Z')));
    mockApi({ 'GET /api/v1/shops/shop_1/sync/status': () => json(200, syncStateFixture()) });
    renderWizard('/shops/new?shopId=shop_1&step=sync');
    expect(await screen.findByText('Import finished: 120 products.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'View products' })).toHaveAttribute('href', '/shops/shop_1/products');
    expect(screen.getByRole('progressbar', { name: 'Initial sync progress' })).toHaveAttribute('aria-valuenow', '100');
    expect(screen.getByText('120 new.')).toBeInTheDocument();
  });

  it('keeps waiting while only an older batch exists', async () => {
    sessionStorage.setItem('productsynch.connect.since.shop_1', String(Date.parse('2026-11-28T12:00:00Z')));
    mockApi({ 'GET /api/v1/shops/shop_1/sync/status': () => json(200, syncStateFixture()) });
    renderWizard('/shops/new?shopId=shop_1&step=sync');
    expect(await screen.findByText('Waiting for the import to start…')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'View products' })).not.toBeInTheDocument();
  });
});
