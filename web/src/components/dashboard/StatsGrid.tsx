import { Card, Group, Progress, SimpleGrid, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle, IconBox, IconBrandOpenai, IconSend } from '@tabler/icons-react';
import { formatDateTime } from '../../lib/format';
import { formatCount, formatPercent, formatRelative, methodLabel } from '../../pages/sync/format';
import type { Totals } from './data';

/** Catalog-wide figures across the user's shops, summed from each shop's feed summary. */
export function StatsGrid({ t, loading }: { t: Totals; loading: boolean }) {
  const partial = t.counted < t.shops;
  const last = t.lastPush;
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="md" aria-label="Catalog statistics" data-testid="stats">
      <Stat
        label="Products"
        icon={<IconBox size={18} />}
        value={loading && t.counted === 0 ? '…' : formatCount(t.products)}
        sub={`in ${t.shops} store${t.shops === 1 ? '' : 's'}${partial && !loading ? ` (${t.counted} answered)` : ''}`}
      />
      <Stat
        label="In the ChatGPT feed"
        icon={<IconBrandOpenai size={18} />}
        value={loading && t.counted === 0 ? '…' : formatCount(t.included)}
        sub={t.products ? `${formatPercent(t.included, t.products)} of products` : 'no products yet'}
        progress={t.products ? (t.included / t.products) * 100 : undefined}
        color="teal"
      />
      <Stat
        label="Valid / invalid"
        icon={<IconAlertTriangle size={18} />}
        value={
          loading && t.counted === 0 ? (
            '…'
          ) : (
            <>
              {formatCount(t.valid)} /{' '}
              <Text span inherit c={t.invalid > 0 ? 'red' : undefined}>
                {formatCount(t.invalid)}
              </Text>
            </>
          )
        }
        sub={
          t.pending > 0
            ? `${formatCount(t.pending)} not checked yet · ${formatCount(t.excluded)} excluded`
            : `${formatCount(t.excluded)} excluded by you`
        }
      />
      <Stat
        label="Last delivery"
        icon={<IconSend size={18} />}
        value={last ? `${last.push.status === 'succeeded' ? 'Delivered' : last.push.status === 'failed' ? 'Failed' : 'Running'}` : 'Not yet'}
        sub={
          last
            ? `${formatRelative(last.push.finishedAt ?? last.push.startedAt)} · ${formatCount(last.push.itemCount)} items · ${methodLabel(last.push.method)}`
            : 'the feed has not been pushed'
        }
        title={last ? `${last.shop.shopName}, ${formatDateTime(last.push.startedAt)}` : undefined}
        color={last?.push.status === 'failed' ? 'red' : undefined}
      />
    </SimpleGrid>
  );
}

function Stat({
  label,
  value,
  sub,
  icon,
  color,
  progress,
  title,
}: {
  label: string;
  value: React.ReactNode;
  sub: string;
  icon: React.ReactNode;
  color?: string;
  progress?: number;
  title?: string;
}) {
  return (
    <Card withBorder radius="lg" padding="md" title={title} aria-label={label} role="group">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {label}
        </Text>
        <ThemeIcon variant="light" radius="md" size={30} color={color}>
          {icon}
        </ThemeIcon>
      </Group>
      <Text size="1.6rem" fw={700} mt={4} c={color} data-testid={`stat-${label}`}>
        {value}
      </Text>
      {progress !== undefined && <Progress value={progress} color={color} size="sm" mt={6} aria-hidden />}
      <Text size="xs" c="dimmed" mt={6}>
        {sub}
      </Text>
    </Card>
  );
}
