import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Group, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useChangePassword } from '../../api/hooks';
import { isApiError } from '../../api/problem';
import type { User } from '../../api/types';
import { PasswordField } from '../../components/PasswordField';
import { FormAlert } from '../../components/FormAlert';
import { PasswordStrength } from '../../components/PasswordStrength';
import { applyApiError } from '../../lib/formErrors';
import { changePasswordSchema, type ChangePasswordValues } from '../../lib/schemas';
import { Section } from './Section';

const EMPTY: ChangePasswordValues = { currentPassword: '', newPassword: '', confirm: '' };

export function PasswordSection({ user }: { user: User }) {
  const update = useChangePassword();
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    watch,
    formState: { errors },
  } = useForm<ChangePasswordValues>({ resolver: zodResolver(changePasswordSchema), defaultValues: EMPTY });
  const newPassword = watch('newPassword');

  const onSubmit = handleSubmit(({ currentPassword, newPassword }) => {
    setFormMessage(null);
    update.mutate(
      { currentPassword, newPassword },
      {
        onSuccess: () => {
          reset(EMPTY);
          notifications.show({
            color: 'teal',
            title: 'Password changed',
            message: 'Your other sessions have been signed out.',
          });
        },
        onError: (e) => {
          // A wrong current password is a 422 on `currentPassword` (applyApiError below); older servers sent a bare 401.
          if (isApiError(e) && (e.status === 401 || e.status === 403) && e.fieldErrors.length === 0) {
            setError('currentPassword', { type: 'server', message: 'The current password is not correct' }, { shouldFocus: true });
            return;
          }
          setFormMessage(applyApiError(e, setError, ['currentPassword', 'newPassword', 'confirm']));
        },
      },
    );
  });

  return (
    <Section id="password-title" title="Password" description="Changing it signs out your other devices.">
      <form onSubmit={onSubmit} noValidate aria-labelledby="password-title">
        <Stack gap="sm">
          <FormAlert message={formMessage} />
          {/* Lets password managers file the new password under the right account. */}
          <input type="text" autoComplete="username" value={user.email} readOnly hidden />
          <PasswordField
            label="Current password"
            autoComplete="current-password"
            error={errors.currentPassword?.message}
            {...register('currentPassword')}
          />
          <Stack gap={6}>
            <PasswordField
              label="New password"
              autoComplete="new-password"
              error={errors.newPassword?.message}
              {...register('newPassword')}
            />
            <PasswordStrength password={newPassword ?? ''} userInputs={[user.email, user.name]} />
          </Stack>
          <PasswordField
            label="Confirm new password"
            autoComplete="new-password"
            error={errors.confirm?.message}
            {...register('confirm')}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={update.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}
