import { QueryClient } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { describe, expect, it } from 'vitest';
import { Providers } from '../../App';
import { json, mockApi, problem } from '../../test/utils';
import { shopFixture } from './fixtures';
import ShopLayout from './ShopLayout';

function Where() {
  const l = useLocation();
  return <div data-testid="location">{l.pathname + l.search}</div>;
}

function renderLayout(path: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <Providers client={client} env="test">
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/shops/:shopId" element={<ShopLayout />}>
            <Route index element={<div>overview page</div>} />
            <Route path="settings" element={<div>settings page</div>} />
          </Route>
          <Route path="*" element={<div>elsewhere</div>} />
        </Routes>
        <Where />
      </MemoryRouter>
    </Providers>,
  );
}

describe('ShopLayout', () => {
  it('shows the shop header and the tabs around the page', async () => {
    mockApi({ 'GET /api/v1/shops/shop_1': () => json(200, shopFixture()) });
    renderLayout('/shops/shop_1/settings');
    expect(await screen.findByRole('heading', { name: 'Outdoor Gear', level: 1 })).toBeInTheDocument();
    expect(screen.getByText('Connected')).toBeInTheDocument();
    expect(screen.getByTitle('Store currency')).toHaveTextContent('EUR');
    const nav = screen.getByRole('navigation', { name: 'Shop sections' });
    expect(within(nav).getAllByRole('link').map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Overview', '/shops/shop_1'],
      ['Products', '/shops/shop_1/products'],
      ['Sync', '/shops/shop_1/sync'],
      ['Settings', '/shops/shop_1/settings'],
    ]);
    expect(within(nav).getByRole('link', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
    expect(within(nav).getByRole('link', { name: 'Overview' })).not.toHaveAttribute('aria-current');
    expect(screen.getByText('settings page')).toBeInTheDocument();
  });

  it('says so when the shop does not exist (or is not yours)', async () => {
    mockApi({ 'GET /api/v1/shops/shop_x': () => problem(404, 'Not found', 'shop not found') });
    renderLayout('/shops/shop_x');
    expect(await screen.findByRole('heading', { name: 'Shop not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'All shops' })).toHaveAttribute('href', '/shops');
    expect(screen.queryByText('overview page')).not.toBeInTheDocument();
  });

  it('continues the connect wizard after the store approval', async () => {
    mockApi({ 'GET /api/v1/shops/shop_1': () => json(200, shopFixture()) });
    renderLayout('/shops/shop_1?connected=1');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/shops/new?shopId=shop_1&step=configure'));
  });
});
