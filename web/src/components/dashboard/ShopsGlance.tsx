import { Anchor, Badge, Card, Group, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { formatDateTime } from '../../lib/format';
import { BadgeBar, Bar, TableHead, TableStateRows, TwoBars, type TableColumn } from '../TableSkeleton';
import { formatCount, formatPercent, formatRelative, SYNC_STATE_COLOR, SYNC_STATE_LABEL } from '../../pages/sync/format';
import type { ShopData } from './data';

/** Columns of the table, with fixed widths (the store name takes the rest). */
const COLUMNS: TableColumn[] = [
  { header: 'Store', skeleton: <TwoBars top="50%" bottom="35%" topH={14} gap={6} /> },
  { header: 'Sync', w: 140, skeleton: <BadgeBar /> },
  { header: 'Products', w: 100, right: true, skeleton: <Bar w="50%" right /> },
  { header: 'In feed', w: 180, skeleton: '70%' },
  { header: 'Last sync', w: 130, skeleton: '60%' },
];

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
            <TableHead columns={COLUMNS} />
            <Table.Tbody>
              <TableStateRows columns={COLUMNS} loading={loading && data.length === 0} rows={2} height={ROW_HEIGHT} />
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
