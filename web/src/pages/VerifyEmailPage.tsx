import { Alert, Button, Loader, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMe, useVerifyEmail } from '../api/hooks';
import { errorMessage } from '../api/problem';

export default function VerifyEmailPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const verify = useVerifyEmail();
  const me = useMe();
  const sent = useRef(false);

  useEffect(() => {
    // A verification token is single-use: send it once, even under StrictMode's double effects.
    if (token && !sent.current) {
      sent.current = true;
      verify.mutate(token);
    }
  }, [token, verify]);

  const next = me.data ? { to: '/', label: 'Go to the dashboard' } : { to: '/login', label: 'Sign in' };

  if (!token) {
    return (
      <Stack gap="md">
        <Title order={2}>Verification link incomplete</Title>
        <Text size="sm">Open the link from the verification email. You can ask for a new email from your dashboard.</Text>
        <Button component={Link} to={next.to}>
          {next.label}
        </Button>
      </Stack>
    );
  }

  if (verify.isError) {
    return (
      <Stack gap="md">
        <Title order={2}>Email not verified</Title>
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
          {errorMessage(verify.error)} The link may have expired or been used already; you can ask for a new one from
          your dashboard.
        </Alert>
        <Button component={Link} to={next.to}>
          {next.label}
        </Button>
      </Stack>
    );
  }

  if (verify.isSuccess) {
    return (
      <Stack gap="md">
        <Title order={2}>Email verified</Title>
        <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} role="status">
          Thank you. Your email address is confirmed.
        </Alert>
        <Button component={Link} to={next.to}>
          {next.label}
        </Button>
      </Stack>
    );
  }

  return (
    <Stack gap="md" align="center" role="status" aria-live="polite">
      <Loader aria-label="Verifying" />
      <Text>Verifying your email…</Text>
    </Stack>
  );
}
