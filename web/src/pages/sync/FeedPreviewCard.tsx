import { Anchor, Badge, Card, Group, Image, SimpleGrid, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { FEED_FORMATS, feedDownloadUrl, type FeedFile, type FeedPreview } from '../../api/sync';
import { ErrorState } from '../../components/ErrorState';
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
        {!preview && !error && <Skeleton h={140} aria-label="Loading the feed preview" />}
        {error != null && !preview && <ErrorState error={error} title="Could not load the feed preview" onRetry={onRetry} />}

        {s && (
          <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm" aria-label="Validation summary">
            <Stat label="Products" value={formatCount(s.totalProducts)} />
            <Stat
              label="In the feed"
              value={formatCount(s.included)}
              hint={formatPercent(s.included, s.totalProducts)}
              color="teal"
            />
            <Stat label="Invalid" value={formatCount(s.invalid)} color={s.invalid > 0 ? 'red' : undefined} />
            <Stat label="Excluded" value={formatCount(s.excluded)} />
            <Stat label="Not checked yet" value={formatCount(s.pending)} />
          </SimpleGrid>
        )}
        {preview && preview.previewStats.warnings > 0 && (
          <Text size="xs" c="dimmed">
            {formatCount(preview.previewStats.warnings)} warning{preview.previewStats.warnings === 1 ? '' : 's'} on the items
            below (recommended fields missing; the items are still sent).
          </Text>
        )}

        {preview && items.length === 0 && (
          <Text size="sm" c="dimmed">
            The feed has no items yet.
          </Text>
        )}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="xs" aria-label="Feed preview" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={56} aria-label="Image" />
                  <Table.Th>Item id</Table.Th>
                  <Table.Th>Title</Table.Th>
                  <Table.Th>Price</Table.Th>
                  <Table.Th>Availability</Table.Th>
                  <Table.Th>Search / checkout</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((it, i) => (
                  <Table.Tr key={`${itemText(it.item_id)}-${i}`}>
                    <Table.Td>
                      {typeof it.image_url === 'string' && it.image_url ? (
                        <Image src={it.image_url} alt="" w={40} h={40} radius="sm" fit="cover" loading="lazy" fallbackSrc={NO_IMAGE} />
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace">
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
            <Table verticalSpacing={4} aria-label="Generated feed files">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Generated</Table.Th>
                  <Table.Th>Format</Table.Th>
                  <Table.Th ta="right">Items</Table.Th>
                  <Table.Th ta="right">Size</Table.Th>
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

function Stat({ label, value, hint, color }: { label: string; value: string; hint?: string; color?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Group gap={6} align="baseline">
        <Text size="xl" fw={700} c={color}>
          {value}
        </Text>
        {hint && (
          <Text size="xs" c="dimmed">
            {hint}
          </Text>
        )}
      </Group>
    </div>
  );
}
