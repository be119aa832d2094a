import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '../api/hooks';
import { json, mockApi, noContent, problem, renderPage } from '../test/utils';
import { settingsKeys } from '../api/settings';
import SettingsPage from './SettingsPage';

const ada = { id: 'usr_1', email: 'ada@example.com', name: 'Ada', emailVerified: true, tier: 'free' };
const sessions = [
  { id: 'fam_1', createdAt: '2026-11-28T09:00:00Z', lastUsedAt: null, expiresAt: '2026-12-05T09:00:00Z', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36', ip: '127.0.0.1', current: true },
  { id: 'fam_2', createdAt: '2026-11-27T09:00:00Z', lastUsedAt: null, expiresAt: '2026-12-04T09:00:00Z', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Version/18.0 Mobile Safari/604.1', ip: '10.0.0.2', current: false },
];

function renderSettings() {
  // Signed in: the page sits behind RequireAuth, which has loaded the user already.
  return renderPage(<SettingsPage />, {
    path: '/settings',
    pattern: '/settings',
    seed: (client) => client.setQueryData(queryKeys.me, ada),
  });
}

describe('SettingsPage', () => {
  it('saves the profile name', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/sessions': () => json(200, { sessions }),
      'PATCH /api/v1/auth/me': (c) => json(200, { ...ada, ...(c.body as object) }),
    });
    const { client } = renderSettings();
    const u = userEvent.setup();
    const name = await screen.findByLabelText(/^name/i);
    await u.clear(name);
    await u.type(name, 'Grace Hopper');
    await u.click(screen.getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(client.getQueryData(queryKeys.me)).toMatchObject({ name: 'Grace Hopper' }));
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ name: 'Grace Hopper' });
  });

  it('puts a wrong current password on its field, not a sign-out', async () => {
    mockApi({
      'GET /api/v1/auth/sessions': () => json(200, { sessions }),
      'PATCH /api/v1/auth/me': () => problem(401, 'Unauthorized', 'Invalid credentials'),
      'POST /api/v1/auth/refresh': () => json(200, {}),
    });
    const { client } = renderSettings();
    const u = userEvent.setup();
    await u.type(screen.getByLabelText(/^current password/i), 'wrong-one');
    await u.type(screen.getByLabelText(/^new password/i), 'brand-new-password');
    await u.type(screen.getByLabelText(/^confirm new password/i), 'brand-new-password');
    await u.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('The current password is not correct')).toBeInTheDocument();
    expect(client.getQueryData(queryKeys.me)).toEqual(ada);
  });

  it('lists sessions and logs out another device', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/sessions': () => json(200, { sessions }),
      'DELETE /api/v1/auth/sessions/fam_2': () => noContent(),
    });
    renderSettings();
    const table = await screen.findByRole('table', { name: 'Active sessions' });
    expect(await within(table).findByText('Chrome on Linux')).toBeInTheDocument();
    expect(within(table).getByText('This device')).toBeInTheDocument();
    // The current session has no per-row log out; the other one does.
    const buttons = within(table).getAllByRole('button', { name: /log out/i });
    expect(buttons).toHaveLength(1);
    await userEvent.setup().click(buttons[0]);
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE' && c.path === '/api/v1/auth/sessions/fam_2')).toBe(true));
  });

  it('keeps the sessions table in place while loading: placeholder rows, then the sessions in the same table', async () => {
    let release: (r: Response) => void = () => {};
    mockApi({
      'GET /api/v1/auth/sessions': () =>
        new Promise<Response>((resolve) => {
          release = resolve;
        }),
    });
    renderSettings();
    const table = await screen.findByRole('table', { name: 'Active sessions' });
    expect(table).toHaveAttribute('aria-busy', 'true');
    expect(within(table).getByRole('columnheader', { name: 'Device' })).toBeInTheDocument();
    // Placeholder rows are hidden from assistive technology: only the header row is announced.
    expect(table.querySelectorAll('tbody tr[data-skeleton]')).toHaveLength(2);
    expect(within(table).getAllByRole('row')).toHaveLength(1);

    release(json(200, { sessions }));
    expect(await within(table).findByText('Chrome on Linux')).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Active sessions' })).toBe(table);
    expect(table).toHaveAttribute('aria-busy', 'false');
    expect(table.querySelectorAll('tbody tr[data-skeleton]')).toHaveLength(0);
    expect(within(table).getAllByRole('row')).toHaveLength(1 + sessions.length);
  });

  it('asks for the password and a confirmation before deleting the account', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/sessions': () => json(200, { sessions }),
      'DELETE /api/v1/auth/me': () => noContent(),
    });
    renderSettings();
    const u = userEvent.setup();
    await u.click(screen.getByRole('button', { name: 'Delete account…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete your account' });
    await u.click(within(dialog).getByRole('button', { name: 'Delete my account' }));
    expect(await within(dialog).findByText('Enter your password to confirm')).toBeInTheDocument();
    expect(within(dialog).getByText('Tick the box to confirm')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await u.type(within(dialog).getByLabelText(/^your password/i), 'my-password');
    await u.click(within(dialog).getByLabelText(/cannot be undone/i));
    await u.click(within(dialog).getByRole('button', { name: 'Delete my account' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/login'));
    expect(calls.find((c) => c.method === 'DELETE')?.body).toEqual({ password: 'my-password' });
  });

  it('shows the notification preferences and saves a change at once', async () => {
    let release: (r: Response) => void = () => {};
    const { calls } = mockApi({
      'GET /api/v1/auth/sessions': () => json(200, { sessions }),
      'GET /api/v1/auth/me/settings': () => json(200, { notifySyncFailures: true, notifyStoreDisconnected: true }),
      'PATCH /api/v1/auth/me/settings': () =>
        new Promise<Response>((resolve) => {
          release = resolve;
        }),
    });
    const { client } = renderSettings();
    const u = userEvent.setup();
    const section = await screen.findByRole('region', { name: 'Notifications' });
    const syncFails = await within(section).findByRole('switch', { name: /email me when a sync fails/i });
    const disconnects = within(section).getByRole('switch', { name: /email me when a store disconnects/i });
    expect(syncFails).toBeChecked();
    expect(disconnects).toBeChecked();

    await u.click(syncFails);
    // optimistic: off before the server answered
    await waitFor(() => expect(syncFails).not.toBeChecked());
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ notifySyncFailures: false });
    release(json(200, { notifySyncFailures: false, notifyStoreDisconnected: true }));
    await waitFor(() =>
      expect(client.getQueryData(settingsKeys.me)).toEqual({ notifySyncFailures: false, notifyStoreDisconnected: true }),
    );
    expect(syncFails).not.toBeChecked();
    expect(disconnects).toBeChecked();
  });

  it('puts a refused change back and says so', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/sessions': () => json(200, { sessions }),
      'GET /api/v1/auth/me/settings': () => json(200, { notifySyncFailures: true, notifyStoreDisconnected: false }),
      'PATCH /api/v1/auth/me/settings': () => problem(500, 'Internal Server Error', 'The server had a problem.'),
    });
    const { client } = renderSettings();
    const u = userEvent.setup();
    const disconnects = await screen.findByRole('switch', { name: /email me when a store disconnects/i });
    expect(disconnects).not.toBeChecked();
    await u.click(disconnects);
    expect(await screen.findByText('Could not save your notification settings')).toBeInTheDocument();
    expect(disconnects).not.toBeChecked();
    expect(client.getQueryData(settingsKeys.me)).toEqual({ notifySyncFailures: true, notifyStoreDisconnected: false });
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ notifyStoreDisconnected: true });
  });

  it('offers a retry when the preferences cannot be loaded', async () => {
    let fail = true;
    mockApi({
      'GET /api/v1/auth/sessions': () => json(200, { sessions }),
      'GET /api/v1/auth/me/settings': () =>
        fail ? problem(500, 'Internal Server Error', 'The server had a problem.') : json(200, { notifySyncFailures: false, notifyStoreDisconnected: true }),
    });
    renderSettings();
    expect(await screen.findByText('Could not load notification settings')).toBeInTheDocument();
    fail = false;
    await userEvent.setup().click(within(screen.getByRole('region', { name: 'Notifications' })).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('switch', { name: /email me when a sync fails/i })).not.toBeChecked();
  });
});
