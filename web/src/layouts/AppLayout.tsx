import {
  AppShell,
  Avatar,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconChevronDown,
  IconLogout,
  IconSettings,
} from '@tabler/icons-react';
import { Suspense } from 'react';
import { Navigate, NavLink as RouterNavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useCapabilities, useLogout, useMe } from '../api/hooks';
import { errorMessage } from '../api/problem';
import type { User } from '../api/types';
import { ColorSchemeToggle } from '../components/ColorSchemeToggle';
import { ErrorState } from '../components/ErrorState';
import { Logo } from '../components/Logo';
import { PageLoader } from '../components/PageLoader';
import { NAV_ITEMS, visibleNav } from './nav';

/** Pages behind sign-in: a visitor without a session goes to /login and comes back after. */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <PageLoader />;
  if (me.isError) {
    return (
      <Stack p="xl" maw={560} mx="auto">
        <ErrorState error={me.error} title="Cannot reach ProductSynch" onRetry={() => me.refetch()} />
      </Stack>
    );
  }
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const me = useMe();
  const caps = useCapabilities();
  const user = me.data;

  const items = visibleNav(NAV_ITEMS, caps.data);

  // Behind RequireAuth the user is known; null only for the instant of signing out.
  if (!user) return null;

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'md', sm: 'lg' }}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Logo size="sm" />
          </Group>
          <Group gap="sm" wrap="nowrap">
            <ColorSchemeToggle />
            <UserMenu user={user} />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea}>
          <nav>
            {items.map((item) => (
              <NavLink
                key={item.to}
                component={RouterNavLink}
                to={item.to}
                end={item.end}
                label={item.label}
                leftSection={item.icon}
                onClick={close}
                style={{ borderRadius: 'var(--mantine-radius-md)' }}
                mb={4}
              />
            ))}
          </nav>
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed" px="sm" pb="xs" truncate>
            Signed in as {user.email}
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <Suspense fallback={<PageLoader />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}

function initials(user: User): string {
  const source = user.name.trim() || user.email;
  const parts = source.split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts[1]?.[0] ?? '')).toUpperCase() || '?';
}

function UserMenu({ user }: { user: User }) {
  const logout = useLogout();
  const navigate = useNavigate();
  const onLogout = () =>
    logout.mutate(undefined, {
      onSuccess: () => navigate('/login', { replace: true }),
      onError: (e) => {
        notifications.show({ color: 'yellow', title: 'Signed out on this device', message: errorMessage(e) });
        navigate('/login', { replace: true });
      },
    });
  return (
    <Menu position="bottom-end" width={220} withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label="Account menu">
          <Group gap={8} wrap="nowrap">
            <Avatar color="blue" radius="xl" size={32}>
              {initials(user)}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="sm" maw={160} truncate data-testid="user-name">
              {user.name || user.email}
            </Text>
            <IconChevronDown size={14} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{user.email}</Menu.Label>
        <Menu.Item leftSection={<IconSettings size={16} />} onClick={() => navigate('/settings')}>
          Settings
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item leftSection={<IconLogout size={16} />} onClick={onLogout} disabled={logout.isPending}>
          Log out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
