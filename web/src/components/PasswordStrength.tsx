import { Group, Progress, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { loadStrengthChecker, type Strength } from '../lib/passwordStrength';
import { MIN_PASSWORD } from '../lib/schemas';

/**
 * A strength meter under a password field: four segments, a label and one suggestion.
 * Advice only: the server decides what it accepts (length limits, shown as field errors).
 */
export function PasswordStrength({ password, userInputs = [] }: { password: string; userInputs?: string[] }) {
  const [debounced] = useDebouncedValue(password, 120);
  const [strength, setStrength] = useState<Strength | null>(null);
  const inputsKey = userInputs.join('\u0000');

  useEffect(() => {
    let cancelled = false;
    if (!debounced) {
      setStrength(null);
      return;
    }
    void loadStrengthChecker().then((check) => {
      if (!cancelled) setStrength(check(debounced, inputsKey ? inputsKey.split('\u0000') : []));
    });
    return () => {
      cancelled = true;
    };
  }, [debounced, inputsKey]);

  const score = password && strength ? strength.score : -1;
  const tooShort = password.length > 0 && password.length < MIN_PASSWORD;
  return (
    <Stack gap={4} aria-live="polite" data-testid="password-strength">
      <Group gap={4} grow>
        {[0, 1, 2, 3].map((i) => (
          <Progress
            key={i}
            size={5}
            aria-hidden
            value={score > i || (score === 0 && i === 0 && password) ? 100 : 0}
            color={strength?.color ?? 'gray'}
            transitionDuration={0}
          />
        ))}
      </Group>
      {password && strength && (
        <Text size="xs" c="dimmed">
          Strength: <strong>{strength.label}</strong>
          {tooShort ? ` · use at least ${MIN_PASSWORD} characters` : strength.suggestion ? ` · ${strength.suggestion}` : ''}
        </Text>
      )}
    </Stack>
  );
}
