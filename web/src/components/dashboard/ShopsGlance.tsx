import { Anchor, Badge, Card, Group, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { formatDateTime } from '../../lib/format';
import { formatCount, formatPercent, formatRelative, SYNC_STATE_COLOR, SYNC_STATE_LABEL } from '../../pages/sync/format';
import type { ShopData } from './data';

/** One row per shop: connection, sync state, products and feed coverage, last sync. */
export function ShopsGlance({ data }: { data: ShopData[] }) {
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
          <Table verticalSpacing="sm" aria-label="Stores at a glance" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Store</Table.Th>
                <Table.Th miw={130}>Sync</Table.Th>
                <Table.Th ta="right">Products</Table.Th>
                <Table.Th w={180}>In feed</Table.Th>
                <Table.Th>Last sync</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.map(({ shop, status, summary }) => {
                const connected = status?.isConnected ?? shop.isConnected;
                const state = status?.current ? 'SYNCING' : (status?.syncStatus ?? shop.syncStatus);
                const lastSync = status?.lastSyncAt ?? shop.lastSyncAt;
                return (
                  <Table.Tr key={shop.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/shops/${encodeURIComponent(shop.id)}`} fw={600} size="sm">
                        {shop.shopName}
                      </Anchor>
                      <Text size="xs" c="dimmed">
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
