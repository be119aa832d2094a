import { Anchor, Button, Card, Group, SimpleGrid, Skeleton, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconBuildingStore, IconPlus } from '@tabler/icons-react';
import { Link } from 'react-router';
import { shopState, useShops, useShopSyncStatus, type Shop } from '../../api/shops';
import { ErrorState } from '../../components/ErrorState';
import { PageLoader } from '../../components/PageLoader';
import { ShopStatusBadge } from '../../components/shops/ShopStatusBadge';
import { formatDateTime } from '../../lib/format';

export default function ShopsPage() {
  const shops = useShops();
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            Shops
          </Title>
          <Text c="dimmed">Your WooCommerce stores and their ChatGPT product feeds.</Text>
        </div>
        <Button component={Link} to="/shops/new" leftSection={<IconPlus size={16} />}>
          Connect a store
        </Button>
      </Group>
      {shops.isPending && <PageLoader label="Loading shops" />}
      {shops.isError && <ErrorState error={shops.error} title="Could not load your shops" onRetry={() => shops.refetch()} />}
      {shops.data && shops.data.length === 0 && <EmptyState />}
      {shops.data && shops.data.length > 0 && (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" component="ul" aria-label="Shops" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {shops.data.map((s) => (
            <li key={s.id}>
              <ShopCard shop={s} />
            </li>
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}

function EmptyState() {
  return (
    <Card withBorder radius="lg" padding="xl">
      <Stack align="center" gap="sm" py="lg">
        <ThemeIcon size={56} radius="xl" variant="light">
          <IconBuildingStore size={30} />
        </ThemeIcon>
        <Title order={2} size="h4">
          No store connected yet
        </Title>
        <Text c="dimmed" ta="center" maw={460}>
          Connect your WooCommerce store: ProductSynch reads its catalog, builds the OpenAI product feed and keeps it
          up to date.
        </Text>
        <Button component={Link} to="/shops/new" leftSection={<IconPlus size={16} />} mt="sm">
          Connect your first store
        </Button>
      </Stack>
    </Card>
  );
}

function ShopCard({ shop }: { shop: Shop }) {
  const state = shopState(shop);
  // Only a connected store has a catalog to count.
  const status = useShopSyncStatus(state === 'pending' ? undefined : shop.id);
  return (
    <Card withBorder radius="lg" padding="lg" h="100%">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div style={{ minWidth: 0 }}>
            <Anchor component={Link} to={`/shops/${shop.id}`} fw={600} size="lg" lineClamp={1}>
              {shop.shopName}
            </Anchor>
            <Anchor href={shop.storeUrl} target="_blank" rel="noopener noreferrer" size="sm" c="dimmed" lineClamp={1}>
              {shop.storeUrl}
            </Anchor>
          </div>
          <ShopStatusBadge shop={shop} />
        </Group>
        <Group gap="xl" mt="xs">
          <Stat label="Products">
            {state === 'pending' ? (
              '—'
            ) : status.data ? (
              status.data.productCount.toLocaleString()
            ) : status.isError ? (
              '—'
            ) : (
              <Skeleton h={20} w={48} component="span" display="inline-block" aria-label="Loading product count" />
            )}
          </Stat>
          <Stat label="Last sync">{shop.lastSyncAt ? formatDateTime(shop.lastSyncAt) : 'Never'}</Stat>
          <Stat label="Currency">{shop.currency || '—'}</Stat>
        </Group>
        {shop.connectionError && state !== 'connected' && (
          <Text size="sm" c="red">
            {shop.connectionError}
          </Text>
        )}
        {state === 'pending' && (
          <Group>
            <Button
              component={Link}
              to={`/shops/new?storeUrl=${encodeURIComponent(shop.storeUrl)}`}
              variant="light"
              size="xs"
            >
              Finish connecting
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" fw={500} mih={22}>
        {children}
      </Text>
    </div>
  );
}
