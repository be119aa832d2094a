import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ProductDetail, ProductPatch } from '../../api/products';
import { json, mockApi, problem, renderPage } from '../../test/utils';
import ProductEditorPage from './ProductEditorPage';
import { detailFixture } from './testFixtures';

const shop = { id: 'shp_1', currency: 'USD' };
const base = '/api/v1/shops/shp_1/products/prd_1';

function previewOf(d: ProductDetail) {
  return { productId: d.product.id, items: d.feedItems, isValid: d.isValid, issues: d.validationIssues, excluded: d.manual.excluded };
}

/** Types a value at once (a paste): per-key typing of long texts is slow on a busy machine. */
async function fill(u: ReturnType<typeof userEvent.setup>, el: HTMLElement, text: string) {
  await u.click(el);
  await u.paste(text);
}

function render(path = '/shops/shp_1/products/prd_1') {
  return renderPage(<ProductEditorPage />, { path, pattern: '/shops/:shopId/products/:productId' });
}

function api(d: ProductDetail, extra: Record<string, (c: { body: unknown }) => Response | Promise<Response>> = {}) {
  return mockApi({
    'GET /api/v1/shops/shp_1': () => json(200, shop),
    [`GET ${base}`]: () => json(200, d),
    [`GET ${base}/preview-feed`]: () => json(200, previewOf(d)),
    ...extra,
  });
}

