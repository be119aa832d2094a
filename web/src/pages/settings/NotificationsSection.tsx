import { Skeleton, Stack, Switch } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '../../api/problem';
import { type UserSettings, useUpdateUserSettings, useUserSettings } from '../../api/settings';
import { ErrorState } from '../../components/ErrorState';
import { Section } from './Section';

const OPTIONS: { key: keyof UserSettings; label: string; description: string }[] = [
  {
    key: 'notifySyncFailures',
    label: 'Email me when a sync fails',
    description: 'Sent once a sync has given up after its retries, with what went wrong.',
  },
  {
    key: 'notifyStoreDisconnected',
    label: 'Email me when a store disconnects',
    description: 'Sent when a store stops accepting our API keys and needs to be reconnected.',
  },
];

export function NotificationsSection() {
  const settings = useUserSettings();
  const update = useUpdateUserSettings();

  const onChange = (key: keyof UserSettings, value: boolean) =>
    update.mutate(
      { [key]: value },
      {
        onError: (e) =>
          notifications.show({ color: 'red', title: 'Could not save your notification settings', message: errorMessage(e) }),
      },
    );

  return (
    <Section id="notifications-title" title="Notifications" description="Emails we send to your account's address.">
      {settings.isPending && (
        <Stack gap="sm" aria-busy="true" aria-label="Loading notification settings">
          <Skeleton h={28} />
          <Skeleton h={28} />
        </Stack>
      )}
      {settings.isError && (
        <ErrorState error={settings.error} title="Could not load notification settings" onRetry={() => settings.refetch()} />
      )}
      {settings.data && (
        <Stack gap="md">
          {OPTIONS.map((o) => (
            <Switch
              key={o.key}
              label={o.label}
              description={o.description}
              checked={settings.data[o.key]}
              onChange={(e) => onChange(o.key, e.currentTarget.checked)}
            />
          ))}
        </Stack>
      )}
    </Section>
  );
}
