import { zodResolver } from '@hookform/resolvers/zod';
import { Badge, Button, Group, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useUpdateMe } from '../../api/hooks';
import type { User } from '../../api/types';
import { FormAlert } from '../../components/FormAlert';
import { applyApiError } from '../../lib/formErrors';
import { profileSchema, type ProfileValues } from '../../lib/schemas';
import { Section } from './Section';

export function ProfileSection({ user }: { user: User }) {
  const update = useUpdateMe();
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isDirty },
  } = useForm<ProfileValues>({ resolver: zodResolver(profileSchema), defaultValues: { name: user.name } });

  useEffect(() => reset({ name: user.name }), [user.name, reset]);

  const onSubmit = handleSubmit((values) => {
    setFormMessage(null);
    update.mutate(
      { name: values.name },
      {
        onSuccess: (u) => {
          reset({ name: u.name });
          notifications.show({ color: 'teal', message: 'Profile saved' });
        },
        onError: (e) => setFormMessage(applyApiError(e, setError, ['name'])),
      },
    );
  });

  return (
    <Section id="profile-title" title="Profile">
      <form onSubmit={onSubmit} noValidate aria-labelledby="profile-title">
        <FormAlert message={formMessage} />
        <Group align="flex-start" grow preventGrowOverflow={false} wrap="wrap">
          <TextInput label="Name" autoComplete="name" error={errors.name?.message} {...register('name')} miw={220} />
          <TextInput
            label="Email"
            value={user.email}
            readOnly
            miw={220}
            rightSectionWidth={96}
            rightSection={
              <Badge size="sm" variant="light" color={user.emailVerified ? 'teal' : 'yellow'}>
                {user.emailVerified ? 'Verified' : 'Unverified'}
              </Badge>
            }
          />
        </Group>
        <Group justify="flex-end" mt="md">
          <Button type="submit" loading={update.isPending} disabled={!isDirty}>
            Save profile
          </Button>
        </Group>
      </form>
    </Section>
  );
}
