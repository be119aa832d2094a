import { Anchor, Box, Center, Container, Group, Paper, Text } from '@mantine/core';
import { Suspense } from 'react';
import { Navigate, Outlet, useSearchParams } from 'react-router';
import { useMe } from '../api/hooks';
import { ColorSchemeToggle } from '../components/ColorSchemeToggle';
import { ErrorState } from '../components/ErrorState';
import { Logo } from '../components/Logo';
import { PageLoader } from '../components/PageLoader';
import { safeNext } from '../lib/navigation';

/** The frame of the sign-in pages: no sidebar, one card in the middle. */
export function AuthLayout() {
  return (
    <Box mih="100dvh" style={{ display: 'flex', flexDirection: 'column' }}>
      <Group justify="space-between" px="lg" py="md">
        <Anchor href="/" underline="never" c="inherit" aria-label="ProductSynch home">
          <Logo />
        </Anchor>
        <ColorSchemeToggle />
      </Group>
      <Center style={{ flex: 1 }} px="md" pb="xl">
        <Container size={440} w="100%" p={0}>
          <Paper withBorder shadow="sm" radius="lg" p={{ base: 'lg', sm: 'xl' }}>
            <Suspense fallback={<PageLoader />}>
              <Outlet />
            </Suspense>
          </Paper>
          <Text ta="center" size="xs" c="dimmed" mt="lg">
            Your WooCommerce catalog, delivered to ChatGPT.
          </Text>
        </Container>
      </Center>
    </Box>
  );
}

/** Login, register and forgot-password are for signed-out visitors; a signed-in user goes on. */
export function GuestOnly() {
  const me = useMe();
  const [params] = useSearchParams();
  if (me.isPending) return <PageLoader />;
  if (me.isError) return <ErrorState error={me.error} title="Cannot reach ProductSynch" onRetry={() => me.refetch()} />;
  if (me.data) return <Navigate to={safeNext(params.get('next'))} replace />;
  return <Outlet />;
}
