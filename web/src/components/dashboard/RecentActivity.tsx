import { Anchor, Badge, Card, Group, Stack, Text, Timeline, Title } from '@mantine/core';
import { Link } from 'react-router';
import { formatDateTime } from '../../lib/format';
import {
  batchCounts,
  formatDuration,
  formatRelative,
  SYNC_KIND_LABEL,
  SYNC_STATE_COLOR,
  SYNC_STATE_LABEL,
  triggerLabel,
} from '../../pages/sync/format';
import type { Activity } from './data';

/** The newest syncs across all stores. */
export function RecentActivity({ items }: { items: Activity[] }) {
  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="activity-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="activity-title">
          Recent sync activity
        </Title>
        {items.length === 0 ? (
          <Text size="sm" c="dimmed">
            No syncs yet.
          </Text>
        ) : (
          <Timeline bulletSize={12} lineWidth={2} aria-label="Recent syncs" role="list">
            {items.map(({ shop, batch, at }) => (
              <Timeline.Item key={batch.id} color={SYNC_STATE_COLOR[batch.status]} role="listitem">
                <Group gap={6} wrap="wrap">
                  <Text size="sm" fw={600}>
                    {SYNC_KIND_LABEL[batch.syncType] ?? batch.syncType} sync
                  </Text>
                  <Badge size="xs" variant="light" color={SYNC_STATE_COLOR[batch.status] ?? 'gray'}>
                    {SYNC_STATE_LABEL[batch.status] ?? batch.status}
                  </Badge>
                  <Anchor component={Link} to={`/shops/${encodeURIComponent(shop.id)}/sync`} size="xs">
                    {shop.shopName}
                  </Anchor>
                </Group>
                <Text size="xs" c="dimmed">
                  {batchCounts(batch, ' · ')}
                </Text>
                <Text size="xs" c="dimmed" title={formatDateTime(at)}>
                  {triggerLabel(batch.triggeredBy)} · {formatRelative(at)}
                  {batch.durationMs != null ? ` · took ${formatDuration(batch.durationMs)}` : ''}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </Stack>
    </Card>
  );
}
