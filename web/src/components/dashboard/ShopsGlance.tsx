import { Anchor, Badge, Card, Group, Progress, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { formatDateTime } from '../../lib/format';
import { Bar, SkeletonRows } from '../TableSkeleton';
import { formatCount, formatPercent, formatRelative, SYNC_STATE_COLOR, SYNC_STATE_LABEL } from '../../pages/sync/format';
import type { ShopData } from './data';

/** Height of a store row (placeholder or real), so the loaded rows take the placeholders' place. */
const ROW_HEIGHT = 68;

/**
 * One row per shop: connection, sync state, products and feed coverage, last sync. While the
 * list of shops loads (`loading`), placeholder rows stand in the same table.
 */
export function ShopsGlance({ data, loading = false }: { data: ShopData[]; loading?: boolean }) {
  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="glance-title">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4" id="glance-title">
            Your stores
          </Title>
          <Anchor component={Link} to="/shops" size="sm">
            All stores
          </Anchor>
        </Group>
        <Table.ScrollContainer minWidth={640}>
          {/* Fixed layout and widths: the rows replace the placeholders without the columns moving. */}
          <Table verticalSpacing="sm" aria-label="Stores at a glance" aria-busy={loading} highlightOnHover layout="fixed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Store</Table.Th>
                <Table.Th w={140}>Sync</Table.Th>
                <Table.Th w={100} ta="right">
                  Products
                </Table.Th>
                <Table.Th w={180}>In feed</Table.Th>
                <Table.Th w={130}>Last sync</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {loading && data.length === 0 && (
                <SkeletonRows
                  rows={2}
                  height={ROW_HEIGHT}
                  cells={[
                    <Stack key="store" gap={6}>
                      <Skeleton h={14} w="50%" radius="sm" />
                      <Skeleton h={10} w="35%" radius="sm" />
                    </Stack>,
                    <Skeleton key="sync" h={20} w={84} radius="xl" />,
                    <Bar key="products" w="50%" right />,
                    '70%',
                    '60%',
                  ]}
                />
              )}
              {data.map(({ shop, status, summary }) => {
                const connected = status?.isConnected ?? shop.isConnected;
                const state = status?.current ? 'SYNCING' : (status?.syncStatus ?? shop.syncStatus);
                const lastSync = status?.lastSyncAt ?? shop.lastSyncAt;
                return (
                  <Table.Tr key={shop.id} h={ROW_HEIGHT}>
                    <Table.Td>
                      <Anchor component={Link} to={`/shops/${encodeURIComponent(shop.id)}`} fw={600} size="sm" lineClamp={1}>
                        {shop.shopName}
                      </Anchor>
                      <Text size="xs" c="dimmed" truncate>
                        {shop.storeUrl.replace(/^https?:\/\//, '')}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {!connected && (
                          <Badge color="red" variant="light">
                            Disconnected
                          </Badge>
                        )}
                        {connected && (
                          <Badge color={SYNC_STATE_COLOR[state] ?? 'gray'} variant="light">
                            {SYNC_STATE_LABEL[state] ?? state}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right">{summary ? formatCount(summary.totalProducts) : '…'}</Table.Td>
                    <Table.Td>
                      {summary ? (
                        <Stack gap={2}>
                          <Text size="xs">
                            {formatCount(summary.included)} · {formatPercent(summary.included, summary.totalProducts)}
                          </Text>
                          <Progress
                            value={summary.totalProducts ? (summary.included / summary.totalProducts) * 100 : 0}
                            size="xs"
                            color="teal"
                            aria-label={`${shop.shopName}: products in the feed`}
                          />
                        </Stack>
                      ) : (
                        '…'
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" title={lastSync ? formatDateTime(lastSync) : undefined}>
                        {lastSync ? formatRelative(lastSync) : 'never'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Card>
  );
}
