/**
 * The dashboard: figures across the user's stores (products, share in the ChatGPT feed,
 * valid/invalid, last delivery), the stores at a glance, recent syncs and what needs attention.
 * Every number comes from the API (feed summaries, sync status and history, pushes); with no
 * store connected it shows an honest empty state with the way to connect one.
 */
import { Button, Grid, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useCapabilities, useMe } from '../api/hooks';
import { problems, recentActivity, totals, useDashboardShops, useShopsData } from '../components/dashboard/data';
import { DashboardEmptyState } from '../components/dashboard/EmptyState';
import { Problems } from '../components/dashboard/Problems';
import { RecentActivity } from '../components/dashboard/RecentActivity';
import { ShopsGlance } from '../components/dashboard/ShopsGlance';
import { StatsGrid } from '../components/dashboard/StatsGrid';
import { ErrorState } from '../components/ErrorState';
import { VerifyEmailBanner } from '../components/VerifyEmailBanner';

export default function DashboardPage() {
  const me = useMe();
  const caps = useCapabilities();
  const canShops = caps.data?.shops ?? false;
  const shops = useDashboardShops({ enabled: canShops });
  const list = canShops ? shops.data : [];
  const data = useShopsData(list);
  const user = me.data;
  // Behind RequireAuth the user is known; null only for the instant of signing out.
  if (!user) return null;
  const firstName = user.name.trim().split(/\s+/)[0];
  const loadingShops = caps.isPending || (canShops && shops.isPending);
  const hasShops = (list?.length ?? 0) > 0;
  const loadingData = data.some((d) => !d.settled);

  return (
    <Stack gap="lg" maw={1200}>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            {firstName ? `Welcome, ${firstName}` : 'Welcome'}
          </Title>
          <Text c="dimmed">Your stores and their ChatGPT product feeds at a glance.</Text>
        </div>
        {hasShops && (
          <Button component={Link} to="/shops/new" variant="light" leftSection={<IconPlus size={16} />}>
            Connect a store
          </Button>
        )}
      </Group>

      <VerifyEmailBanner user={user} />

      {loadingShops && (
        <Stack gap="lg" aria-busy="true" aria-label="Loading your stores">
          <Skeleton h={130} radius="lg" />
          {/* The stores table itself, with placeholder rows: the loaded rows take their place. */}
          <ShopsGlance data={[]} loading />
        </Stack>
      )}
      {canShops && shops.isError && !shops.data && (
        <ErrorState error={shops.error} title="Could not load your stores" onRetry={() => void shops.refetch()} />
      )}
      {!loadingShops && !hasShops && !(canShops && shops.isError) && <DashboardEmptyState canConnect={canShops} />}

      {hasShops && (
        <>
          <StatsGrid t={totals(data)} loading={loadingData} />
          <ShopsGlance data={data} />
          <Grid gap="lg">
            <Grid.Col span={{ base: 12, md: 7 }}>
              <RecentActivity items={recentActivity(data)} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 5 }}>
              <Problems items={problems(data)} loading={loadingData} />
            </Grid.Col>
          </Grid>
        </>
      )}
    </Stack>
  );
}
