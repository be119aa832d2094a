import { Box, Image } from '@mantine/core';
import { IconPhoto } from '@tabler/icons-react';
import { useState } from 'react';

/** A fixed-size image; a missing or unloadable one leaves a placeholder of the same size (no layout shift). */
export function Thumb({ src, size, alt = '' }: { src: string | null | undefined; size: number; alt?: string }) {
  const [failed, setFailed] = useState(false);
  if (src && !failed) {
    return (
      <Image src={src} alt={alt} w={size} h={size} radius="sm" fit="cover" loading="lazy" style={{ flex: 'none' }} onError={() => setFailed(true)} />
    );
  }
  return (
    <Box
      w={size}
      h={size}
      role={alt ? 'img' : undefined}
      aria-label={alt || undefined}
      style={{ flex: 'none', display: 'grid', placeItems: 'center', borderRadius: 4, background: 'var(--mantine-color-default-hover)' }}
    >
      <IconPhoto size={Math.round(size / 2.2)} aria-hidden color="var(--mantine-color-dimmed)" />
    </Box>
  );
}
