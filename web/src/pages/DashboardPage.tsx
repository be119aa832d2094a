import { Button, Card, List, Stack, Text, ThemeIcon, Title, Tooltip } from '@mantine/core';
import { IconBuildingStore, IconPlugConnected, IconRobot, IconRefresh } from '@tabler/icons-react';
import { useCapabilities, useMe } from '../api/hooks';
import { VerifyEmailBanner } from '../components/VerifyEmailBanner';

export default function DashboardPage() {
  const me = useMe();
  const caps = useCapabilities();
  const user = me.data;
  // The connect wizard comes with the shops pages; until then the action is shown, disabled, with the reason.
  const reason = caps.data?.shops
    ? 'Connecting a store from the web app arrives with the connect wizard.'
    : 'Store connections are not enabled on this server yet.';
  // Behind RequireAuth the user is known; null only for the instant of signing out.
  if (!user) return null;
  const firstName = user.name.trim().split(/\s+/)[0];

  return (
    <Stack gap="lg" maw={960}>
      <div>
        <Title order={1} size="h2">
          {firstName ? `Welcome, ${firstName}` : 'Welcome'}
        </Title>
        <Text c="dimmed">Your stores and their ChatGPT product feeds at a glance.</Text>
      </div>

      <VerifyEmailBanner user={user} />

      {/* No store is connected yet: an honest empty state, no made-up numbers. */}
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
              Approve ProductSynch in your WooCommerce admin (read-only access)
            </List.Item>
            <List.Item icon={<StepIcon><IconRefresh size={14} /></StepIcon>}>
              We import and validate your products
            </List.Item>
            <List.Item icon={<StepIcon><IconRobot size={14} /></StepIcon>}>
              Your feed is delivered to ChatGPT on a schedule
            </List.Item>
          </List>
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
        </Stack>
      </Card>
    </Stack>
  );
}

function StepIcon({ children }: { children: React.ReactNode }) {
  return (
    <ThemeIcon size={22} radius="xl" variant="light">
      {children}
    </ThemeIcon>
  );
}
