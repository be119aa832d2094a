import { Anchor, Badge, Card, Group, Image, SimpleGrid, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { FEED_FORMATS, feedDownloadUrl, type FeedFile, type FeedPreview } from '../../api/sync';
import { ErrorState } from '../../components/ErrorState';
import { TableHead, TableStateRows, type TableColumn } from '../../components/TableSkeleton';
import { formatDateTime } from '../../lib/format';
import { formatBytes, formatCount, formatPercent, formatRelative } from './format';

/** A neutral square shown when a product image cannot be loaded. */
const NO_IMAGE =
  "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='40' height='40'><rect width='40' height='40' fill='%23e9ecef'/></svg>";

/** A feed item field as text (strings as they are, numbers and booleans printed, objects as JSON). */
export function itemText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Columns of the preview, with fixed widths (the title takes the rest). */
const COLUMNS: TableColumn[] = [
  { label: 'Image', w: 60, skeleton: <Skeleton h={40} w={40} radius="sm" /> },
  { header: 'Item id', w: 150, skeleton: '70%' },
  { header: 'Title', skeleton: '80%' },
  { header: 'Price', w: 112, skeleton: '60%' },
  { header: 'Availability', w: 112, skeleton: '60%' },
  { header: 'Search / checkout', w: 170, skeleton: '70%' },
];

/** Height of an item row (placeholder or real), so the loaded rows take the placeholders' place. */
const ROW_HEIGHT = 64;

/** The first feed items with the catalog's validation summary, and a download link per format. */
export function FeedPreviewCard({
  shopId,
  preview,
  error,
  files,
  onRetry,
}: {
  shopId: string;
  preview: FeedPreview | undefined;
  error: unknown;
  files: FeedFile[] | undefined;
  onRetry: () => void;
}) {
  const s = preview?.summary;
  const items = (preview?.items ?? []) as Record<string, unknown>[];
  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="feed-title">
      <Stack gap="md">
        <div>
          <Title order={3} size="h4" id="feed-title">
            Feed
          </Title>
          <Text size="sm" c="dimmed">
            What ChatGPT gets from this store: only valid, not excluded products become feed items.
          </Text>
        </div>
        {error != null && !preview && <ErrorState error={error} title="Could not load the feed preview" onRetry={onRetry} />}

        {(s || (!preview && error == null)) && (
          <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm" aria-label="Validation summary" aria-busy={!s}>
            <Stat label="Products" value={s ? formatCount(s.totalProducts) : null} />
            <Stat
              label="In the feed"
              value={s ? formatCount(s.included) : null}
              hint={s ? formatPercent(s.included, s.totalProducts) : undefined}
              color="teal"
            />
            <Stat label="Invalid" value={s ? formatCount(s.invalid) : null} color={s && s.invalid > 0 ? 'red' : undefined} />
            <Stat label="Excluded" value={s ? formatCount(s.excluded) : null} />
            <Stat label="Not checked yet" value={s ? formatCount(s.pending) : null} />
          </SimpleGrid>
        )}

        {(preview || error == null) && (
          <Table.ScrollContainer minWidth={720}>
            {/* Fixed layout and widths: the items replace the placeholders without the columns moving. */}
            <Table verticalSpacing="xs" aria-label="Feed preview" aria-busy={!preview} highlightOnHover layout="fixed">
              <TableHead columns={COLUMNS} />
              <Table.Tbody>
                <TableStateRows
                  columns={COLUMNS}
                  loading={!preview}
                  rows={3}
                  height={ROW_HEIGHT}
                  empty={items.length === 0 && 'The feed has no items yet.'}
                />
                {items.map((it, i) => (
                  <Table.Tr key={`${itemText(it.item_id)}-${i}`} h={ROW_HEIGHT}>
                    <Table.Td>
                      {typeof it.image_url === 'string' && it.image_url ? (
                        <Image src={it.image_url} alt="" w={40} h={40} radius="sm" fit="cover" loading="lazy" fallbackSrc={NO_IMAGE} />
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                        {itemText(it.item_id)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2}>
                        {itemText(it.title)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{itemText(it.sale_price) || itemText(it.price)}</Text>
                    </Table.Td>
                    <Table.Td>{itemText(it.availability)}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <Eligible on={it.is_eligible_search ?? it.enable_search} label="search" />
                        <Eligible on={it.is_eligible_checkout ?? it.enable_checkout} label="checkout" />
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {preview && preview.previewStats.warnings > 0 && (
          <Text size="xs" c="dimmed">
            {formatCount(preview.previewStats.warnings)} warning{preview.previewStats.warnings === 1 ? '' : 's'} on the items
            above (recommended fields missing; the items are still sent).
          </Text>
        )}
        {preview && items.length > 0 && (
          <Text size="xs" c="dimmed">
            The first {items.length} item{items.length === 1 ? '' : 's'} of the feed (a product with variations gives one item per
            variation).
          </Text>
        )}

        <div>
          <Title order={4} size="h5" mb={6}>
            Download the feed
          </Title>
          <Group gap="xs">
            {FEED_FORMATS.map((f) => (
              <Anchor
                key={f.format}
                href={feedDownloadUrl(shopId, f.format)}
                download
                size="sm"
                aria-label={`Download ${f.label}`}
                title={'note' in f ? f.note : undefined}
              >
                <Group gap={4} wrap="nowrap">
                  <IconDownload size={14} aria-hidden />
                  {f.format}
                </Group>
              </Anchor>
            ))}
          </Group>
          {preview?.latestFile && (
            <Text size="xs" c="dimmed" mt={6}>
              Latest snapshot: {formatCount(preview.latestFile.itemCount)} items, {formatBytes(preview.latestFile.sizeBytes)},
              generated {formatRelative(preview.latestFile.createdAt)}.
            </Text>
          )}
        </div>

        {files && files.length > 0 && (
          <div>
            <Title order={4} size="h5" mb={6}>
              Generated files
            </Title>
            <Table verticalSpacing={4} aria-label="Generated feed files" layout="fixed">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Generated</Table.Th>
                  <Table.Th w="22%">Format</Table.Th>
                  <Table.Th w="18%" ta="right">
                    Items
                  </Table.Th>
                  <Table.Th w="18%" ta="right">
                    Size
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {files.map((f) => (
                  <Table.Tr key={f.id}>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(f.createdAt)}</Text>
                    </Table.Td>
                    <Table.Td>{f.format}</Table.Td>
                    <Table.Td ta="right">{formatCount(f.itemCount)}</Table.Td>
                    <Table.Td ta="right">{formatBytes(f.sizeBytes)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        )}
      </Stack>
    </Card>
  );
}

function Eligible({ on, label }: { on: unknown; label: string }) {
  if (on === undefined || on === null) return null;
  const yes = on === true || on === 'true';
  return (
    <Badge size="xs" variant="light" color={yes ? 'teal' : 'gray'}>
      {yes ? label : `no ${label}`}
    </Badge>
  );
}

/** A summary figure; `value` null while loading (a placeholder of the figure's height). */
function Stat({ label, value, hint, color }: { label: string; value: string | null; hint?: string; color?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Group gap={6} align="baseline">
        {value === null ? (
          <Skeleton h={34} w={56} radius="sm" />
        ) : (
          <Text size="xl" fw={700} c={color}>
            {value}
          </Text>
        )}
        {hint && (
          <Text size="xs" c="dimmed">
            {hint}
          </Text>
        )}
      </Group>
    </div>
  );
}
