/**
 * One product: `/shops/:shopId/products/:productId` (rendered inside ShopLayout, page body only).
 *
 * Stable accessible names (used by browser tests):
 * - link "Back to products"
 * - tabs: "WooCommerce data", "AI enriched" (only when the API returns AI data), "Manual edits",
 *   "Feed preview" (the tab is kept in `?tab=woo|ai|manual|preview`)
 * - Manual edits form ("Manual edits"): "Title", "Description", "Category", "Keywords",
 *   "Question N" / "Answer N" with "Add question" / "Remove question N", "Brand", "GTIN", "MPN",
 *   "Condition", "Enable ChatGPT search", "Enable ChatGPT checkout", "Exclude from feed", the other
 *   feed fields by their label (e.g. "Material", "Color", "Size") in "More feed fields" groups,
 *   buttons "Save changes" and "Discard changes"
 * - Feed preview: list "Validation issues" with "Fix <field label>" buttons (switch to Manual
 *   edits and focus the field), table "Key feed fields", code "Feed item JSON", select "Variation"
 * - WooCommerce data: tables "Store values", "Variations", "Recent store events" (when any), code
 *   "Raw attributes"
 * No field label contains another one (a unit test checks it), so Playwright's substring label
 * matching finds one field; only "Question 1" also matches "Question 10"+ (use exact: true).
 * "Keywords", "Condition" and the yes/no and list fields are comboboxes whose listbox carries the
 * same label: find them with getByRole('combobox', { name }).
 */
import { Anchor, Badge, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { isApiError } from '../../api/problem';
import { useFeedPreview, useProduct, useShopCurrency } from '../../api/products';
import { ErrorState } from '../../components/ErrorState';
import { PageLoader } from '../../components/PageLoader';
import { AiDataPanel, hasAiData } from '../../components/products/AiDataPanel';
import { FeedPreviewPanel } from '../../components/products/FeedPreviewPanel';
import { ManualEditForm, type FocusRequest } from '../../components/products/ManualEditForm';
import { ChatGptFlags, ProductStatusBadge } from '../../components/products/ProductStatusBadge';
import { WooDataPanel } from '../../components/products/WooDataPanel';
import { formatDateTime } from '../../lib/format';

const TABS = ['woo', 'ai', 'manual', 'preview'] as const;
type Tab = (typeof TABS)[number];

export default function ProductEditorPage() {
  const { shopId = '', productId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const product = useProduct(shopId, productId);
  const preview = useFeedPreview(shopId, productId);
  const currency = useShopCurrency(shopId);
  const [focusRequest, setFocusRequest] = useState<FocusRequest | null>(null);

  const detail = product.data;
  const showAi = detail ? hasAiData(detail) : false;
  const requested = params.get('tab') as Tab | null;
  const tab: Tab = requested && TABS.includes(requested) && (requested !== 'ai' || showAi) ? requested : 'manual';

  const setTab = useCallback(
    (t: string | null) => {
      if (!t) return;
      setParams(
        (p) => {
          const n = new URLSearchParams(p);
          if (t === 'manual') n.delete('tab');
          else n.set('tab', t);
          return n;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  const fix = useCallback(
    (field: string) => {
      setTab('manual');
      setFocusRequest((r) => ({ field, seq: (r?.seq ?? 0) + 1 }));
    },
    [setTab],
  );

  const listUrl = `/shops/${encodeURIComponent(shopId)}/products`;
  const back = (
    <Anchor component={Link} to={listUrl} size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden />
        Back to products
      </Group>
    </Anchor>
  );

  if (product.isPending) return <PageLoader label="Loading the product" />;
  if (product.isError || !detail) {
    const notFound = isApiError(product.error) && product.error.status === 404;
    return (
      <Stack>
        {back}
        <ErrorState
          error={product.error}
          title={notFound ? 'Product not found' : 'Could not load the product'}
          onRetry={notFound ? undefined : () => void product.refetch()}
        />
      </Stack>
    );
  }

  const p = detail.product;
  const allIssues = preview.data?.issues ?? detail.validationIssues;
  const issues = allIssues.filter((i) => i.severity === 'error').length;

  return (
    <Stack gap="md">
      {back}
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <div>
          <Title order={2} size="h3">
            {p.title}
          </Title>
          <Text size="sm" c="dimmed">
            {p.sku ? `SKU ${p.sku} · ` : ''}WooCommerce #{p.wooProductId}
            {detail.variants.length > 0 ? ` · ${detail.variants.length} variation${detail.variants.length === 1 ? '' : 's'}` : ''}
            {detail.manual.editedAt ? ` · edited ${formatDateTime(detail.manual.editedAt)}` : ''}
          </Text>
        </div>
        <Group gap="xs">
          <ProductStatusBadge product={{ ...p, issueCount: p.isValid ? undefined : issues || allIssues.length }} />
          <ChatGptFlags search={p.feedEnableSearch} checkout={p.feedEnableCheckout} />
        </Group>
      </Group>

      <Tabs value={tab} onChange={setTab}>
        <Tabs.List>
          <Tabs.Tab value="woo">WooCommerce data</Tabs.Tab>
          {showAi && <Tabs.Tab value="ai">AI enriched</Tabs.Tab>}
          <Tabs.Tab value="manual">Manual edits</Tabs.Tab>
          <Tabs.Tab
            value="preview"
            rightSection={
              issues > 0 ? (
                <Badge size="xs" color="red" circle aria-hidden>
                  {issues}
                </Badge>
              ) : undefined
            }
          >
            Feed preview
          </Tabs.Tab>
        </Tabs.List>

        <Tabs.Panel value="woo" pt="md">
          <WooDataPanel detail={detail} currency={currency.data ?? null} />
        </Tabs.Panel>
        {showAi && hasAiData(detail) && (
          <Tabs.Panel value="ai" pt="md">
            <AiDataPanel ai={detail.ai} />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="manual" pt="md">
          <ManualEditForm
            detail={detail}
            shopId={shopId}
            productId={productId}
            focusRequest={focusRequest}
            active={tab === 'manual'}
          />
        </Tabs.Panel>
        <Tabs.Panel value="preview" pt="md">
          {preview.isPending ? (
            <PageLoader label="Loading the feed preview" />
          ) : preview.isError ? (
            <ErrorState error={preview.error} title="Could not load the feed preview" onRetry={() => void preview.refetch()} />
          ) : (
            <FeedPreviewPanel preview={preview.data} onFix={fix} />
          )}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
