import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useNavigate } from 'react-router';
import { useDeleteAccount } from '../../api/hooks';
import { isApiError } from '../../api/problem';
import { PasswordField } from '../../components/PasswordField';
import { FormAlert } from '../../components/FormAlert';
import { applyApiError } from '../../lib/formErrors';
import { deleteAccountSchema, type DeleteAccountValues } from '../../lib/schemas';
import { Section } from './Section';

export function DeleteAccountSection() {
  const [opened, modal] = useDisclosure(false);
  const del = useDeleteAccount();
  const navigate = useNavigate();
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors },
  } = useForm<DeleteAccountValues>({
    resolver: zodResolver(deleteAccountSchema),
    defaultValues: { password: '', confirm: false as unknown as true },
  });

  const close = () => {
    modal.close();
    reset();
    setFormMessage(null);
  };

  const onSubmit = handleSubmit(({ password }) => {
    setFormMessage(null);
    del.mutate(password, {
      onSuccess: () => navigate('/login', { replace: true }),
      onError: (e) => {
        if (isApiError(e) && (e.status === 401 || e.status === 403) && e.fieldErrors.length === 0) {
          setError('password', { type: 'server', message: 'The password is not correct' }, { shouldFocus: true });
          return;
        }
        setFormMessage(applyApiError(e, setError, ['password']));
      },
    });
  });

  return (
    <Section
      id="delete-title"
      title="Delete account"
      description="Deletes your account, your connected stores and their feeds. This cannot be undone."
      danger
    >
      <Group justify="flex-end">
        <Button color="red" variant="light" onClick={modal.open}>
          Delete account…
        </Button>
      </Group>
      <Modal opened={opened} onClose={close} title="Delete your account" centered>
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            <Text size="sm">
              Everything in your ProductSynch account is deleted at once. ChatGPT stops receiving updates for your
              products.
            </Text>
            <FormAlert message={formMessage} />
            <PasswordField
              label="Your password"
              autoComplete="current-password"
              data-autofocus
              error={errors.password?.message}
              {...register('password')}
            />
            <Checkbox
              label="I understand that this cannot be undone"
              error={errors.confirm?.message}
              {...register('confirm')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" color="red" loading={del.isPending}>
                Delete my account
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Section>
  );
}
