import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Anchor, Button, Stack, Text, Title } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useSearchParams } from 'react-router';
import { useResetPassword } from '../api/hooks';
import { PasswordField } from '../components/PasswordField';
import { FormAlert } from '../components/FormAlert';
import { PasswordStrength } from '../components/PasswordStrength';
import { applyApiError } from '../lib/formErrors';
import { resetPasswordSchema, type ResetPasswordValues } from '../lib/schemas';

export default function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const reset = useResetPassword();
  const [done, setDone] = useState(false);
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    watch,
    formState: { errors },
  } = useForm<ResetPasswordValues>({
    resolver: zodResolver(resetPasswordSchema),
    defaultValues: { password: '', confirm: '' },
  });
  const password = watch('password');

  if (!token) {
    return (
      <Stack gap="md">
        <Title order={2}>Reset link incomplete</Title>
        <Text size="sm">This page needs the link from the password reset email. Ask for a new one if it is lost.</Text>
        <Anchor component={Link} to="/forgot-password" size="sm">
          Send a new reset link
        </Anchor>
      </Stack>
    );
  }

  if (done) {
    return (
      <Stack gap="md">
        <Title order={2}>Password changed</Title>
        <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} role="status">
          Your password has been changed and every session has been signed out. Sign in with the new password.
        </Alert>
        <Button component={Link} to="/login">
          Sign in
        </Button>
      </Stack>
    );
  }

  const onSubmit = handleSubmit(({ password }) => {
    setFormMessage(null);
    reset.mutate(
      { token, password },
      {
        onSuccess: () => setDone(true),
        onError: (e) => setFormMessage(applyApiError(e, setError, ['password'], { newPassword: 'password' })),
      },
    );
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="reset-title">
      <Stack gap="md">
        <div>
          <Title order={2} id="reset-title">
            Choose a new password
          </Title>
          <Text size="sm" c="dimmed" mt={4}>
            Signing in again will be needed on every device.
          </Text>
        </div>
        <FormAlert message={formMessage} />
        {formMessage && (
          <Anchor component={Link} to="/forgot-password" size="sm">
            Send a new reset link
          </Anchor>
        )}
        <Stack gap={6}>
          <PasswordField
            label="New password"
            autoComplete="new-password"
            autoFocus
            required
            error={errors.password?.message}
            {...register('password')}
          />
          <PasswordStrength password={password ?? ''} />
        </Stack>
        <PasswordField
          label="Confirm new password"
          autoComplete="new-password"
          required
          error={errors.confirm?.message}
          {...register('confirm')}
        />
        <Button type="submit" fullWidth loading={reset.isPending}>
          Change password
        </Button>
      </Stack>
    </form>
  );
}
