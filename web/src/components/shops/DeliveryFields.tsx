import { Group, PasswordInput, Radio, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { Controller, type Control, type FieldErrors, type UseFormRegister } from 'react-hook-form';
import type { DeliveryValues, StoredSecrets } from './shopForms';

const KEEP = 'Stored — leave blank to keep it';

/**
 * How the feed reaches OpenAI: the hosted URL (always available), an SFTP upload or an HTTPS push,
 * and when pushes run. Secrets are write-only: a blank field keeps the stored value.
 */
export function DeliveryFields({
  control,
  register,
  errors,
  method,
  stored,
  showEnabled = true,
}: {
  control: Control<DeliveryValues>;
  register: UseFormRegister<DeliveryValues>;
  errors: FieldErrors<DeliveryValues>;
  method: DeliveryValues['method'];
  stored: StoredSecrets;
  showEnabled?: boolean;
}) {
  return (
    <Stack gap="md">
      <Controller
        control={control}
        name="method"
        render={({ field }) => (
          <Radio.Group
            label="Delivery method"
            description="How OpenAI receives your product feed."
            value={field.value}
            onChange={(v) => field.onChange(v)}
            error={errors.method?.message}
          >
            <Group mt="xs" gap="lg">
              <Radio value="hosted" label="Hosted URL" />
              <Radio value="sftp" label="SFTP upload" />
              <Radio value="https" label="HTTPS push" />
            </Group>
          </Radio.Group>
        )}
      />

      {method === 'hosted' && (
        <Text size="sm" c="dimmed">
          OpenAI fetches the feed from your private hosted URL; it always serves the latest generated feed.
        </Text>
      )}

      {method === 'https' && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <TextInput
            label="Endpoint URL"
            type="url"
            inputMode="url"
            placeholder="https://"
            error={errors.httpsEndpoint?.message}
            {...register('httpsEndpoint')}
          />
          <PasswordInput
            label="Bearer token"
            autoComplete="off"
            placeholder={stored.httpsToken ? KEEP : undefined}
            error={errors.httpsToken?.message}
            {...register('httpsToken')}
          />
        </SimpleGrid>
      )}

      {method === 'sftp' && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <TextInput label="SFTP host" placeholder="sftp.example.com" error={errors.sftpHost?.message} {...register('sftpHost')} />
          <TextInput label="Port" inputMode="numeric" error={errors.sftpPort?.message} {...register('sftpPort')} />
          <TextInput
            label="User name"
            autoComplete="off"
            error={errors.sftpUsername?.message}
            {...register('sftpUsername')}
          />
          <PasswordInput
            label="Password"
            autoComplete="new-password"
            description="Or use a private key."
            placeholder={stored.sftpPassword ? KEEP : undefined}
            error={errors.sftpPassword?.message}
            {...register('sftpPassword')}
          />
          <Textarea
            label="Private key"
            description="Unencrypted OpenSSH or PEM key."
            rows={3}
            resize="vertical"
            spellCheck={false}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            placeholder={stored.sftpPrivateKey ? KEEP : '-----BEGIN OPENSSH PRIVATE KEY-----'}
            error={errors.sftpPrivateKey?.message}
            {...register('sftpPrivateKey')}
          />
          <Stack gap="md">
            <TextInput label="Remote directory" error={errors.sftpDirectory?.message} {...register('sftpDirectory')} />
            <TextInput label="File name" error={errors.sftpFileName?.message} {...register('sftpFileName')} />
          </Stack>
          <TextInput
            label="Host key fingerprint"
            description="Optional. When set, other host keys are refused."
            placeholder="SHA256:…"
            error={errors.sftpHostKeyFingerprint?.message}
            {...register('sftpHostKeyFingerprint')}
          />
        </SimpleGrid>
      )}

      <Group align="flex-end" gap="xl">
        <Controller
          control={control}
          name="cadence"
          render={({ field }) => (
            <Select
              label="Push cadence"
              data={[
                { value: 'daily', label: 'Daily' },
                { value: 'after_sync', label: 'After every sync' },
              ]}
              allowDeselect={false}
              value={field.value}
              onChange={(v) => field.onChange(v ?? 'daily')}
              error={errors.cadence?.message}
              w={220}
            />
          )}
        />
        {showEnabled && (
          <Controller
            control={control}
            name="enabled"
            render={({ field }) => (
              <Switch
                label="Deliver automatically"
                checked={field.value}
                onChange={(e) => field.onChange(e.currentTarget.checked)}
                mb={8}
              />
            )}
          />
        )}
      </Group>
    </Stack>
  );
}
