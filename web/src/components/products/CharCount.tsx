import { Text } from '@mantine/core';

/** "42 / 150 characters", red once over the limit. Announced politely while typing. */
export function CharCount({ value, max, id }: { value: string | undefined; max: number; id?: string }) {
  const n = [...(value ?? '')].length;
  const over = n > max;
  return (
    <Text id={id} component="span" size="xs" c={over ? 'red' : n > max * 0.9 ? 'orange' : 'dimmed'} aria-live="polite" data-testid="char-count">
      {n.toLocaleString()} / {max.toLocaleString()} characters
    </Text>
  );
}
