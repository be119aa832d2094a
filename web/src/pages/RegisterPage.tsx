import { zodResolver } from '@hookform/resolvers/zod';
import { Anchor, Button, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useNavigate } from 'react-router';
import { useRegister } from '../api/hooks';
import { PasswordField } from '../components/PasswordField';
import { FormAlert } from '../components/FormAlert';
import { PasswordStrength } from '../components/PasswordStrength';
import { applyApiError } from '../lib/formErrors';
import { registerSchema, type RegisterValues } from '../lib/schemas';

export default function RegisterPage() {
  const navigate = useNavigate();
  const signup = useRegister();
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    watch,
    formState: { errors },
  } = useForm<RegisterValues>({
    resolver: zodResolver(registerSchema),
    defaultValues: { name: '', email: '', password: '' },
  });
  const [password, email, name] = watch(['password', 'email', 'name']);

  const onSubmit = handleSubmit((values) => {
    setFormMessage(null);
    signup.mutate(values, {
      onSuccess: () => navigate('/', { replace: true }),
      onError: (e) => setFormMessage(applyApiError(e, setError, ['name', 'email', 'password'])),
    });
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="register-title">
      <Stack gap="md">
        <div>
          <Title order={2} id="register-title">
            Create your account
          </Title>
          <Text size="sm" c="dimmed" mt={4}>
            Connect your WooCommerce store and get your catalog into ChatGPT.
          </Text>
        </div>
        <FormAlert message={formMessage} />
        <TextInput label="Name" autoComplete="name" autoFocus required error={errors.name?.message} {...register('name')} />
        <TextInput
          label="Email"
          type="email"
          autoComplete="email"
          required
          error={errors.email?.message}
          {...register('email')}
        />
        <Stack gap={6}>
          <PasswordField
            label="Password"
            description="At least 8 characters. A long passphrase is best."
            autoComplete="new-password"
            required
            error={errors.password?.message}
            {...register('password')}
          />
          <PasswordStrength password={password ?? ''} userInputs={[email ?? '', name ?? '']} />
        </Stack>
        <Button type="submit" fullWidth loading={signup.isPending}>
          Create account
        </Button>
        <Text size="sm" ta="center">
          Already have an account?{' '}
          <Anchor component={Link} to="/login">
            Sign in
          </Anchor>
        </Text>
      </Stack>
    </form>
  );
}
