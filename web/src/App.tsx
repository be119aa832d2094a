import { MantineProvider } from '@mantine/core';
import { Notifications, notifications } from '@mantine/notifications';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { BrowserRouter } from 'react-router';
import { api } from './api/client';
import { bindSessionExpiry } from './api/hooks';
import { createQueryClient } from './api/queryClient';
import { AppRoutes } from './routes';
import { theme } from './theme';

/** Providers shared by the app and by tests (which bring their own router and client). */
export function Providers({
  client,
  children,
  env,
}: {
  client: QueryClient;
  children: React.ReactNode;
  /** `test` turns off Mantine's transitions and portals (unit tests). */
  env?: 'default' | 'test';
}) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" env={env}>
      <Notifications position="top-right" />
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </MantineProvider>
  );
}

export function App() {
  const [client] = useState(createQueryClient);

  useEffect(
    () =>
      bindSessionExpiry(api, client, () =>
        notifications.show({
          id: 'session-expired',
          color: 'yellow',
          title: 'Signed out',
          message: 'Your session has ended. Please sign in again.',
        }),
      ),
    [client],
  );

  return (
    <Providers client={client}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </Providers>
  );
}
