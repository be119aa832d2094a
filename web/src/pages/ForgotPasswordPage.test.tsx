import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockApi, problem, renderPage } from '../test/utils';
import ForgotPasswordPage from './ForgotPasswordPage';

// The API answers alike whether or not the email is registered (no account enumeration).
const accepted = () => json(202, { message: 'If the account exists, an email has been sent' });

async function ask(email: string) {
  const u = userEvent.setup();
  if (email) await u.type(screen.getByLabelText(/^email/i), email);
  await u.click(screen.getByRole('button', { name: 'Send reset link' }));
}

describe('ForgotPasswordPage', () => {
  it('validates the email on the client before calling the API', async () => {
    const { calls } = mockApi({});
    renderPage(<ForgotPasswordPage />, { path: '/forgot-password' });
    await ask('');
    expect(await screen.findByText('Enter your email address')).toBeInTheDocument();
    await ask('not-an-email');
    expect(await screen.findByText('Enter a valid email address')).toBeInTheDocument();
    expect(screen.getByLabelText(/^email/i)).toHaveAttribute('aria-invalid', 'true');
    expect(calls).toHaveLength(0);
  });

  it('sends the email and shows the confirmation with a way back to sign in', async () => {
    const { calls } = mockApi({ 'POST /api/v1/auth/forgot-password': accepted });
    renderPage(<ForgotPasswordPage />, { path: '/forgot-password' });
    await ask('  ada@example.com ');
    expect(await screen.findByRole('heading', { name: 'Check your email' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('If an account exists for ada@example.com, we have sent it a link');
    expect(calls).toHaveLength(1);
    expect(calls[0].body).toEqual({ email: 'ada@example.com' });
    expect(screen.getByRole('link', { name: 'Back to sign in' })).toHaveAttribute('href', '/login');
    expect(screen.queryByRole('button', { name: 'Send reset link' })).not.toBeInTheDocument();
  });

  it('shows the same confirmation whatever the email', async () => {
    // The page cannot tell a registered address from an unknown one, and does not try to.
    for (const email of ['ada@example.com', 'nobody-here@example.org']) {
      mockApi({ 'POST /api/v1/auth/forgot-password': accepted });
      const { unmount } = renderPage(<ForgotPasswordPage />, { path: '/forgot-password' });
      await ask(email);
      const status = await screen.findByRole('status');
      expect(status.textContent).toBe(
        `If an account exists for ${email}, we have sent it a link to reset the password. The link is valid for one hour.`,
      );
      unmount();
    }
  });

  it('puts a field error from the problem details on the email field', async () => {
    mockApi({
      'POST /api/v1/auth/forgot-password': () =>
        problem(422, 'Validation failed', 'The request is not valid', [
          { field: 'email', code: 'invalid_email', message: 'This email address cannot receive mail' },
        ]),
    });
    renderPage(<ForgotPasswordPage />, { path: '/forgot-password' });
    await ask('ada@example.com');
    const email = screen.getByLabelText(/^email/i);
    await waitFor(() => expect(email).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByText('This email address cannot receive mail')).toBeInTheDocument();
    expect(email).toHaveFocus();
    // Placed on its field, so nothing is left for the alert above the form.
    expect(screen.queryByTestId('form-alert')).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Check your email' })).not.toBeInTheDocument();
  });

  it('says to wait when rate limited, and keeps the form', async () => {
    mockApi({
      'POST /api/v1/auth/forgot-password': () =>
        json(429, { type: 'about:blank', title: 'Too many requests', status: 429 }, { 'retry-after': '120' }),
    });
    renderPage(<ForgotPasswordPage />, { path: '/forgot-password' });
    await ask('ada@example.com');
    expect(await screen.findByTestId('form-alert')).toHaveTextContent('Too many attempts. Try again in 2 minutes.');
    expect(screen.getByRole('button', { name: 'Send reset link' })).toBeEnabled();
    expect(screen.queryByRole('heading', { name: 'Check your email' })).not.toBeInTheDocument();
  });
});
