import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '../api/hooks';
import { json, mockApi, problem, renderPage } from '../test/utils';
import RegisterPage from './RegisterPage';

const user = { id: 'usr_1', email: 'ada@example.com', name: 'Ada', emailVerified: false, tier: 'free' };

async function fill(name: string, email: string, password: string) {
  const u = userEvent.setup();
  if (name) await u.type(screen.getByLabelText(/^name/i), name);
  if (email) await u.type(screen.getByLabelText(/^email/i), email);
  if (password) await u.type(screen.getByLabelText(/^password/i), password);
  await u.click(screen.getByRole('button', { name: 'Create account' }));
}

describe('RegisterPage', () => {
  it('validates on the client before calling the API', async () => {
    const { calls } = mockApi({});
    renderPage(<RegisterPage />, { path: '/register' });
    await fill('', 'not-an-email', 'short');
    expect(await screen.findByText('Enter your name')).toBeInTheDocument();
    expect(screen.getByText('Enter a valid email address')).toBeInTheDocument();
    expect(screen.getByText('Use at least 8 characters')).toBeInTheDocument();
    expect(screen.getByLabelText(/^email/i)).toHaveAttribute('aria-invalid', 'true');
    expect(calls).toHaveLength(0);
  });

  it('shows the server problem on the field it names', async () => {
    mockApi({
      'POST /api/v1/auth/register': () =>
        problem(409, 'Conflict', 'An account with this email already exists', [
          { field: 'email', code: 'email_taken', message: 'An account with this email already exists' },
        ]),
    });
    renderPage(<RegisterPage />, { path: '/register' });
    await fill('Ada', 'ada@example.com', 'analytical-engine-1843');
    const email = screen.getByLabelText(/^email/i);
    await waitFor(() => expect(email).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByText('An account with this email already exists')).toBeInTheDocument();
    expect(screen.queryByTestId('form-alert')).not.toBeInTheDocument();
    expect(email).toHaveFocus();
  });

  it('shows a problem without field errors above the form', async () => {
    mockApi({
      'POST /api/v1/auth/register': () =>
        json(429, { type: 't', title: 'Too many requests', status: 429 }, { 'retry-after': '60' }),
    });
    renderPage(<RegisterPage />, { path: '/register' });
    await fill('Ada', 'ada@example.com', 'analytical-engine-1843');
    expect(await screen.findByTestId('form-alert')).toHaveTextContent('Too many attempts. Try again in 1 minute.');
  });

  it('signs the user in and goes to the dashboard', async () => {
    const { calls } = mockApi({
      'POST /api/v1/auth/register': () =>
        json(201, { user, accessToken: 'a', refreshToken: 'r', expiresIn: 900 }),
    });
    const { client } = renderPage(<RegisterPage />, { path: '/register', pattern: '/register' });
    await fill('Ada', 'ada@example.com', 'analytical-engine-1843');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/));
    expect(calls[0].body).toEqual({ name: 'Ada', email: 'ada@example.com', password: 'analytical-engine-1843' });
    expect(client.getQueryData(queryKeys.me)).toEqual(user);
  });

  it('rates the password as it is typed', async () => {
    mockApi({});
    renderPage(<RegisterPage />, { path: '/register' });
    const u = userEvent.setup();
    await u.type(screen.getByLabelText(/^password/i), 'password');
    expect(await screen.findByText(/Strength:/)).toHaveTextContent('Very weak');
    await u.clear(screen.getByLabelText(/^password/i));
    await u.type(screen.getByLabelText(/^password/i), 'quartz-velvet-Lantern-93-orbit');
    await waitFor(() => expect(screen.getByText(/Strength:/)).toHaveTextContent('Very strong'));
  });
});
