// The merchant's critical path in a real browser against the real server and the simulated
// WooCommerce store (scripts/test-e2e.sh starts both): connect the store through wc-auth,
// configure it, wait for the initial sync, edit a product, publish the feed and download it from
// the hosted URL, bulk-exclude products, choose the hosted URL delivery and rotate its URL.
// Screenshots of every main page go to docs/screenshots/.
//
// Waits are on visible states (headings, links, table rows, texts), never on fixed delays.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { BASE_URL, SIM_URL, apiAs, eventually, launchBrowser, newAccount, register, screenshot, withPage } from '../lib/harness.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const shopTab = (page, name) => page.getByRole('navigation', { name: 'Shop sections' }).getByRole('link', { name, exact: true });

describe('a store, end to end', { skip: SIM_URL ? false : 'no simulated store (run through scripts/test-e2e.sh)' }, () => {
  test('connect the simulated store, sync, edit a product, publish and download the feed, store webhook, bulk exclude, hosted URL rotation', async () => {
    const account = newAccount('shop');
    await withPage(browser, 'shop-journey', async (page) => {
      await register(page, account);
      await page.getByRole('heading', { name: 'Connect your first WooCommerce store' }).waitFor();

      // ---- 1. Connect through the wizard and the store's wc-auth approval page.
      await page.getByRole('link', { name: 'Connect a store' }).click();
      await page.waitForURL(`${BASE_URL}/shops/new`);
      await page.getByLabel('Store URL').fill(SIM_URL);
      await screenshot(page, 'connect-wizard');
      await page.getByRole('button', { name: 'Connect store' }).click();
      const authorize = page.getByRole('link', { name: 'Authorize on your store' });
      await authorize.waitFor();
      await authorize.click();
      await page.waitForURL((u) => u.href.startsWith(SIM_URL) && u.pathname.includes('wc-auth'));
      await page.getByRole('link', { name: 'Approve' }).click();

      // Back in the app: the wizard continues at "Configure".
      await page.waitForURL(/\/shops\/new\?shopId=[^&]+&step=configure/, { timeout: 60_000 });
      const shopId = new URL(page.url()).searchParams.get('shopId');
      assert.match(shopId, /^shop_/);
      await page.getByRole('heading', { name: 'Seller information' }).waitFor({ timeout: 30_000 });
      await page.getByLabel('Seller name').fill('Northwind Outfitters');
      await page.getByLabel('Seller URL').fill(`${SIM_URL}/`);
      await page.getByLabel('Privacy policy URL').fill(`${SIM_URL}/privacy`);
      await page.getByLabel('Terms of service URL').fill(`${SIM_URL}/terms`);
      await page.getByLabel('Return policy URL').fill(`${SIM_URL}/returns`);
      await page.getByLabel('Return window (days)').fill('30');
      await screenshot(page, 'connect-configure');
      await page.getByRole('button', { name: 'Continue' }).click();

      // ---- 2. The initial sync finishes.
      await page.getByLabel('Initial sync progress').waitFor();
      const viewProducts = page.getByRole('link', { name: 'View products' });
      await viewProducts.waitFor({ timeout: 240_000 });
      await page.getByText(/^Import finished: \d+ products\.$/).waitFor();
      await screenshot(page, 'connect-sync');

      // Valid products to work with, read through the API with this browser's session.
      const valid = await apiAs(page, 'GET', `/api/v1/shops/${shopId}/products?valid=true&limit=200&sort=title`);
      assert.ok(valid.products.length >= 4, `at least 4 valid products after the sync (got ${valid.products.length})`);
      const titles = valid.products.map((p) => p.title);
      const unique = titles.filter((t) => titles.filter((x) => x === t).length === 1);
      const [edited, excludeA, excludeB, repriced] = unique;
      const repricedWooId = valid.products.find((p) => p.title === repriced).wooProductId;

      await viewProducts.click();
      await page.waitForURL(`${BASE_URL}/shops/${shopId}/products`);
      const table = page.getByRole('table', { name: 'Products' });
      await table.getByRole('link', { name: `Edit ${edited}`, exact: true }).waitFor();
      await screenshot(page, 'products');

      // ---- 3. Edit the title in Manual edits; the feed preview shows it.
      const newTitle = `${edited} (ChatGPT edition ${Date.now().toString(36)})`;
      await page.getByLabel('Search products').fill(edited);
      // The filtered list has replaced the full one (every row matches) before the click.
      await eventually('the search to filter the table', async () => {
        if (!new URL(page.url()).searchParams.get('q')) return false;
        const rows = await table.locator('tbody tr').allTextContents();
        return rows.length > 0 && rows.every((r) => r.toLowerCase().includes(edited.toLowerCase()));
      });
      await table.getByRole('link', { name: `Edit ${edited}`, exact: true }).click();
      await page.waitForURL(new RegExp(`/shops/${shopId}/products/[^/?]+`));
      await page.getByRole('tab', { name: 'WooCommerce data' }).waitFor();
      await page.getByRole('tab', { name: 'Manual edits' }).click();
      const title = page.getByLabel('Title', { exact: true });
      await title.waitFor();
      await title.fill(newTitle);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'product-manual-edits');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Changes saved').waitFor({ timeout: 30_000 });
      await page.getByRole('tab', { name: 'Feed preview' }).click();
      await page.getByRole('tabpanel', { name: 'Feed preview' }).getByText(newTitle).first().waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'product-editor');

      // ---- 4. Publish: "Push now" on the sync page regenerates the feed at the hosted URL.
      await shopTab(page, 'Sync').click();
      await page.waitForURL(`${BASE_URL}/shops/${shopId}/sync`);
      await page.getByRole('heading', { name: 'Sync and feed' }).waitFor();
      const pushesBefore = (await apiAs(page, 'GET', `/api/v1/shops/${shopId}/feed/pushes?limit=200`)).pushes.length;
      await page.getByRole('button', { name: 'Push now' }).click();
      const pushTable = page.getByRole('table', { name: 'Push history' });
      await eventually('the push to finish', async () => {
        const rows = await pushTable.locator('tbody tr').count();
        return rows > pushesBefore && (await pushTable.locator('tbody tr').first().textContent()).includes('succeeded');
      }, { timeoutMs: 90_000 });

      // "Sync now": the page follows the batch live and lists it when done; nothing changed in
      // the store, so every product comes back unchanged.
      const batches = page.getByRole('table', { name: 'Sync history' }).locator('tbody tr[data-testid^="batch-"]');
      await batches.first().waitFor();
      const batchesBefore = await batches.count();
      await page.getByRole('button', { name: 'Sync now' }).click();
      await eventually('the manual sync to be listed as completed', async () => {
        if ((await batches.count()) <= batchesBefore) return false;
        const newest = await batches.first().textContent();
        return newest.includes('You') && newest.includes('Completed');
      }, { timeoutMs: 120_000 });
      await page.getByTestId('sync-last').getByText(/0 new, 0 updated, [1-9]\d* unchanged, 0 deleted, 0 failed/).waitFor();
      // The feed table has placeholder rows until the preview arrives (aria-busy until then).
      await page.locator('table[aria-label="Feed preview"][aria-busy="false"] tbody tr').first().waitFor();
      // The download links serve the current feed with this browser's session.
      for (const [label, check] of [
        ['Download CSV', (body) => body.split('\n')[0].includes('title') && body.includes(newTitle)],
        ['Download JSONL', (body) => body.trim().split('\n').some((l) => JSON.parse(l).title === newTitle)],
      ]) {
        const href = await page.getByRole('link', { name: label, exact: true }).getAttribute('href');
        const res = await page.request.get(BASE_URL + href);
        assert.equal(res.status(), 200, `${label}: ${res.status()}`);
        assert.ok(check(await res.text()), `${label} carries the edited title`);
      }
      await screenshot(page, 'sync', { fullPage: true });

      // ---- 5. The shop settings show the hosted URL; the file there carries the edited title.
      await shopTab(page, 'Settings').click();
      await page.waitForURL(`${BASE_URL}/shops/${shopId}/settings`);
      const hosted = page.getByRole('textbox', { name: 'Hosted feed URL' });
      await hosted.waitFor();
      const hostedUrl = await hosted.inputValue();
      assert.match(hostedUrl, new RegExp(`^${escape(BASE_URL)}/feeds/[^/]+/products\\.jsonl\\.gz$`));
      await screenshot(page, 'shop-settings');
      const res = await fetch(hostedUrl);
      assert.equal(res.status, 200);
      const feed = gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');
      const items = feed.trim().split('\n').map((l) => JSON.parse(l));
      assert.ok(items.some((i) => i.title === newTitle), `the hosted feed has an item titled ${JSON.stringify(newTitle)}`);
      assert.ok(!items.some((i) => i.title === edited), 'the old title is gone from the hosted feed');

      // ---- 6. A price change in the store reaches ProductSynch by its signed webhook.
      const newPrice = `${100 + (Date.now() % 800)}.45`;
      const patched = await fetch(`${SIM_URL}/__sim/products/${repricedWooId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ regular_price: newPrice }),
      });
      assert.equal(patched.status, 200, await patched.text());
      await shopTab(page, 'Sync').click();
      const syncRows = page.getByRole('table', { name: 'Sync history' }).locator('tbody tr[data-testid^="batch-"]');
      await eventually('the webhook sync to show in the history', async () => {
        await page.reload();
        await syncRows.first().waitFor();
        const newest = await syncRows.first().textContent();
        return newest.includes('Store webhook') && newest.includes('Completed');
      }, { timeoutMs: 90_000, everyMs: 1000 });
      const repricedId = valid.products.find((p) => p.title === repriced).id;
      const detail = await apiAs(page, 'GET', `/api/v1/shops/${shopId}/products/${repricedId}`);
      assert.equal(detail.woo.regularPrice, newPrice);

      // ---- 7. Bulk exclude two products from the table; they show as excluded.
      await shopTab(page, 'Products').click();
      await page.waitForURL(new RegExp(`/shops/${shopId}/products`));
      await table.getByRole('link', { name: `Edit ${excludeA}`, exact: true }).waitFor();
      await table.getByRole('checkbox', { name: `Select ${excludeA}`, exact: true }).check();
      await table.getByRole('checkbox', { name: `Select ${excludeB}`, exact: true }).check();
      await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Exclude from feed' }).click();
      for (const t of [excludeA, excludeB]) {
        await eventually(`${t} to show as excluded`, async () => {
          const sw = table.getByRole('switch', { name: `Include ${t} in feed`, exact: true });
          return (await sw.count()) === 1 && !(await sw.isChecked());
        }, { timeoutMs: 60_000 });
      }
      const excluded = await apiAs(page, 'GET', `/api/v1/shops/${shopId}/products?status=EXCLUDED&limit=200`);
      assert.deepEqual(excluded.products.map((p) => p.title).sort(), [excludeA, excludeB].sort());

      // ---- 8. The dashboard and the shops list now show the store with real figures.
      await page.goto('/');
      const products = page.getByTestId('stat-Products');
      await eventually('the dashboard figures', async () => /^\d/.test((await products.textContent()) ?? ''));
      const summary = await apiAs(page, 'GET', `/api/v1/shops/${shopId}/feed/preview?limit=1`);
      assert.equal(await products.textContent(), summary.summary.totalProducts.toLocaleString('en-US'));
      await page.getByRole('table', { name: 'Stores at a glance' }).getByRole('link', { name: 'Northwind Outfitters' }).waitFor();
      await page.getByRole('list', { name: 'Recent syncs' }).waitFor();
      if (summary.summary.invalid > 0) {
        // Invalid products are listed with a reason read from their validation issues.
        const problem = page.getByTestId(`invalid-${shopId}`);
        await problem.getByText(/Most common reasons/).waitFor();
        assert.match(await problem.textContent(), new RegExp(`${summary.summary.invalid} invalid products? in Northwind Outfitters`));
      }
      await screenshot(page, 'dashboard', { fullPage: true });

      await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Shops' }).click();
      await page.waitForURL(`${BASE_URL}/shops`);
      await page.getByText('Northwind Outfitters').first().waitFor();
      await screenshot(page, 'shops');

      // ---- 9. Hosted URL delivery chosen in the shop settings, then its URL rotated: the old URL
      // answers 404 at once and the new one serves the feed. Another method is set up first
      // (through the API, pointing at the simulator) so that choosing "Hosted URL" is a real change.
      const configPath = `/api/v1/shops/${shopId}/openai-config`;
      const current = await apiAs(page, 'GET', configPath);
      await apiAs(page, 'PUT', configPath, {
        method: 'https',
        enabled: current.enabled,
        cadence: current.cadence,
        https: { endpoint: `${SIM_URL}/e2e-feed-receiver`, token: 'e2e-token' },
      });
      await page.goto(`/shops/${shopId}/settings`);
      const delivery = page.getByRole('form', { name: 'Delivery settings' });
      const hostedChoice = delivery.getByRole('radio', { name: 'Hosted URL' });
      await hostedChoice.waitFor();
      if (!(await hostedChoice.isChecked())) {
        await hostedChoice.check();
        await delivery.getByRole('button', { name: 'Save delivery settings' }).click();
        await page.getByText('Delivery settings saved').waitFor();
      }
      assert.ok(await hostedChoice.isChecked(), 'Hosted URL is the selected method');
      assert.equal((await apiAs(page, 'GET', configPath)).method, 'hosted');

      const urlField = page.getByRole('textbox', { name: 'Hosted feed URL' });
      const oldUrl = await urlField.inputValue();
      assert.match(oldUrl, new RegExp(`^${escape(BASE_URL)}/feeds/[^/]+/products\\.jsonl\\.gz$`));
      assert.equal((await fetch(oldUrl)).status, 200, 'the current hosted URL serves the feed before the rotation');
      await page.getByRole('button', { name: 'Rotate URL…' }).click();
      const rotateDialog = page.getByRole('dialog', { name: 'Rotate the hosted feed URL' });
      await rotateDialog.getByRole('button', { name: 'Rotate URL', exact: true }).click();
      await page.getByText('New hosted feed URL created; the old one no longer works.').waitFor();
      await rotateDialog.waitFor({ state: 'hidden' });
      const newUrl = await eventually('the hosted URL to change', async () => {
        const v = await urlField.inputValue();
        return v !== oldUrl && v;
      }, { timeoutMs: 15_000, everyMs: 200 });
      assert.match(newUrl, new RegExp(`^${escape(BASE_URL)}/feeds/[^/]+/products\\.jsonl\\.gz$`));
      assert.equal((await apiAs(page, 'GET', configPath)).hostedUrl, newUrl, 'the page shows the URL the server now serves');

      const oldRes = await fetch(oldUrl);
      assert.equal(oldRes.status, 404, 'the rotated-out URL no longer serves the feed');
      const newRes = await fetch(newUrl);
      assert.equal(newRes.status, 200, `the new hosted URL serves the feed (${newRes.status})`);
      const rotatedItems = gunzipSync(Buffer.from(await newRes.arrayBuffer()))
        .toString('utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.ok(rotatedItems.some((i) => i.title === newTitle), 'the new URL serves the same current feed');
    });
  });
});
