import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, mockApi, problem, renderPage } from '../../test/utils';
import { configFixture, shopFixture, syncStateFixture } from './fixtures';
import ShopOverviewPage from './ShopOverviewPage';

const preview = {
  items: [],
  summary: { totalProducts: 120, included: 110, invalid: 6, excluded: 4, pending: 0 },
  previewStats: { products: 120, items: 140, excluded: 4, invalid: 6, pending: 0, itemsWithErrors: 6, warnings: 2 },
  latestFile: null,
};

function renderOverview() {
  return renderPage(<ShopOverviewPage />, { path: '/shops/shop_1', pattern: '/shops/:shopId' });
}

describe('ShopOverviewPage', () => {
  it('shows the counts, the last sync and the delivery the API reports', async () => {
    const { calls } = mockApi({
      'GET /api/v1/shops/shop_1': () => json(200, shopFixture()),
      'GET /api/v1/shops/shop_1/feed/preview': () => json(200, preview),
      'GET /api/v1/shops/shop_1/sync/status': () => json(200, syncStateFixture()),
      'GET /api/v1/shops/shop_1/openai-config': () =>
        json(200, configFixture({ method: 'https', cadence: 'after_sync', https: { endpoint: 'https://f.example', hasToken: true } })),
    });
    renderOverview();
    const catalog = screen.getByRole('region', { name: 'Catalog' });
    expect(await within(catalog).findByText('120')).toBeInTheDocument();
    expect(within(catalog).getByText('110')).toBeInTheDocument();
    expect(within(catalog).getByText('6')).toBeInTheDocument();
    expect(within(catalog).getByText('4')).toBeInTheDocument();
    expect(within(catalog).getByRole('link', { name: 'Review the invalid products' })).toHaveAttribute('href', '/shops/shop_1/products?valid=false');
    const sync = screen.getByRole('region', { name: 'Sync' });
    expect(await within(sync).findByText('120 new')).toBeInTheDocument();
    const delivery = screen.getByRole('region', { name: 'Delivery to OpenAI' });
    expect(await within(delivery).findByText('HTTPS push, after every sync')).toBeInTheDocument();
    expect(within(delivery).getByLabelText(/^hosted feed url/i)).toHaveValue(configFixture().hostedUrl);
    expect(calls.find((c) => c.path.endsWith('/feed/preview'))).toBeDefined();
  });

  it('keeps the other cards when one part fails', async () => {
    mockApi({
      'GET /api/v1/shops/shop_1': () => json(200, shopFixture({ isConnected: false, connectionError: 'Keys revoked in WooCommerce.' })),
      'GET /api/v1/shops/shop_1/feed/preview': () => problem(500, 'Internal error'),
      'GET /api/v1/shops/shop_1/sync/status': () => json(200, syncStateFixture({ last: null, lastSyncAt: null })),
      'GET /api/v1/shops/shop_1/openai-config': () => json(200, configFixture()),
    });
    renderOverview();
    expect(await screen.findByText('Could not load the catalog summary')).toBeInTheDocument();
    expect(await screen.findByText('Never')).toBeInTheDocument();
    expect(screen.getByText('The store is disconnected')).toBeInTheDocument();
    expect(screen.getByText(/Keys revoked in WooCommerce\./)).toBeInTheDocument();
  });
});
