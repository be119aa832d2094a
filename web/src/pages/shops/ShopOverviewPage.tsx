import { Alert, Anchor, Badge, Card, Group, Progress, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import {
  batchPercent,
  batchRunning,
  batchSummary,
  shopState,
  useDeliveryConfig,
  useFeedSummary,
  useShop,
  useShopSyncStatus,
} from '../../api/shops';
import { ErrorState } from '../../components/ErrorState';
import { CopyField } from '../../components/shops/CopyField';
import { formatDateTime } from '../../lib/format';

const METHOD_LABEL: Record<string, string> = { hosted: 'Hosted URL', sftp: 'SFTP upload', https: 'HTTPS push' };
const CADENCE_LABEL: Record<string, string> = { daily: 'daily', after_sync: 'after every sync' };

/** `/shops/:shopId`: catalog counts, sync and delivery at a glance (only what the API reports). */
export default function ShopOverviewPage() {
  const { shopId = '' } = useParams();
  const shop = useShop(shopId);
  const feed = useFeedSummary(shopId);
  const sync = useShopSyncStatus(shopId, { poll: true, intervalMs: 3000 });
  const delivery = useDeliveryConfig(shopId);
  const base = `/shops/${encodeURIComponent(shopId)}`;
  const s = shop.data;

  return (
    <Stack gap="lg">
      {s && shopState(s) !== 'connected' && (
        <Alert color={shopState(s) === 'pending' ? 'yellow' : 'red'} variant="light" icon={<IconAlertTriangle size={18} />}
          title={shopState(s) === 'pending' ? 'The store is not authorized yet' : 'The store is disconnected'}>
          <Text size="sm">
            {s.connectionError ?? 'ProductSynch cannot read this store until it is connected.'}{' '}
            <Anchor component={Link} to={`/shops/new?storeUrl=${encodeURIComponent(s.storeUrl)}`} size="sm">
              Connect it again
            </Anchor>
          </Text>
        </Alert>
      )}

      <section aria-labelledby="catalog-title">
        <Title order={2} size="h4" id="catalog-title" mb="sm">
          Catalog
        </Title>
        {feed.isError ? (
          <ErrorState error={feed.error} title="Could not load the catalog summary" onRetry={() => feed.refetch()} />
        ) : (
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="md">
            <StatCard label="Products" value={feed.data?.summary.totalProducts} />
            <StatCard label="In the feed" value={feed.data?.summary.included} color="teal" />
            <StatCard label="Invalid" value={feed.data?.summary.invalid} color="red" />
            <StatCard label="Excluded" value={feed.data?.summary.excluded} color="gray" />
            <StatCard label="Not checked yet" value={feed.data?.summary.pending} color="yellow" />
          </SimpleGrid>
        )}
        {feed.data && feed.data.summary.invalid > 0 && (
          <Text size="sm" mt="xs">
            <Anchor component={Link} to={`${base}/products?valid=false`}>
              Review the invalid products
            </Anchor>{' '}
            to see why {feed.data.summary.invalid === 1 ? 'one is' : `${feed.data.summary.invalid.toLocaleString()} are`}{' '}
            left out of the feed.
          </Text>
        )}
      </section>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="sync-title">
          <Stack gap="xs">
            <Group justify="space-between">
              <Title order={2} size="h4" id="sync-title">
                Sync
              </Title>
              <Anchor component={Link} to={`${base}/sync`} size="sm">
                Sync history
              </Anchor>
            </Group>
            {sync.isError && <ErrorState error={sync.error} title="Could not load the sync status" onRetry={() => sync.refetch()} />}
            {sync.isPending && <Skeleton h={88} />}
            {sync.data && (
              <>
                <Row label="Last sync">{sync.data.lastSyncAt ? formatDateTime(sync.data.lastSyncAt) : 'Never'}</Row>
                <Row label="Automatic sync">
                  {sync.data.syncEnabled ? (
                    sync.data.nextScheduledAt ? `on, next ${formatDateTime(sync.data.nextScheduledAt)}` : 'on'
                  ) : (
                    'off'
                  )}
                </Row>
                {sync.data.last && (
                  <Row label="Last result">
                    <Badge size="sm" variant="light" color={sync.data.last.status === 'COMPLETED' ? 'teal' : 'red'} mr={6}>
                      {sync.data.last.status.toLowerCase()}
                    </Badge>
                    {batchSummary(sync.data.last)}
                  </Row>
                )}
                {batchRunning(sync.data.current) && (
                  <div>
                    <Text size="sm" mb={4}>
                      Syncing now…
                    </Text>
                    <Progress
                      value={batchPercent(sync.data.current) ?? 100}
                      animated
                      striped={batchPercent(sync.data.current) === null}
                      aria-label="Sync progress"
                    />
                  </div>
                )}
              </>
            )}
          </Stack>
        </Card>

        <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="delivery-title">
          <Stack gap="xs">
            <Group justify="space-between">
              <Title order={2} size="h4" id="delivery-title">
                Delivery to OpenAI
              </Title>
              <Anchor component={Link} to={`${base}/settings`} size="sm">
                Delivery settings
              </Anchor>
            </Group>
            {delivery.isError && (
              <ErrorState error={delivery.error} title="Could not load the delivery settings" onRetry={() => delivery.refetch()} />
            )}
            {delivery.isPending && <Skeleton h={88} />}
            {delivery.data && (
              <>
                <Row label="Method">
                  {METHOD_LABEL[delivery.data.method] ?? delivery.data.method}
                  {delivery.data.method !== 'hosted' &&
                    (delivery.data.enabled ? `, ${CADENCE_LABEL[delivery.data.cadence] ?? delivery.data.cadence}` : ', paused')}
                </Row>
                {delivery.data.lastPush && (
                  <Row label="Last push">
                    <Badge
                      size="sm"
                      variant="light"
                      mr={6}
                      color={delivery.data.lastPush.status === 'succeeded' ? 'teal' : delivery.data.lastPush.status === 'failed' ? 'red' : 'blue'}
                    >
                      {delivery.data.lastPush.status}
                    </Badge>
                    {formatDateTime(delivery.data.lastPush.startedAt)}, {delivery.data.lastPush.itemCount.toLocaleString()} items
                  </Row>
                )}
                {delivery.data.nextScheduledPush && delivery.data.method !== 'hosted' && (
                  <Row label="Next push">{formatDateTime(delivery.data.nextScheduledPush)}</Row>
                )}
                <CopyField label="Hosted feed URL" value={delivery.data.hostedUrl} copyLabel="Copy the feed address" />
              </>
            )}
          </Stack>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}

function StatCard({ label, value, color }: { label: string; value: number | undefined; color?: string }) {
  return (
    <Card withBorder radius="md" padding="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      {value === undefined ? (
        <Skeleton h={32} w={64} mt={4} />
      ) : (
        <Text fz={26} fw={700} lh="32px" mt={4} c={color && value > 0 ? color : undefined}>
          {value.toLocaleString()}
        </Text>
      )}
    </Card>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Group gap="xs" wrap="nowrap" align="baseline">
      <Text size="sm" c="dimmed" w={120} style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Group>
  );
}
