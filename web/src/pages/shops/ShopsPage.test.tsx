import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, mockApi, problem, renderPage } from '../../test/utils';
import { shopFixture, syncStateFixture } from './fixtures';
import ShopsPage from './ShopsPage';

describe('ShopsPage', () => {
  it('lists each shop with its status, product count and last sync', async () => {
    mockApi({
      'GET /api/v1/shops': () =>
        json(200, {
          shops: [
            shopFixture(),
            shopFixture({ id: 'shop_2', shopName: 'Half Done', storeUrl: 'https://half.example.com', isConnected: false, consumerKeyHint: null, lastSyncAt: null }),
            shopFixture({ id: 'shop_3', shopName: 'Broken Keys', isConnected: false, connectionError: 'The keys were revoked.' }),
          ],
        }),
      'GET /api/v1/shops/shop_1/sync/status': () => json(200, syncStateFixture({ productCount: 1234 })),
      'GET /api/v1/shops/shop_3/sync/status': () => json(200, syncStateFixture({ shopId: 'shop_3', productCount: 7 })),
    });
    renderPage(<ShopsPage />, { path: '/shops', pattern: '/shops' });
    const list = await screen.findByRole('list', { name: 'Shops' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    const [first, second, third] = items;
    expect(within(first).getByRole('link', { name: 'Outdoor Gear' })).toHaveAttribute('href', '/shops/shop_1');
    expect(within(first).getByText('Connected')).toBeInTheDocument();
    expect(await within(first).findByText((1234).toLocaleString())).toBeInTheDocument();
    expect(within(first).getByText('EUR')).toBeInTheDocument();
    expect(within(second).getByText('Pending authorization')).toBeInTheDocument();
    expect(within(second).getByText('Never')).toBeInTheDocument();
    expect(within(second).getByRole('link', { name: 'Finish connecting' })).toHaveAttribute(
      'href',
      '/shops/new?storeUrl=https%3A%2F%2Fhalf.example.com',
    );
    expect(within(third).getByText('Disconnected')).toBeInTheDocument();
    expect(within(third).getByText('The keys were revoked.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Connect a store' })).toHaveAttribute('href', '/shops/new');
  });

  it('invites to connect the first store when there is none', async () => {
    mockApi({ 'GET /api/v1/shops': () => json(200, { shops: [] }) });
    renderPage(<ShopsPage />, { path: '/shops', pattern: '/shops' });
    expect(await screen.findByText('No store connected yet')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Connect your first store' })).toHaveAttribute('href', '/shops/new');
  });

  it('shows an error with a retry', async () => {
    mockApi({ 'GET /api/v1/shops': () => problem(503, 'Service unavailable', 'Database unreachable') });
    renderPage(<ShopsPage />, { path: '/shops', pattern: '/shops' });
    expect(await screen.findByText('Database unreachable')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});
