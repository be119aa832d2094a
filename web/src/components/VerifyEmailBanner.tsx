import { Alert, Button, Group, Text } from '@mantine/core';
import { IconMail } from '@tabler/icons-react';
import { useResendVerification } from '../api/hooks';
import { errorMessage } from '../api/problem';
import type { User } from '../api/types';

export function VerifyEmailBanner({ user }: { user: User }) {
  const resend = useResendVerification();
  if (user.emailVerified) return null;
  return (
    <Alert color="yellow" variant="light" icon={<IconMail size={18} />} title="Confirm your email address">
      <Group justify="space-between" gap="sm">
        <Text size="sm">
          We sent a confirmation link to <strong>{user.email}</strong>.
          {resend.isSuccess && ' A new link is on its way.'}
          {resend.isError && ` ${errorMessage(resend.error)}`}
        </Text>
        <Button
          size="xs"
          variant="light"
          color="yellow"
          loading={resend.isPending}
          disabled={resend.isSuccess}
          onClick={() => resend.mutate()}
        >
          Send the link again
        </Button>
      </Group>
    </Alert>
  );
}
