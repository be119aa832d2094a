import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconArrowsExchange } from '@tabler/icons-react';

export function Logo({ size = 'md' }: { size?: 'sm' | 'md' | 'lg' }) {
  const icon = size === 'lg' ? 36 : size === 'sm' ? 26 : 30;
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon size={icon} radius="md" variant="gradient" gradient={{ from: 'blue', to: 'cyan', deg: 135 }}>
        <IconArrowsExchange size={icon * 0.6} stroke={2} />
      </ThemeIcon>
      <Text fw={700} size={size === 'lg' ? 'xl' : 'lg'}>
        ProductSynch
      </Text>
    </Group>
  );
}
