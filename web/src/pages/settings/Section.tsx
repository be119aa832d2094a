import { Card, Stack, Text, Title } from '@mantine/core';

export function Section({
  title,
  description,
  children,
  danger,
  id,
}: {
  title: string;
  description?: string;
  children: React.ReactNode;
  danger?: boolean;
  id: string;
}) {
  return (
    <Card
      withBorder
      radius="lg"
      padding="lg"
      component="section"
      aria-labelledby={id}
      style={danger ? { borderColor: 'var(--mantine-color-red-6)' } : undefined}
    >
      <Stack gap="md">
        <div>
          <Title order={2} size="h4" id={id} c={danger ? 'red' : undefined}>
            {title}
          </Title>
          {description && (
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          )}
        </div>
        {children}
      </Stack>
    </Card>
  );
}
