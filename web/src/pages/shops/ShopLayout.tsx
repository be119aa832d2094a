import { Anchor, Badge, Box, Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconExternalLink } from '@tabler/icons-react';
import { Suspense } from 'react';
import { Link, Navigate, NavLink, Outlet, useLocation, useParams, useSearchParams } from 'react-router';
import { isApiError } from '../../api/problem';
import { useShop, type Shop } from '../../api/shops';
import { ErrorState } from '../../components/ErrorState';
import { PageLoader } from '../../components/PageLoader';
import { ShopStatusBadge } from '../../components/shops/ShopStatusBadge';

/** What the shop's pages get from `useOutletContext()` (they may also call `useShop(shopId)`). */
export interface ShopOutletContext {
  shop: Shop;
}

const TABS = [
  { to: '', label: 'Overview' },
  { to: 'products', label: 'Products' },
  { to: 'sync', label: 'Sync' },
  { to: 'settings', label: 'Settings' },
];

/** Header and tabs of one shop (`/shops/:shopId/*`). */
export default function ShopLayout() {
  const { shopId = '' } = useParams();
  const [params] = useSearchParams();
  const shop = useShop(shopId);
  const { pathname } = useLocation();

  // Back from the store's authorization page (wc-auth's default return URL
  // `/shops/{id}?connected=1`): continue in the connect wizard.
  if (params.get('connected') === '1') {
    return <Navigate to={`/shops/new?shopId=${encodeURIComponent(shopId)}&step=configure`} replace />;
  }

  if (shop.isPending) return <PageLoader label="Loading shop" />;
  if (shop.isError) {
    const notFound = isApiError(shop.error) && (shop.error.status === 404 || shop.error.status === 403);
    return (
      <Stack gap="md" maw={640}>
        {notFound ? (
          <>
            <Title order={1} size="h2">
              Shop not found
            </Title>
            <Text c="dimmed">This shop does not exist or is not one of yours. It may have been disconnected.</Text>
          </>
        ) : (
          <ErrorState error={shop.error} title="Could not load this shop" onRetry={() => shop.refetch()} />
        )}
        <Group>
          <Button component={Link} to="/shops" variant="default" leftSection={<IconArrowLeft size={16} />}>
            All shops
          </Button>
        </Group>
      </Stack>
    );
  }

  const s = shop.data;
  const base = `/shops/${encodeURIComponent(shopId)}`;
  const rest = pathname.startsWith(base) ? pathname.slice(base.length).replace(/^\/+/, '') : '';
  return (
    <Stack gap="lg">
      <Stack gap={4}>
        <Anchor component={Link} to="/shops" size="sm" c="dimmed">
          <Group gap={4} component="span" display="inline-flex">
            <IconArrowLeft size={14} /> All shops
          </Group>
        </Anchor>
        <Group gap="sm" align="center">
          <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
            {s.shopName}
          </Title>
          <ShopStatusBadge shop={s} size="md" />
          {s.currency && (
            <Badge variant="outline" color="gray" size="md" title="Store currency">
              {s.currency}
            </Badge>
          )}
        </Group>
        <Anchor href={s.storeUrl} target="_blank" rel="noopener noreferrer" size="sm" style={{ overflowWrap: 'anywhere' }}>
          {s.storeUrl} <IconExternalLink size={12} aria-hidden />
        </Anchor>
      </Stack>
      <Box
        component="nav"
        aria-label="Shop sections"
        style={{ borderBottom: '1px solid var(--mantine-color-default-border)', overflowX: 'auto' }}
      >
        <Group gap={4} wrap="nowrap" pb={6}>
          {TABS.map((t) => {
            const active = t.to === '' ? rest === '' : rest === t.to || rest.startsWith(`${t.to}/`);
            return (
              <Button
                key={t.label}
                component={NavLink}
                to={t.to ? `${base}/${t.to}` : base}
                end={t.to === ''}
                variant={active ? 'light' : 'subtle'}
                color={active ? undefined : 'gray'}
                size="sm"
                px={{ base: 10, sm: 'md' }}
                style={{ flexShrink: 0 }}
              >
                {t.label}
              </Button>
            );
          })}
        </Group>
      </Box>
      <Suspense fallback={<PageLoader />}>
        <Outlet context={{ shop: s } satisfies ShopOutletContext} />
      </Suspense>
    </Stack>
  );
}
