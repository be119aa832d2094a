import { Button, Card, List, Stack, Text, ThemeIcon, Title, Tooltip } from '@mantine/core';
import { IconBuildingStore, IconPlugConnected, IconRefresh, IconRobot } from '@tabler/icons-react';
import { Link } from 'react-router';

/** No store connected yet: an honest empty state, no made-up numbers, and the way to connect one. */
export function DashboardEmptyState({ canConnect }: { canConnect: boolean }) {
  const reason = 'Store connections are not enabled on this server yet.';
  return (
    <Card withBorder radius="lg" padding="xl" data-testid="empty-state">
      <Stack align="center" gap="md" py="lg" ta="center">
        <ThemeIcon size={64} radius="xl" variant="light">
          <IconBuildingStore size={34} stroke={1.5} />
        </ThemeIcon>
        <Title order={2} size="h3">
          Connect your first WooCommerce store
        </Title>
        <Text c="dimmed" maw={520}>
          ProductSynch reads your catalog from WooCommerce, checks every product against OpenAI&apos;s product feed
          specification and keeps ChatGPT up to date as your store changes.
        </Text>
        <List spacing={6} size="sm" ta="left" center>
          <List.Item icon={<StepIcon><IconPlugConnected size={14} /></StepIcon>}>
            Approve ProductSynch in your WooCommerce admin
          </List.Item>
          <List.Item icon={<StepIcon><IconRefresh size={14} /></StepIcon>}>We import and validate your products</List.Item>
          <List.Item icon={<StepIcon><IconRobot size={14} /></StepIcon>}>
            Your feed is delivered to ChatGPT on a schedule
          </List.Item>
        </List>
        {canConnect ? (
          <Button component={Link} to="/shops/new" size="md" leftSection={<IconPlugConnected size={18} />}>
            Connect a store
          </Button>
        ) : (
          <>
            <Tooltip label={reason}>
              {/* A disabled button gets no pointer events; the wrapper keeps the tooltip reachable. */}
              <span tabIndex={0} aria-describedby="connect-unavailable">
                <Button size="md" leftSection={<IconPlugConnected size={18} />} disabled>
                  Connect a store
                </Button>
              </span>
            </Tooltip>
            <Text id="connect-unavailable" size="xs" c="dimmed">
              {reason}
            </Text>
          </>
        )}
      </Stack>
    </Card>
  );
}

function StepIcon({ children }: { children: React.ReactNode }) {
  return (
    <ThemeIcon size={22} radius="xl" variant="light">
      {children}
    </ThemeIcon>
  );
}
