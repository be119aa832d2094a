// Shared set-up of the browser tests: the server under test, Chromium, and small helpers.
//
// The server is started by scripts/test-e2e.sh, which passes its address in E2E_BASE_URL.
// Chromium is Debian's /usr/bin/chromium driven by playwright-core (no downloaded browser).
// Every launch gets a fresh temporary profile (--user-data-dir made by Playwright per launch),
// and every test a fresh browser context, so tests share no cookies.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The simulated WooCommerce store scripts/test-e2e.sh started (`productsynch sim`), if any. */
export const SIM_URL = (process.env.E2E_SIM_URL ?? '').replace(/\/$/, '');
const here = path.dirname(fileURLToPath(import.meta.url));
export const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR ?? path.resolve(here, '../../docs/screenshots');
export const ARTIFACT_DIR = path.resolve(here, '../artifacts');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A new isolated context (own cookies and storage) with a desktop viewport. */
export async function newPage(browser, { colorScheme = 'light', viewport = { width: 1280, height: 800 } } = {}) {
  const context = await browser.newContext({ baseURL: BASE_URL, colorScheme, viewport, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  return { context, page, consoleErrors };
}

let counter = 0;
/** A unique, valid account for one test. */
export function newAccount(label = 'user') {
  counter += 1;
  // Unique per run (each run has a fresh data dir) and short enough to read in screenshots.
  const stamp = `${(Date.now() % 46_656).toString(36)}${counter}`;
  return {
    name: 'Ada Lovelace',
    email: `ada.${label}.${stamp}@example.com`,
    password: `quartz-velvet-${stamp}-Lantern`,
  };
}

/** Calls the API directly (no browser): JSON in, JSON out, throws on an error status. */
export async function apiCall(method, apiPath, body) {
  const res = await fetch(BASE_URL + apiPath, {
    method,
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(`${method} ${apiPath} answered ${res.status}: ${text}`);
  return data;
}

/**
 * Waits for a development-outbox email to `email` that carries a link to `linkPath`
 * (e.g. "/reset-password") and returns that link as a path + query on this server.
 */
export async function linkFromOutbox(email, linkPath, { timeoutMs = 15_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const pattern = new RegExp(`${linkPath.replace(/[/?]/g, '\\$&')}\\?token=([A-Za-z0-9_\\-.~%]+)`);
  for (;;) {
    const data = await apiCall('GET', '/api/v1/dev/outbox');
    const items = Array.isArray(data) ? data : (data.items ?? data.emails ?? data.messages ?? []);
    // Newest last or first depending on the server: collect them all and take the latest by time.
    const matching = items
      .filter((m) => JSON.stringify(m.to ?? m.recipient ?? m).toLowerCase().includes(email.toLowerCase()))
      .map((m) => ({ m, match: JSON.stringify(m).match(pattern) }))
      .filter((x) => x.match)
      .sort((a, b) => String(a.m.createdAt ?? '').localeCompare(String(b.m.createdAt ?? '')));
    if (matching.length > 0) {
      const token = decodeURIComponent(matching[matching.length - 1].match[1]);
      return `${linkPath}?token=${encodeURIComponent(token)}`;
    }
    if (Date.now() > deadline) throw new Error(`no email to ${email} with a ${linkPath} link in the outbox`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Closes the toasts on screen (they would cover the page in a screenshot) and waits until they are gone. */
export async function dismissNotifications(page) {
  const toasts = page.locator('.mantine-Notification-root');
  const close = toasts.locator('button');
  for (let i = (await close.count()) - 1; i >= 0; i -= 1) {
    await close.nth(i).click({ timeout: 2000 }).catch(() => {});
  }
  await toasts.first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
}

export async function screenshot(page, name, { fullPage = false } = {}) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await dismissNotifications(page);
  // Let fonts, transitions and the strength meter settle so the picture is stable.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

/** Saves a screenshot of a failing page next to the tests, for debugging. */
export async function saveFailure(page, name) {
  try {
    await mkdir(ARTIFACT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACT_DIR, `${name}.png`), fullPage: true });
  } catch {
    /* the page may be gone already */
  }
}

export async function register(page, account) {
  await page.goto('/register');
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  await page.getByLabel(/^Name/).fill(account.name);
  await page.getByLabel(/^Email/).fill(account.email);
  await page.getByLabel(/^Password/).fill(account.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(BASE_URL + '/');
}

export async function login(page, email, password) {
  await page.goto('/login');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel(/^Email/).fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Runs `fn(page)` in a fresh context; fails on uncaught page errors (failed resource loads,
 * e.g. product images on hosts this machine cannot reach, are expected and ignored); on
 * failure keeps a full-page screenshot in e2e/artifacts/<name>.png.
 */
export async function withPage(browser, name, fn, options) {
  const { context, page, consoleErrors } = await newPage(browser, options);
  try {
    await fn(page, context);
    const unexpected = consoleErrors.filter((e) => !/Failed to load resource/.test(e));
    if (unexpected.length) throw new Error(`console errors on ${name}: ${unexpected.join(' | ')}`);
  } catch (e) {
    await saveFailure(page, name);
    throw e;
  } finally {
    await context.close();
  }
}

/** Calls the API with the page's session (cookies and CSRF header), JSON in and out. */
export async function apiAs(page, method, apiPath, body) {
  const cookies = await page.context().cookies(BASE_URL);
  const csrf = cookies.find((c) => c.name === 'ps_csrf')?.value;
  const res = await page.request.fetch(BASE_URL + apiPath, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(csrf ? { 'x-csrf-token': csrf } : {}),
    },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok()) throw new Error(`${method} ${apiPath} answered ${res.status()}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Polls `check` (async, truthy when done) until it holds or `timeoutMs` passes; returns its value. */
export async function eventually(what, check, { timeoutMs = 60_000, everyMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
