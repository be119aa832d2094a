// Critical account paths in a real browser against the real server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BASE_URL,
  apiCall,
  launchBrowser,
  linkFromOutbox,
  login,
  newAccount,
  newPage,
  register,
  saveFailure,
  screenshot,
} from '../lib/harness.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Runs `fn` with a fresh page; on failure keeps a screenshot in e2e/artifacts/. */
async function withPage(name, fn, options) {
  const { context, page, consoleErrors } = await newPage(browser, options);
  try {
    await fn(page);
    // A clean run leaves no uncaught errors in the page (failed requests the app handles are
    // logged by Chromium as "Failed to load resource" and are expected on error paths).
    const unexpected = consoleErrors.filter((e) => !/Failed to load resource/.test(e));
    assert.deepEqual(unexpected, [], `console errors on ${name}`);
  } catch (e) {
    await saveFailure(page, name);
    throw e;
  } finally {
    await context.close();
  }
}

describe('accounts', () => {
  test('register, land on the dashboard, log out, log in again', async () => {
    const account = newAccount('journey');
    await withPage('register-journey', async (page) => {
      await page.goto('/register');
      await page.getByRole('heading', { name: 'Create your account' }).waitFor();
      await page.getByLabel(/^Name/).fill(account.name);
      await page.getByLabel(/^Email/).fill(account.email);
      await page.getByLabel(/^Password/).fill(account.password);
      await page.getByText('Strength:').waitFor();
      await screenshot(page, 'register');
      await page.getByRole('button', { name: 'Create account' }).click();

      await page.waitForURL(BASE_URL + '/');
      await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
      await page.getByRole('heading', { name: 'Connect your first WooCommerce store' }).waitFor();
      await page.getByText('Confirm your email address').waitFor();
      await screenshot(page, 'dashboard-empty');

      // The session survives a reload (HttpOnly cookies, no token in page storage).
      await page.reload();
      await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
      assert.doesNotMatch(stored, /eyJ/, 'no JWT in web storage');

      await page.getByRole('button', { name: 'Account menu' }).click();
      await page.getByRole('menuitem', { name: 'Log out' }).click();
      await page.waitForURL(BASE_URL + '/login');

      // Signed out for real: the dashboard sends us back to the login page.
      await page.goto('/');
      await page.waitForURL(/\/login/);

      await login(page, account.email, account.password);
      await page.waitForURL(BASE_URL + '/');
      await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
    });
  });

  test('a wrong password is refused with a message', async () => {
    const account = newAccount('wrongpw');
    await apiCall('POST', '/api/v1/auth/register', account);
    await withPage('login-failure', async (page) => {
      await page.goto('/login');
      await screenshot(page, 'login');
      await login(page, account.email, 'not-the-password');
      const alert = page.getByTestId('form-alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /invalid|incorrect|wrong/i);
      assert.equal(new URL(page.url()).pathname, '/login');
    });
  });

  test('password reset through the emailed link', async () => {
    const account = newAccount('reset');
    await apiCall('POST', '/api/v1/auth/register', account);
    const newPassword = `${account.password}-renewed`;
    await withPage('password-reset', async (page) => {
      await page.goto('/login');
      await page.getByRole('link', { name: 'Forgot password?' }).click();
      await page.waitForURL(/\/forgot-password$/);
      // The page is a lazily loaded chunk: wait for it before typing.
      await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
      await page.getByLabel(/^Email/).fill(account.email);
      await page.getByRole('button', { name: 'Send reset link' }).click();
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();

      const link = await linkFromOutbox(account.email, '/reset-password');
      await page.goto(link);
      await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      await page.getByLabel(/^New password/).fill(newPassword);
      await page.getByLabel(/^Confirm new password/).fill(newPassword);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('heading', { name: 'Password changed' }).waitFor();

      // The link is single-use.
      await page.goto(link);
      await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      await page.getByLabel(/^New password/).fill(`${newPassword}-again`);
      await page.getByLabel(/^Confirm new password/).fill(`${newPassword}-again`);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByTestId('form-alert').waitFor();

      // The old password no longer works; the new one does.
      await login(page, account.email, account.password);
      await page.getByTestId('form-alert').waitFor();
      await login(page, account.email, newPassword);
      await page.waitForURL(BASE_URL + '/');
      await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
    });
  });

  test('change the profile name in settings', async () => {
    const account = newAccount('settings');
    await withPage('settings-name', async (page) => {
      await register(page, account);
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.waitForURL(BASE_URL + '/settings');
      await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
      // The table shows placeholder rows until the sessions arrive: wait for this browser's row.
      await page.getByRole('table', { name: 'Active sessions' }).getByText('This device').waitFor();
      await screenshot(page, 'settings', { fullPage: true });

      const name = page.getByLabel(/^Name/);
      await name.fill('Grace Hopper');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByText('Profile saved').waitFor();
      await page.getByTestId('user-name').filter({ hasText: 'Grace Hopper' }).waitFor();

      // Stored on the server, not only in the page.
      await page.reload();
      await page.getByLabel(/^Name/).waitFor();
      assert.equal(await page.getByLabel(/^Name/).inputValue(), 'Grace Hopper');
      await page.goto('/');
      await page.getByRole('heading', { name: 'Welcome, Grace' }).waitFor();
    });
  });

  test('verify the email address from the emailed link', async () => {
    const account = newAccount('verify');
    await withPage('verify-email', async (page) => {
      await register(page, account);
      await page.getByText('Confirm your email address').waitFor();
      const link = await linkFromOutbox(account.email, '/verify-email');
      await page.goto(link);
      await page.getByRole('heading', { name: 'Email verified' }).waitFor();
      await page.getByRole('link', { name: 'Go to the dashboard' }).click();
      await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
      // The dashboard may first render the cached (unverified) user; the banner must go once it refetches.
      await page.getByText('Confirm your email address').waitFor({ state: 'detached', timeout: 15000 });
      assert.equal(await page.getByText('Confirm your email address').count(), 0);
    });
  });

  test('change the password, stay signed in here, then log out everywhere', async () => {
    const account = newAccount('passwd');
    const newPassword = `${account.password}-changed`;
    await withPage('change-password', async (page) => {
      await register(page, account);
      await page.goto('/settings');
      await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
      await page.getByLabel(/^Current password/).fill(account.password);
      await page.getByLabel(/^New password/).fill(newPassword);
      await page.getByLabel(/^Confirm new password/).fill(newPassword);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Password changed').waitFor();

      // This browser still has a live session after the server revoked the old ones.
      const sessions = page.getByRole('table', { name: 'Active sessions' });
      await sessions.getByText('This device').waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();

      await page.getByRole('button', { name: 'Log out everywhere' }).click();
      await page.getByRole('dialog', { name: 'Log out everywhere?' }).getByRole('button', { name: 'Log out everywhere' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.goto('/settings');
      await page.waitForURL(/\/login\?next=%2Fsettings/);

      await login(page, account.email, account.password);
      await page.getByTestId('form-alert').waitFor();
      await login(page, account.email, newPassword);
      await page.waitForURL(BASE_URL + '/');
    });
  });

  test('dark mode', async () => {
    const account = newAccount('dark');
    await withPage(
      'dark-mode',
      async (page) => {
        await register(page, account);
        await page.getByRole('heading', { name: 'Connect your first WooCommerce store' }).waitFor();
        assert.equal(await page.locator('html').getAttribute('data-mantine-color-scheme'), 'dark');
        await screenshot(page, 'dashboard-dark');
        await page.getByRole('button', { name: 'Switch to light mode' }).click();
        assert.equal(await page.locator('html').getAttribute('data-mantine-color-scheme'), 'light');
      },
      { colorScheme: 'dark' },
    );
  });

  test('phone-sized screen: navigation behind the menu button', async () => {
    const account = newAccount('phone');
    await withPage(
      'phone',
      async (page) => {
        await register(page, account);
        await page.getByRole('button', { name: 'Toggle navigation' }).click();
        await page.getByRole('link', { name: 'Settings' }).click();
        await page.waitForURL(BASE_URL + '/settings');
        await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
      },
      { viewport: { width: 390, height: 844 } },
    );
  });
});
