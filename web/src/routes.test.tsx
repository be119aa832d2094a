import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useEffect } from 'react';
import { MemoryRouter, useLocation } from 'react-router';
import { describe, expect, it } from 'vitest';
import { Providers } from './App';
import { api } from './api/client';
import { bindSessionExpiry } from './api/hooks';
import { AppRoutes } from './routes';
import { json, mockApi, noContent, problem, testQueryClient } from './test/utils';

const ada = { id: 'usr_1', email: 'ada@example.com', name: 'Ada Lovelace', emailVerified: true, tier: 'free' };

function Location() {
  const l = useLocation();
  return <div data-testid="location">{l.pathname + l.search}</div>;
}

function renderApp(path: string) {
  const client = testQueryClient();
  function Bind() {
    useEffect(() => bindSessionExpiry(api, client), []);
    return null;
  }
  render(
    <Providers client={client} env="test">
      <Bind />
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
        <Location />
      </MemoryRouter>
    </Providers>,
  );
  return client;
}

describe('app routes', () => {
  it('sends a visitor without a session to the login page, keeping where they wanted to go', async () => {
    mockApi({
      'GET /api/v1/auth/me': () => problem(401, 'Unauthorized'),
      'POST /api/v1/auth/refresh': () => problem(401, 'Unauthorized'),
    });
    renderApp('/settings');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/login?next=%2Fsettings');
  });

  it('shows the dashboard with an honest empty state and no Shops entry before the shops API exists', async () => {
    mockApi({
      'GET /api/v1/auth/me': () => json(200, ada),
      'GET /api/v1/openapi.json': () => json(200, { paths: { '/api/v1/auth/me': {} } }),
    });
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Welcome, Ada' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Connect your first WooCommerce store' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /connect a store/i })).toBeDisabled();
    expect(screen.getByRole('link', { name: 'Settings' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Shops' })).not.toBeInTheDocument();
  });

  it('links the empty dashboard to the connect wizard when the server offers the shops API', async () => {
    mockApi({
      'GET /api/v1/auth/me': () => json(200, ada),
      'GET /api/v1/openapi.json': () => json(200, { paths: { '/api/v1/shops': {} } }),
      'GET /api/v1/shops': () => json(200, { shops: [] }),
    });
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Connect your first WooCommerce store' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /connect a store/i })).toHaveAttribute('href', '/shops/new');
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    const links = Array.from(nav.querySelectorAll('a')).map((a) => a.getAttribute('href'));
    expect(links).toEqual(['/', '/shops', '/settings']);
  });

  it('a signed-in user visiting /login goes to the dashboard', async () => {
    mockApi({
      'GET /api/v1/auth/me': () => json(200, ada),
      'GET /api/v1/openapi.json': () => json(200, { paths: {} }),
    });
    renderApp('/login');
    expect(await screen.findByRole('heading', { name: 'Welcome, Ada' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/);
  });

  it('logging out from the account menu returns to the login page', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/me': () => json(200, ada),
      'GET /api/v1/openapi.json': () => json(200, { paths: {} }),
      'POST /api/v1/auth/logout': () => noContent(),
    });
    renderApp('/');
    const u = userEvent.setup();
    await u.click(await screen.findByRole('button', { name: 'Account menu' }));
    await u.click(await screen.findByRole('menuitem', { name: 'Log out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/login'));
    expect(calls.some((c) => c.method === 'POST' && c.path === '/api/v1/auth/logout')).toBe(true);
  });
});
