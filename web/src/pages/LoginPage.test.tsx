import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockApi, problem, renderPage } from '../test/utils';
import LoginPage from './LoginPage';

async function signIn(email: string, password: string) {
  const u = userEvent.setup();
  await u.type(screen.getByLabelText(/^email/i), email);
  await u.type(screen.getByLabelText(/^password/i), password);
  await u.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('LoginPage', () => {
  it('shows the API message when the credentials are wrong', async () => {
    mockApi({ 'POST /api/v1/auth/login': () => problem(401, 'Unauthorized', 'Invalid email or password') });
    renderPage(<LoginPage />, { path: '/login' });
    await signIn('ada@example.com', 'wrong-password');
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid email or password');
  });

  it('follows a same-app next parameter after signing in', async () => {
    mockApi({
      'POST /api/v1/auth/login': () =>
        json(200, {
          user: { id: 'usr_1', email: 'ada@example.com', name: 'Ada', emailVerified: true, tier: 'free' },
          accessToken: 'a',
          refreshToken: 'r',
          expiresIn: 900,
        }),
    });
    renderPage(<LoginPage />, { path: '/login?next=%2Fsettings', pattern: '/login' });
    await signIn('ada@example.com', 'right-password');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/settings'));
  });

  it('ignores a next parameter that leaves the app', async () => {
    mockApi({
      'POST /api/v1/auth/login': () =>
        json(200, {
          user: { id: 'usr_1', email: 'ada@example.com', name: 'Ada', emailVerified: true, tier: 'free' },
          accessToken: 'a',
          refreshToken: 'r',
          expiresIn: 900,
        }),
    });
    renderPage(<LoginPage />, { path: '/login?next=%2F%2Fevil.example', pattern: '/login' });
    await signIn('ada@example.com', 'right-password');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/));
  });
});
