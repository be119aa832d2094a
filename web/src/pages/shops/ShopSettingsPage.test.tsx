import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockApi, noContent, problem, renderPage } from '../../test/utils';
import { configFixture, shopFixture } from './fixtures';
import ShopSettingsPage from './ShopSettingsPage';

function renderSettings() {
  return renderPage(<ShopSettingsPage />, { path: '/shops/shop_1/settings', pattern: '/shops/:shopId/settings' });
}

const base = {
  'GET /api/v1/shops/shop_1': () => json(200, shopFixture()),
  'GET /api/v1/shops/shop_1/openai-config': () => json(200, configFixture()),
};

describe('ShopSettingsPage', () => {
  it('shows the hosted URL and rotates it after a confirmation', async () => {
    const { calls } = mockApi({
      ...base,
      'POST /api/v1/shops/shop_1/feed/rotate-token': () => json(200, { hostedUrl: 'http://localhost:3000/feeds/tok_new/products.jsonl.gz' }),
    });
    renderSettings();
    // Exactly one element answers to the label (browser tests find fields by label substrings).
    expect(await screen.findAllByLabelText(/hosted feed url/i)).toHaveLength(1);
    const url = screen.getByLabelText(/^hosted feed url/i);
    expect(url).toHaveValue('http://localhost:3000/feeds/tok_old/products.jsonl.gz');
    expect(screen.getByRole('button', { name: 'Copy the feed address' })).toBeInTheDocument();
    const u = userEvent.setup();
    await u.click(screen.getByRole('button', { name: 'Rotate URL…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rotate the hosted feed URL' });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    await u.click(within(dialog).getByRole('button', { name: 'Rotate URL' }));
    await waitFor(() => expect(screen.getByLabelText(/^hosted feed url/i)).toHaveValue('http://localhost:3000/feeds/tok_new/products.jsonl.gz'));
  });

  it('saves an SFTP destination and shows server errors on the SFTP fields', async () => {
    const { calls } = mockApi({
      ...base,
      'PUT /api/v1/shops/shop_1/openai-config': () =>
        problem(422, 'Validation failed', 'Invalid request', [
          { field: 'sftp.host', code: 'private_address', message: 'the SFTP host must be a public host' },
        ]),
    });
    renderSettings();
    const u = userEvent.setup();
    await u.click(await screen.findByRole('radio', { name: 'SFTP upload' }));
    await u.type(screen.getByLabelText(/^sftp host/i), '10.0.0.5');
    await u.type(screen.getByLabelText(/^user name/i), 'feeds');
    await u.type(screen.getByLabelText(/^password/i), 'pw-123');
    await u.click(screen.getByRole('button', { name: 'Save delivery settings' }));
    expect(await screen.findByText('the SFTP host must be a public host')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      method: 'sftp',
      cadence: 'daily',
      enabled: true,
      sftp: { host: '10.0.0.5', port: 22, username: 'feeds', password: 'pw-123', directory: '.', fileName: 'products.jsonl.gz' },
    });
  });

  it('never shows stored secrets and keeps them when left blank', async () => {
    const cfg = configFixture({ method: 'https', https: { endpoint: 'https://feeds.example.com/in', hasToken: true } });
    const { calls } = mockApi({
      ...base,
      'GET /api/v1/shops/shop_1/openai-config': () => json(200, cfg),
      'PUT /api/v1/shops/shop_1/openai-config': () => json(200, { ...cfg, cadence: 'after_sync' }),
    });
    renderSettings();
    const token = await screen.findByLabelText(/^bearer token/i);
    expect(token).toHaveValue('');
    expect(token).toHaveAttribute('placeholder', expect.stringMatching(/stored/i));
    const u = userEvent.setup();
    await u.click(screen.getByLabelText(/^push cadence/i, { selector: 'input' }));
    await u.click(await screen.findByRole('option', { name: 'After every sync' }));
    await u.click(screen.getByRole('button', { name: 'Save delivery settings' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      method: 'https',
      cadence: 'after_sync',
      enabled: true,
      https: { endpoint: 'https://feeds.example.com/in' },
    });
  });

  it('saves the seller settings with field errors from the server', async () => {
    const { calls } = mockApi({
      ...base,
      'PATCH /api/v1/shops/shop_1': () =>
        problem(422, 'Validation failed', 'Invalid request', [
          { field: 'feed.enableCheckout', code: 'requires_policies', message: 'Checkout needs privacy policy and terms URLs.' },
        ]),
    });
    renderSettings();
    const u = userEvent.setup();
    await u.type(await screen.findByLabelText(/^seller name/i), 'Outdoor');
    await u.click(screen.getByRole('button', { name: 'Save seller settings' }));
    expect(await screen.findByText('Checkout needs privacy policy and terms URLs.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({ sellerName: 'Outdoor', feed: { brandAttribute: 'pa_brand' } });
  });

  it('verifies the connection', async () => {
    const { calls } = mockApi({
      ...base,
      'POST /api/v1/shops/shop_1/verify': () => json(200, { connected: true, shop: shopFixture() }),
    });
    renderSettings();
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Verify connection' }));
    expect(await screen.findByText('The store answers and the keys work.')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('disconnects only after a confirmation, then goes to the shop list', async () => {
    const { calls } = mockApi({
      ...base,
      'DELETE /api/v1/shops/shop_1': () => noContent(),
      'GET /api/v1/shops': () => json(200, { shops: [] }),
    });
    renderSettings();
    const u = userEvent.setup();
    await u.click(await screen.findByRole('button', { name: 'Disconnect store…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Disconnect Outdoor Gear' });
    await u.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await u.click(screen.getByRole('button', { name: 'Disconnect store…' }));
    await u.click(within(await screen.findByRole('dialog', { name: 'Disconnect Outdoor Gear' })).getByRole('button', { name: 'Disconnect' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/shops$/));
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/api/v1/shops/shop_1']);
  });
});
