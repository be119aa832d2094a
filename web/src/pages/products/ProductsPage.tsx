/**
 * Products of a shop: `/shops/:shopId/products` (rendered inside ShopLayout, page body only).
 *
 * Stable accessible names (used by browser tests):
 * - search box: label "Search products"
 * - filters: "Status", "Availability", "Validity", "Manual edits", "AI enriched" (only when the API
 *   reports enrichment), "Category", "Sort by"; page size: "Rows per page" (the selects are
 *   comboboxes: getByRole('combobox', { name }))
 * - pager (nav "Pagination"): "Page <n>", "First page", "Previous page", "Next page", "Last page"
 * - table: "Products"; header checkbox "Select all on this page"; row checkbox "Select <title>";
 *   "Select all <N> matching products" button once a whole page is selected
 * - per row: link "Edit <title>", switch "Include <title> in feed" (optimistic)
 * - bulk bar (region "Bulk actions"): "Include in feed", "Exclude from feed", "Enable search",
 *   "Disable search", "Enable checkout", "Disable checkout", "Reset overrides…" (dialog
 *   "Reset manual edits" with "Reset overrides"), "Clear selection"; job progress "Bulk action progress"
 */
import {
  Anchor,
  Box,
  Button,
  Checkbox,
  Group,
  Pagination,
  Paper,
  Select,
  Skeleton,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconArrowDown, IconArrowUp, IconArrowsSort, IconPencil, IconSearch } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { errorMessage } from '../../api/problem';
import {
  bulkJobId,
  invalidateProducts,
  useBulkAction,
  useProducts,
  useSetExcluded,
  useShopCurrency,
  type BulkActionName,
  type BulkTarget,
  type ProductSummary,
} from '../../api/products';
import type { Job } from '../../api/types';
import { ErrorState } from '../../components/ErrorState';
import { BulkActionsBar, BulkJobProgress } from '../../components/products/BulkActionsBar';
import { ChatGptFlags, ProductStatusBadge } from '../../components/products/ProductStatusBadge';
import { Thumb } from '../../components/products/Thumb';
import { availabilityLabel, formatPrice, plural, STATUS_LABELS } from './format';
import {
  AVAILABILITY_VALUES,
  DEFAULT_STATE,
  PAGE_SIZES,
  filterKey,
  hasFilters,
  parseListState,
  toProductQuery,
  toSearchParams,
  updateListState,
  type ListState,
} from './listState';

const ROW_HEIGHT = 60;
const THUMB = 40;

const BULK_DONE: Record<BulkActionName, string> = {
  include: 'included in the feed',
  exclude: 'excluded from the feed',
  enable_search: 'enabled for ChatGPT search',
  disable_search: 'hidden from ChatGPT search',
  enable_checkout: 'enabled for ChatGPT checkout',
  disable_checkout: 'disabled for ChatGPT checkout',
  reset_overrides: 'reset to AI and store values',
};

const SORT_OPTIONS = [
  { value: '-updatedAt', label: 'Recently updated' },
  { value: 'updatedAt', label: 'Least recently updated' },
  { value: 'title', label: 'Title A–Z' },
  { value: '-title', label: 'Title Z–A' },
  { value: 'price', label: 'Price, low to high' },
  { value: '-price', label: 'Price, high to low' },
  { value: '-lastSyncedAt', label: 'Recently synced' },
  { value: '-createdAt', label: 'Newest first' },
  { value: 'createdAt', label: 'Oldest first' },
  { value: 'wooProductId', label: 'WooCommerce ID' },
];

const boolValue = (b: boolean | null) => (b === null ? null : String(b));
const toBool = (v: string | null) => (v === 'true' ? true : v === 'false' ? false : null);

/** The list state, read from and written to the URL. */
function useListState() {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parseListState(params), [params]);
  const stateRef = useRef(state);
  stateRef.current = state;
  const update = useCallback(
    (change: Partial<ListState>, opts?: { replace?: boolean }) => {
      const next = toSearchParams(updateListState(stateRef.current, change));
      // No history entry for a change that changes nothing (a debounced repeat, say).
      if (next.toString() === toSearchParams(stateRef.current).toString()) return;
      setParams(next, { replace: opts?.replace });
    },
    [setParams],
  );
  return [state, update] as const;
}

