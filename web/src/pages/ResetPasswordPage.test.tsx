import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi, noContent, problem, renderPage } from '../test/utils';
import ResetPasswordPage from './ResetPasswordPage';

async function submit(password: string, confirm: string) {
  const u = userEvent.setup();
  await u.type(screen.getByLabelText(/^new password/i), password);
  await u.type(screen.getByLabelText(/^confirm new password/i), confirm);
  await u.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('ResetPasswordPage', () => {
  it('explains a link without a token', () => {
    mockApi({});
    renderPage(<ResetPasswordPage />, { path: '/reset-password' });
    expect(screen.getByRole('heading', { name: 'Reset link incomplete' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Send a new reset link' })).toHaveAttribute('href', '/forgot-password');
  });

  it('sends the token from the link with the new password', async () => {
    const { calls } = mockApi({ 'POST /api/v1/auth/reset-password': () => noContent() });
    renderPage(<ResetPasswordPage />, { path: '/reset-password?token=tok_abc-123' });
    await submit('a-new-long-password', 'a-new-long-password');
    expect(await screen.findByRole('heading', { name: 'Password changed' })).toBeInTheDocument();
    expect(calls[0].body).toEqual({ token: 'tok_abc-123', newPassword: 'a-new-long-password' });
  });

  it('does not send mismatched passwords', async () => {
    const { calls } = mockApi({});
    renderPage(<ResetPasswordPage />, { path: '/reset-password?token=t' });
    await submit('a-new-long-password', 'another-password');
    expect(await screen.findByText('The passwords do not match')).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });

  it('shows an expired or used link as a form error with a way forward', async () => {
    mockApi({
      'POST /api/v1/auth/reset-password': () =>
        problem(401, 'Unauthorized', 'The link is invalid or has expired'),
    });
    renderPage(<ResetPasswordPage />, { path: '/reset-password?token=used' });
    await submit('a-new-long-password', 'a-new-long-password');
    expect(await screen.findByTestId('form-alert')).toHaveTextContent('The link is invalid or has expired');
    expect(screen.getByRole('link', { name: 'Send a new reset link' })).toBeInTheDocument();
  });

  it("puts the server's password rule on the password field", async () => {
    mockApi({
      'POST /api/v1/auth/reset-password': () =>
        problem(422, 'Validation failed', 'Some fields are invalid', [
          { field: 'newPassword', code: 'too_long', message: 'Use at most 128 characters' },
        ]),
    });
    renderPage(<ResetPasswordPage />, { path: '/reset-password?token=t' });
    await submit('a-new-long-password', 'a-new-long-password');
    expect(await screen.findByText('Use at most 128 characters')).toBeInTheDocument();
    const input = screen.getByLabelText(/^new password/i);
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('form-alert')).not.toBeInTheDocument();
  });
});
