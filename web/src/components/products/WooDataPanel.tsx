import { Anchor, Badge, Group, Spoiler, Stack, Table, Text, Title } from '@mantine/core';
import type { ProductDetail } from '../../api/products';
import { formatDateTime } from '../../lib/format';
import { availabilityLabel, formatPrice, stripHtml } from '../../pages/products/format';
import { JsonView } from './JsonView';
import { Thumb } from './Thumb';

const WOO_STOCK: Record<string, string> = { instock: 'In stock', outofstock: 'Out of stock', onbackorder: 'On backorder' };

function wooStock(s: string | null | undefined): string {
  if (!s) return '—';
  return WOO_STOCK[s] ?? availabilityLabel(s);
}

function names(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v
    .map((x) => (x && typeof x === 'object' ? ((x as Record<string, unknown>).name ?? (x as Record<string, unknown>).slug) : x))
    .filter((x): x is string => typeof x === 'string');
}

function images(v: unknown): { src: string; alt: string }[] {
  if (!Array.isArray(v)) return [];
  return v
    .map((x) => (x && typeof x === 'object' ? (x as Record<string, unknown>) : {}))
    .filter((x) => typeof x.src === 'string')
    .map((x) => ({ src: x.src as string, alt: typeof x.alt === 'string' ? x.alt : '' }));
}

function attrText(v: unknown): string {
  if (!Array.isArray(v)) return '—';
  return (
    v
      .map((a) => {
        if (!a || typeof a !== 'object') return null;
        const r = a as Record<string, unknown>;
        const name = typeof r.name === 'string' ? r.name : '';
        const opt = typeof r.option === 'string' ? r.option : Array.isArray(r.options) ? r.options.join(', ') : '';
        return name ? `${name}: ${opt}` : opt;
      })
      .filter(Boolean)
      .join(' · ') || '—'
  );
}

/** The store's own values, read-only. */
export function WooDataPanel({ detail, currency }: { detail: ProductDetail; currency: string | null }) {
  const w = detail.woo;
  const rows: [string, React.ReactNode][] = [
    ['Title', w.title],
    ['WooCommerce ID', String(w.id)],
    ['Type', w.type ?? '—'],
    ['SKU', w.sku ?? '—'],
    ['Price', formatPrice(w.price, currency)],
    ['Regular price', formatPrice(w.regularPrice, currency)],
    ['Sale price', formatPrice(w.salePrice, currency)],
    ['Stock status', wooStock(w.stockStatus)],
    ['Stock quantity', w.stockQuantity ?? '—'],
    [
      'Categories',
      names(w.categories).length ? (
        <Group gap={4}>
          {names(w.categories).map((c) => (
            <Badge key={c} variant="light" size="sm">
              {c}
            </Badge>
          ))}
        </Group>
      ) : (
        '—'
      ),
    ],
    [
      'Product page',
      w.permalink ? (
        <Anchor href={w.permalink} target="_blank" rel="noreferrer noopener" size="sm">
          {w.permalink}
        </Anchor>
      ) : (
        '—'
      ),
    ],
    ['Modified in the store', w.modifiedAt ? formatDateTime(w.modifiedAt) : '—'],
    ['Last synced', detail.lastSyncedAt ? formatDateTime(detail.lastSyncedAt) : '—'],
  ];
  const imgs = images(w.images);
  return (
    <Stack gap="lg">
      <Table aria-label="Store values" withRowBorders={false} verticalSpacing={6}>
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th w={200} scope="row">
                <Text size="sm" c="dimmed">
                  {k}
                </Text>
              </Table.Th>
              <Table.Td>
                <Text size="sm" component="div">
                  {v}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {detail.syncError && (
        <Text size="sm" c="red">
          Last sync error: {detail.syncError}
        </Text>
      )}
      <section aria-labelledby="woo-description">
        <Title order={3} size="h5" id="woo-description" mb={4}>
          Description
        </Title>
        <Spoiler maxHeight={120} showLabel="Show more" hideLabel="Show less">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {stripHtml(w.description) || stripHtml(w.shortDescription) || '—'}
          </Text>
        </Spoiler>
      </section>
      {imgs.length > 0 && (
        <section aria-labelledby="woo-images">
          <Title order={3} size="h5" id="woo-images" mb={4}>
            Images
          </Title>
          <Group gap="xs">
            {imgs.slice(0, 12).map((i) => (
              <Thumb key={i.src} src={i.src} alt={i.alt || w.title} size={72} />
            ))}
          </Group>
        </section>
      )}
      <section aria-labelledby="woo-variations">
        <Title order={3} size="h5" id="woo-variations" mb={4}>
          Variations ({detail.variants.length})
        </Title>
        {detail.variants.length === 0 ? (
          <Text size="sm" c="dimmed">
            This product has no variations.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Variations" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>ID</Table.Th>
                  <Table.Th>SKU</Table.Th>
                  <Table.Th>Price</Table.Th>
                  <Table.Th>Stock</Table.Th>
                  <Table.Th>Attributes</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {detail.variants.map((v) => (
                  <Table.Tr key={v.id}>
                    <Table.Td>{v.wooVariationId}</Table.Td>
                    <Table.Td>{v.sku ?? '—'}</Table.Td>
                    <Table.Td>{formatPrice(v.price, currency)}</Table.Td>
                    <Table.Td>
                      {wooStock(v.stockStatus)}
                      {typeof v.stockQuantity === 'number' ? ` (${v.stockQuantity})` : ''}
                    </Table.Td>
                    <Table.Td>{attrText(v.attributes)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </section>
      {detail.syncHistory.length > 0 && (
        <section aria-labelledby="woo-events">
          <Title order={3} size="h5" id="woo-events" mb={4}>
            Recent store events
          </Title>
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Recent store events" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Received</Table.Th>
                  <Table.Th>Error</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {detail.syncHistory.map((e, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{e.topic}</Table.Td>
                    <Table.Td>{e.status}</Table.Td>
                    <Table.Td>{formatDateTime(e.receivedAt)}</Table.Td>
                    <Table.Td>{e.error ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </section>
      )}
      <section aria-labelledby="woo-attributes">
        <Title order={3} size="h5" id="woo-attributes" mb={4}>
          Raw attributes
        </Title>
        <JsonView value={w.attributes ?? []} label="Raw attributes" maxHeight={260} />
      </section>
    </Stack>
  );
}