/** A text filter that writes to the URL once typing pauses, and follows the URL on back/forward. */
function useDebouncedUrlText(value: string, push: (v: string) => void, delay = 300) {
  const [text, setText] = useState(value);
  const pushed = useRef(value);
  const debounced = useDebouncedCallback((v: string) => {
    pushed.current = v.trim();
    push(v);
  }, delay);
  useEffect(() => {
    if (value !== pushed.current) {
      pushed.current = value;
      setText(value);
    }
  }, [value]);
  const onChange = (v: string) => {
    setText(v);
    debounced(v);
  };
  /** Sets the text without writing it (the caller writes the URL itself). */
  const set = (v: string) => {
    debounced.cancel();
    pushed.current = v;
    setText(v);
  };
  return [text, onChange, set, debounced.flush] as const;
}

interface Selection {
  key: string;
  ids: Set<string>;
  allMatching: boolean;
}

export default function ProductsPage() {
  const { shopId = '' } = useParams();
  const [state, update] = useListState();
  const query = useMemo(() => toProductQuery(state), [state]);
  const list = useProducts(shopId, query);
  const currency = useShopCurrency(shopId);
  const qc = useQueryClient();
  const bulk = useBulkAction(shopId);
  const setExcluded = useSetExcluded(shopId);
  const [bulkJob, setBulkJob] = useState<{ id: string; action: BulkActionName } | null>(null);
  const jobId = bulkJob?.id ?? null;

  const [search, setSearch, resetSearch, flushSearch] = useDebouncedUrlText(state.search, (v) => update({ search: v }));
  const [category, setCategory, resetCategory, flushCategory] = useDebouncedUrlText(state.category, (v) => update({ category: v }));

  // A selection belongs to one filter: changing the filter starts a new one.
  const fk = filterKey(state);
  const [sel, setSel] = useState<Selection>({ key: fk, ids: new Set(), allMatching: false });
  const selection = sel.key === fk ? sel : { key: fk, ids: new Set<string>(), allMatching: false };
  const clearSelection = () => setSel({ key: fk, ids: new Set(), allMatching: false });
  const clearSelectionRef = useRef(clearSelection);
  clearSelectionRef.current = clearSelection;

  const data = list.data;
  const products = data?.products ?? [];
  const total = data?.pagination.total ?? 0;
  const totalPages = Math.max(1, data?.pagination.totalPages ?? 1);
  const showAi = products.some((p) => typeof p.aiEnriched === 'boolean') || state.aiEnriched !== null;

  const pageIds = products.map((p) => p.id);
  const pageSelected = pageIds.filter((id) => selection.allMatching || selection.ids.has(id)).length;
  const allOnPage = pageIds.length > 0 && pageSelected === pageIds.length;
  const selectedCount = selection.allMatching ? total : selection.ids.size;

  // Past the last page (after a bulk exclude with a filter, say): go to the last one.
  useEffect(() => {
    if (data && !list.isPlaceholderData && state.page > 1 && state.page > data.pagination.totalPages) {
      update({ page: Math.max(1, data.pagination.totalPages) }, { replace: true });
    }
  }, [data, list.isPlaceholderData, state.page, update]);

  const toggleRow = (id: string, on: boolean) => {
    if (selection.allMatching) {
      // Leaving "all matching": keep the rows of this page that stay selected.
      const ids = new Set(pageIds);
      if (!on) ids.delete(id);
      setSel({ key: fk, ids, allMatching: false });
      return;
    }
    const ids = new Set(selection.ids);
    if (on) ids.add(id);
    else ids.delete(id);
    setSel({ key: fk, ids, allMatching: false });
  };

  const togglePage = (on: boolean) => {
    const ids = new Set(selection.allMatching ? [] : selection.ids);
    for (const id of pageIds) {
      if (on) ids.add(id);
      else ids.delete(id);
    }
    setSel({ key: fk, ids, allMatching: false });
  };

  const onBulkDone = useCallback(
    (job: Job) => {
      const action = bulkJob?.action;
      setBulkJob(null);
      void invalidateProducts(qc, shopId);
      if (job.status === 'succeeded') {
        const affected = (job.result as { affected?: unknown } | null | undefined)?.affected;
        notifications.show({
          color: 'teal',
          title: 'Bulk action finished',
          message: typeof affected === 'number' && action ? `${plural(affected, 'product')} ${BULK_DONE[action]}` : undefined,
        });
        clearSelectionRef.current();
      } else {
        notifications.show({ color: 'red', title: 'Bulk action failed', message: job.lastError ?? `The job ended as ${job.status}.` });
      }
    },
    [qc, shopId, bulkJob],
  );

  const runBulk = (action: BulkActionName) => {
    const target: BulkTarget = selection.allMatching ? { filter: query } : { ids: [...selection.ids] };
    bulk.mutate(
      { action, target },
      {
        onSuccess: (r) => {
          const job = bulkJobId(r);
          if (job) {
            setBulkJob({ id: job, action });
            return;
          }
          const n = typeof r?.affected === 'number' ? r.affected : selectedCount;
          notifications.show({ color: 'teal', message: `${plural(n, 'product')} ${BULK_DONE[action]}` });
          clearSelection();
        },
        onError: (e) => notifications.show({ color: 'red', title: 'Bulk action failed', message: errorMessage(e) }),
      },
    );
  };

  const toggleExcluded = (p: ProductSummary, include: boolean) => {
    setExcluded.mutate(
      { productId: p.id, excluded: !include },
      {
        onError: (e) =>
          notifications.show({ color: 'red', title: `Could not update “${p.title}”`, message: errorMessage(e) }),
      },
    );
  };

  // Stable row callbacks, so a selection change re-renders only the rows it changes.
  const toggleRowRef = useRef(toggleRow);
  toggleRowRef.current = toggleRow;
  const toggleExcludedRef = useRef(toggleExcluded);
  toggleExcludedRef.current = toggleExcluded;
  const onSelectRow = useCallback((id: string, on: boolean) => toggleRowRef.current(id, on), []);
  const onIncludeRow = useCallback((p: ProductSummary, on: boolean) => toggleExcludedRef.current(p, on), []);

  const sortHeader = (field: 'title' | 'price', label: string, w?: number) => {
    const active = state.sort === field || state.sort === `-${field}`;
    const desc = state.sort === `-${field}`;
    const next = active && !desc ? `-${field}` : field;
    const Icon = active ? (desc ? IconArrowDown : IconArrowUp) : IconArrowsSort;
    return (
      <Table.Th w={w} aria-sort={active ? (desc ? 'descending' : 'ascending') : 'none'}>
        <UnstyledButton onClick={() => update({ sort: next })} aria-label={`Sort by ${label.toLowerCase()}`}>
          <Group gap={4} wrap="nowrap">
            <Text size="sm" fw={600}>
              {label}
            </Text>
            <Icon size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Table.Th>
    );
  };

  const filtered = hasFilters(state);
  const columns = showAi ? 9 : 8;
  const skeletonRows = Math.min(state.limit, 12);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2} size="h3">
            Products
          </Title>
          <Text size="sm" c="dimmed" aria-live="polite">
            {data ? `${plural(total, 'product')}${filtered ? ' match' + (total === 1 ? 'es' : '') + ' the filters' : ''}` : ' '}
          </Text>
        </div>
      </Group>

      <Paper withBorder radius="md" p="sm">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label="Search products"
            placeholder="Title or SKU"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            onKeyDown={(e) => e.key === 'Enter' && flushSearch()}
            w={240}
            type="search"
          />
          <Select
            label="Status"
            placeholder="Any"
            clearable
            w={150}
            data={['SYNCED', 'ERROR', 'EXCLUDED', 'DRAFT', 'PENDING_REVIEW', 'APPROVED'].map((v) => ({ value: v, label: STATUS_LABELS[v] ?? v }))}
            value={state.status}
            onChange={(v) => update({ status: v })}
          />
          <Select
            label="Availability"
            placeholder="Any"
            clearable
            w={150}
            data={AVAILABILITY_VALUES.map((v) => ({ value: v, label: availabilityLabel(v) }))}
            value={state.availability}
            onChange={(v) => update({ availability: v })}
          />
          <Select
            label="Validity"
            placeholder="Any"
            clearable
            w={130}
            data={[
              { value: 'true', label: 'Valid' },
              { value: 'false', label: 'Invalid' },
            ]}
            value={boolValue(state.valid)}
            onChange={(v) => update({ valid: toBool(v) })}
          />
          <Select
            label="Manual edits"
            placeholder="Any"
            clearable
            w={150}
            data={[
              { value: 'true', label: 'Has overrides' },
              { value: 'false', label: 'No overrides' },
            ]}
            value={boolValue(state.hasOverrides)}
            onChange={(v) => update({ hasOverrides: toBool(v) })}
          />
          {showAi && (
            <Select
              label="AI enriched"
              placeholder="Any"
              clearable
              w={130}
              data={[
                { value: 'true', label: 'Enriched' },
                { value: 'false', label: 'Not enriched' },
              ]}
              value={boolValue(state.aiEnriched)}
              onChange={(v) => update({ aiEnriched: toBool(v) })}
            />
          )}
          <TextInput label="Category" placeholder="Name or slug" value={category} onChange={(e) => setCategory(e.currentTarget.value)} onKeyDown={(e) => e.key === 'Enter' && flushCategory()} w={160} />
          <Select
            label="Sort by"
            w={200}
            data={SORT_OPTIONS}
            value={state.sort}
            allowDeselect={false}
            onChange={(v) => v && update({ sort: v })}
          />
          {filtered && (
            <Button
              variant="subtle"
              onClick={() => {
                resetSearch('');
                resetCategory('');
                update({ ...DEFAULT_STATE, sort: state.sort, limit: state.limit });
              }}
            >
              Clear filters
            </Button>
          )}
        </Group>
      </Paper>

      {selectedCount > 0 && (
        <BulkActionsBar
          selectionLabel={
            selection.allMatching
              ? `All ${plural(total, 'matching product')} selected`
              : `${plural(selectedCount, 'product')} selected`
          }
          count={selectedCount}
          busy={bulk.isPending || jobId !== null}
          onAction={runBulk}
          onClear={clearSelection}
        >
          {jobId && <BulkJobProgress jobId={jobId} onDone={onBulkDone} />}
        </BulkActionsBar>
      )}
      {selectedCount === 0 && jobId && (
        <Paper withBorder p="sm" radius="md">
          <BulkJobProgress jobId={jobId} onDone={onBulkDone} />
        </Paper>
      )}

      {allOnPage && !selection.allMatching && total > pageIds.length && (
        <Group gap="xs" justify="center">
          <Text size="sm">All {plural(pageIds.length, 'product')} on this page are selected.</Text>
          <Button size="compact-sm" variant="subtle" onClick={() => setSel({ key: fk, ids: new Set(), allMatching: true })}>
            Select all {total.toLocaleString()} matching products
          </Button>
        </Group>
      )}

      {list.isError && <ErrorState error={list.error} title="Could not load the products" onRetry={() => void list.refetch()} />}

      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={960}>
          <Table
            aria-label="Products"
            aria-busy={list.isFetching}
            verticalSpacing={0}
            highlightOnHover
            style={{ tableLayout: 'fixed', opacity: list.isPlaceholderData ? 0.6 : 1, transition: 'opacity 120ms' }}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={44}>
                  <Checkbox
                    aria-label="Select all on this page"
                    checked={allOnPage}
                    indeterminate={pageSelected > 0 && !allOnPage}
                    disabled={pageIds.length === 0}
                    onChange={(e) => togglePage(e.currentTarget.checked)}
                  />
                </Table.Th>
                {sortHeader('title', 'Product')}
                {/* Fixed columns kept narrow so the product title gets the rest of the width. */}
                {sortHeader('price', 'Price', 96)}
                <Table.Th w={110}>Availability</Table.Th>
                {showAi && <Table.Th w={96}>AI enriched</Table.Th>}
                <Table.Th w={166}>ChatGPT</Table.Th>
                <Table.Th w={118}>Status</Table.Th>
                <Table.Th w={124}>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {!data &&
                list.isPending &&
                Array.from({ length: skeletonRows }, (_, i) => (
                  <Table.Tr key={`s${i}`} h={ROW_HEIGHT} aria-hidden>
                    <Table.Td>
                      <Skeleton h={18} w={18} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap="sm" wrap="nowrap">
                        <Skeleton h={THUMB} w={THUMB} radius="sm" />
                        <Skeleton h={14} w="60%" />
                      </Group>
                    </Table.Td>
                    {Array.from({ length: columns - 2 }, (_, j) => (
                      <Table.Td key={j}>
                        <Skeleton h={14} w="70%" />
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              {data && products.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={columns}>
                    <Stack align="center" gap="xs" py="xl">
                      {filtered ? (
                        <>
                          <Text fw={600}>No products match these filters</Text>
                          <Text size="sm" c="dimmed">
                            Try another search or clear the filters.
                          </Text>
                        </>
                      ) : (
                        <>
                          <Text fw={600}>No products yet</Text>
                          <Text size="sm" c="dimmed">
                            Products appear here once the store has been synced.{' '}
                            <Anchor component={Link} to={`/shops/${encodeURIComponent(shopId)}/sync`}>
                              Go to sync
                            </Anchor>
                          </Text>
                        </>
                      )}
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              )}
              {products.map((p) => (
                <ProductRow
                  key={p.id}
                  shopId={shopId}
                  product={p}
                  currency={currency.data ?? null}
                  showAi={showAi}
                  selected={selection.allMatching || selection.ids.has(p.id)}
                  onSelect={onSelectRow}
                  onInclude={onIncludeRow}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>

      <Group justify="space-between" wrap="wrap">
        <Group gap="xs">
          <Select
            label="Rows per page"
            size="xs"
            w={90}
            data={PAGE_SIZES.map((n) => String(n))}
            value={String(state.limit)}
            allowDeselect={false}
            onChange={(v) => v && update({ limit: Number(v) })}
          />
          {data && total > 0 && (
            <Text size="sm" c="dimmed" mt="lg">
              {((state.page - 1) * state.limit + 1).toLocaleString()}–{Math.min(state.page * state.limit, total).toLocaleString()} of{' '}
              {total.toLocaleString()}
            </Text>
          )}
        </Group>
        <Box component="nav" aria-label="Pagination">
          <Pagination
            total={totalPages}
            value={Math.min(state.page, totalPages)}
            onChange={(page) => update({ page })}
            getControlProps={(control) => ({ 'aria-label': `${control[0].toUpperCase()}${control.slice(1)} page` })}
            getItemProps={(page) => ({ 'aria-label': `Page ${page}` })}
            withEdges
          />
        </Box>
      </Group>
    </Stack>
  );
}

const ProductRow = memo(function ProductRow({
  shopId,
  product: p,
  currency,
  showAi,
  selected,
  onSelect,
  onInclude,
}: {
  shopId: string;
  product: ProductSummary;
  currency: string | null;
  showAi: boolean;
  selected: boolean;
  onSelect: (id: string, on: boolean) => void;
  onInclude: (p: ProductSummary, on: boolean) => void;
}) {
  const editUrl = `/shops/${encodeURIComponent(shopId)}/products/${encodeURIComponent(p.id)}`;
  const included = p.status !== 'EXCLUDED';
  return (
    <Table.Tr h={ROW_HEIGHT} bg={selected ? 'var(--mantine-primary-color-light)' : undefined}>
      <Table.Td>
        <Checkbox aria-label={`Select ${p.title}`} checked={selected} onChange={(e) => onSelect(p.id, e.currentTarget.checked)} />
      </Table.Td>
      <Table.Td>
        <Group gap="sm" wrap="nowrap">
          <Thumb src={p.imageUrl} size={THUMB} />
          <Box miw={0}>
            <Anchor component={Link} to={editUrl} size="sm" fw={500} lineClamp={1} title={p.title}>
              {p.title}
            </Anchor>
            <Text size="xs" c="dimmed" lineClamp={1}>
              {p.sku ? `SKU ${p.sku}` : `#${p.wooProductId}`}
              {typeof p.variationCount === 'number' && p.variationCount > 0 ? ` · ${plural(p.variationCount, 'variation')}` : ''}
            </Text>
          </Box>
        </Group>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatPrice(p.price, currency)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{availabilityLabel(p.availability)}</Text>
      </Table.Td>
      {showAi && (
        <Table.Td>
          <Text size="sm" c={p.aiEnriched ? undefined : 'dimmed'}>
            {p.aiEnriched ? 'Yes' : 'No'}
          </Text>
        </Table.Td>
      )}
      <Table.Td>
        <ChatGptFlags search={p.feedEnableSearch} checkout={p.feedEnableCheckout} />
      </Table.Td>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <ProductStatusBadge product={p} />
          {p.manualOverride && (
            <span title="Has manual edits" style={{ display: 'inline-flex' }}>
              <IconPencil size={14} aria-label="Has manual edits" />
            </span>
          )}
        </Group>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Switch
            size="sm"
            aria-label={`Include ${p.title} in feed`}
            title={included ? 'In the feed' : 'Excluded from the feed'}
            checked={included}
            onChange={(e) => onInclude(p, e.currentTarget.checked)}
          />
          <Button component={Link} to={editUrl} size="compact-sm" variant="light" aria-label={`Edit ${p.title}`}>
            Edit
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
});
