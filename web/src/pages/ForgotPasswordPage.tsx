import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Anchor, Button, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconMailCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { useForgotPassword } from '../api/hooks';
import { FormAlert } from '../components/FormAlert';
import { applyApiError } from '../lib/formErrors';
import { forgotPasswordSchema, type ForgotPasswordValues } from '../lib/schemas';

export default function ForgotPasswordPage() {
  const forgot = useForgotPassword();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<ForgotPasswordValues>({ resolver: zodResolver(forgotPasswordSchema), defaultValues: { email: '' } });

  const onSubmit = handleSubmit(({ email }) => {
    setFormMessage(null);
    forgot.mutate(email, {
      onSuccess: () => setSentTo(email),
      onError: (e) => setFormMessage(applyApiError(e, setError, ['email'])),
    });
  });

  if (sentTo) {
    return (
      <Stack gap="md">
        <Title order={2}>Check your email</Title>
        <Alert color="teal" variant="light" icon={<IconMailCheck size={18} />} role="status">
          If an account exists for <strong>{sentTo}</strong>, we have sent it a link to reset the password. The link
          is valid for one hour.
        </Alert>
        <Anchor component={Link} to="/login" size="sm">
          Back to sign in
        </Anchor>
      </Stack>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="forgot-title">
      <Stack gap="md">
        <div>
          <Title order={2} id="forgot-title">
            Reset your password
          </Title>
          <Text size="sm" c="dimmed" mt={4}>
            Enter the email you signed up with and we will send you a link to choose a new password.
          </Text>
        </div>
        <FormAlert message={formMessage} />
        <TextInput
          label="Email"
          type="email"
          autoComplete="email"
          autoFocus
          required
          error={errors.email?.message}
          {...register('email')}
        />
        <Button type="submit" fullWidth loading={forgot.isPending}>
          Send reset link
        </Button>
        <Anchor component={Link} to="/login" size="sm" ta="center">
          Back to sign in
        </Anchor>
      </Stack>
    </form>
  );
}
