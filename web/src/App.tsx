import { MantineProvider } from '@mantine/core';
import { Notifications, notifications } from '@mantine/notifications';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { BrowserRouter } from 'react-router';
import { api } from './api/client';
import { queryKeys } from './api/hooks';
import { createQueryClient } from './api/queryClient';
import { AppRoutes } from './routes';
import { theme } from './theme';

/** Providers shared by the app and by tests (which bring their own router and client). */
export function Providers({ client, children }: { client: QueryClient; children: React.ReactNode }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications position="top-right" />
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </MantineProvider>
  );
}

export function App() {
  const [client] = useState(createQueryClient);

  useEffect(() => {
    api.setSessionExpiredHandler(() => {
      const wasSignedIn = Boolean(client.getQueryData(queryKeys.me));
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'capabilities' });
      client.setQueryData(queryKeys.me, null);
      if (wasSignedIn) {
        notifications.show({
          id: 'session-expired',
          color: 'yellow',
          title: 'Signed out',
          message: 'Your session has ended. Please sign in again.',
        });
      }
    });
    return () => api.setSessionExpiredHandler(undefined);
  }, [client]);

  return (
    <Providers client={client}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </Providers>
  );
}