describe('ProductEditorPage', () => {
  it('shows the tabs, without "AI enriched" when the product has no AI data', async () => {
    api(detailFixture());
    render();
    expect(await screen.findByRole('tab', { name: 'Manual edits' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tab', { name: 'WooCommerce data' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Feed preview' })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'AI enriched' })).not.toBeInTheDocument();
  });

  it('shows the AI tab when the API returns AI data, and uses it as the fallback', async () => {
    const d = detailFixture({
      ai: { enriched: true, title: 'AI Trail Tent 2P', description: 'AI text', keywords: ['tent'], qAndA: null, suggestedCategory: null, enrichedAt: null },
    });
    api(d);
    render();
    expect(await screen.findByRole('tab', { name: 'AI enriched' })).toBeInTheDocument();
    const title = screen.getByRole('textbox', { name: 'Title' });
    expect(title).toHaveAttribute('placeholder', 'AI Trail Tent 2P');
    expect(title).toHaveAccessibleDescription(/Empty: uses the AI value/);
  });

  it('shows the store value as the placeholder and counts characters against the limit', async () => {
    api(detailFixture());
    render();
    const title = await screen.findByRole('textbox', { name: 'Title' });
    expect(title).toHaveAttribute('placeholder', 'Trail Tent');
    await userEvent.setup().type(title, 'Tent');
    const counters = screen.getAllByTestId('char-count').map((e) => e.textContent);
    expect(counters).toContain('4 / 150 characters');
  });

  it('saves only the changed fields and shows the new preview', async () => {
    const saved = detailFixture({
      manual: { ...detailFixture().manual, manualTitle: 'Ultralight Trail Tent', fields: { brand: 'Peak' } },
      feedItems: [{ item_id: 'TT-1', title: 'Ultralight Trail Tent', brand: 'Peak', price: '199.00 USD' }],
    });
    let current = detailFixture();
    const { calls } = mockApi({
      'GET /api/v1/shops/shp_1': () => json(200, shop),
      [`GET ${base}`]: () => json(200, current),
      [`GET ${base}/preview-feed`]: () => json(200, previewOf(current)),
      [`PATCH ${base}`]: () => {
        current = saved;
        return json(200, saved);
      },
    });
    render();
    const u = userEvent.setup();
    await fill(u, await screen.findByRole('textbox', { name: 'Title' }), 'Ultralight Trail Tent');
    await fill(u, screen.getByRole('textbox', { name: 'Brand' }), 'Peak');
    await u.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ manualTitle: 'Ultralight Trail Tent', fields: { brand: 'Peak' } } satisfies ProductPatch);
    expect(await screen.findByText('Changes saved')).toBeInTheDocument();
    await u.click(screen.getByRole('tab', { name: 'Feed preview' }));
    const key = await screen.findByRole('table', { name: 'Key feed fields' });
    expect(within(key).getByText('Ultralight Trail Tent')).toBeInTheDocument();
    expect(within(key).getByText('Peak')).toBeInTheDocument();
  });

  it('sends null when a field is emptied, so the product falls back', async () => {
    const d = detailFixture({ manual: { ...detailFixture().manual, manualTitle: 'Mine' } });
    const { calls } = api(d, { [`PATCH ${base}`]: () => json(200, detailFixture()) });
    render();
    const u = userEvent.setup();
    const title = await screen.findByRole('textbox', { name: 'Title' });
    expect(title).toHaveValue('Mine');
    await u.clear(title);
    await u.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ manualTitle: null }));
  });

  it('blocks a title over the feed limit before sending', async () => {
    const { calls } = api(detailFixture());
    render();
    const u = userEvent.setup();
    const title = await screen.findByRole('textbox', { name: 'Title' });
    await u.click(title);
    await u.paste('x'.repeat(151));
    await u.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Use at most 150 characters (feed limit)')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
  });

  it('puts server problems on their fields, nested feed fields included', async () => {
    api(detailFixture(), {
      [`PATCH ${base}`]: () =>
        problem(422, 'Unprocessable Entity', 'Invalid edit', [
          { field: 'fields.material', code: 'too_long', message: 'At most 100 characters (feed limit).' },
          { field: 'manualCategory', code: 'empty', message: 'Use null to clear a value.' },
        ]),
    });
    render();
    const u = userEvent.setup();
    await fill(u, await screen.findByRole('textbox', { name: 'Category' }), 'Tents');
    await u.click(screen.getByRole('button', { name: /Item details/ }));
    await fill(u, screen.getByRole('textbox', { name: 'Material' }), 'Nylon');
    await u.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('At most 100 characters (feed limit).')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Category' })).toHaveAccessibleDescription(/Use null to clear a value\./);
    expect(screen.getByRole('textbox', { name: 'Material' })).toHaveAccessibleDescription(/At most 100 characters/);
    // The first refused field in form order takes the focus.
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Category' })).toHaveFocus());
  });

  it('edits the Q&A list: add, fill, remove', async () => {
    const { calls } = api(detailFixture(), { [`PATCH ${base}`]: () => json(200, detailFixture()) });
    render();
    const u = userEvent.setup();
    await u.click(await screen.findByRole('button', { name: 'Add question' }));
    await u.click(screen.getByRole('button', { name: 'Add question' }));
    await fill(u, screen.getByRole('textbox', { name: 'Question 1' }), 'Is it waterproof?');
    await fill(u, screen.getByRole('textbox', { name: 'Answer 1' }), 'Yes, 3000 mm.');
    await u.click(screen.getByRole('button', { name: 'Remove question 2' }));
    expect(screen.queryByRole('textbox', { name: 'Question 2' })).not.toBeInTheDocument();
    await u.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ manualQAndA: [{ q: 'Is it waterproof?', a: 'Yes, 3000 mm.' }] }),
    );
  });

  it('links a validation issue to the field that fixes it', async () => {
    const d = detailFixture({
      isValid: false,
      product: { ...detailFixture().product, isValid: false, status: 'ERROR' },
      validationIssues: [
        { itemId: 'TT-1', field: 'gtin', code: 'gtin_check_digit', severity: 'error', message: "gtin '4006381333932' has a wrong check digit" },
        { itemId: 'TT-1', field: 'title', code: 'all_caps', severity: 'warning', message: 'title is in capitals' },
      ],
    });
    api(d);
    render('/shops/shp_1/products/prd_1?tab=preview');
    const list = await screen.findByRole('list', { name: 'Validation issues' });
    expect(within(list).getByText("gtin '4006381333932' has a wrong check digit")).toBeInTheDocument();
    await userEvent.setup().click(within(list).getByRole('button', { name: 'Fix GTIN' }));
    expect(await screen.findByRole('tab', { name: 'Manual edits' })).toHaveAttribute('aria-selected', 'true');
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'GTIN' })).toHaveFocus());
  });

  it('opens the collapsed group of a feed field to focus it', async () => {
    const d = detailFixture({
      isValid: false,
      validationIssues: [{ itemId: 'TT-1', field: 'color', code: 'too_long', severity: 'error', message: 'color has 41 characters; the limit is 40: shorten it' }],
    });
    api(d);
    render('/shops/shp_1/products/prd_1?tab=preview');
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Fix Color' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Color' })).toHaveFocus());
  });

  it('shows the store data read-only with variations', async () => {
    api(
      detailFixture({
        variants: [{ id: 'var_1', wooVariationId: 501, sku: 'TT-1-G', price: '189.00', stockStatus: 'instock', stockQuantity: 2, attributes: [{ name: 'Color', option: 'Green' }] }],
      }),
    );
    render('/shops/shp_1/products/prd_1?tab=woo');
    const vars = await screen.findByRole('table', { name: 'Variations' });
    expect(within(vars).getByText('TT-1-G')).toBeInTheDocument();
    expect(within(vars).getByText('Color: Green')).toBeInTheDocument();
    expect(within(vars).getByText('$189.00')).toBeInTheDocument();
    // Store HTML is shown as text, never rendered.
    expect(screen.getByText('A light tent.')).toBeInTheDocument();
  });

  it('says when the product does not exist', async () => {
    mockApi({
      'GET /api/v1/shops/shp_1': () => json(200, shop),
      [`GET ${base}`]: () => problem(404, 'Not Found', 'No such product.'),
      [`GET ${base}/preview-feed`]: () => problem(404, 'Not Found', 'No such product.'),
    });
    render();
    expect(await screen.findByText('Product not found')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to products' })).toHaveAttribute('href', '/shops/shp_1/products');
  });
});
