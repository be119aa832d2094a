import { Stack, Text, Title } from '@mantine/core';
import { useMe } from '../api/hooks';
import { DeleteAccountSection } from './settings/DeleteAccountSection';
import { NotificationsSection } from './settings/NotificationsSection';
import { PasswordSection } from './settings/PasswordSection';
import { ProfileSection } from './settings/ProfileSection';
import { SessionsSection } from './settings/SessionsSection';

export default function SettingsPage() {
  const me = useMe();
  const user = me.data;
  // Behind RequireAuth the user is known; null only for the instant of signing out.
  if (!user) return null;
  return (
    <Stack gap="lg" maw={760}>
      <div>
        <Title order={1} size="h2">
          Settings
        </Title>
        <Text c="dimmed">Your profile, password, email notifications and signed-in devices.</Text>
      </div>
      <ProfileSection user={user} />
      <PasswordSection user={user} />
      <NotificationsSection />
      <SessionsSection />
      <DeleteAccountSection />
    </Stack>
  );
}
