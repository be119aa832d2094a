import { PasswordInput, type PasswordInputProps } from '@mantine/core';

/**
 * Mantine's PasswordInput marks an error only visually (`data-invalid`); this also sets
 * `aria-invalid` so screen readers announce the field as invalid, as TextInput does.
 */
export function PasswordField({ error, ref, ...props }: PasswordInputProps & { ref?: React.Ref<HTMLInputElement> }) {
  return <PasswordInput ref={ref} error={error} aria-invalid={error ? true : undefined} {...props} />;
}
