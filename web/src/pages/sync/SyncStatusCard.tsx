import { Alert, Badge, Card, Group, Progress, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { batchErrors, batchPercent, type SyncBatch, type SyncStatus } from '../../api/sync';
import { ErrorState } from '../../components/ErrorState';
import { formatDateTime } from '../../lib/format';
import {
  batchCounts,
  formatCount,
  formatDuration,
  formatRelative,
  SYNC_KIND_LABEL,
  SYNC_STATE_COLOR,
  SYNC_STATE_LABEL,
  triggerLabel,
} from './format';

/** The shop's sync right now: the running batch with live progress, else the last result. */
export function SyncStatusCard({
  status,
  error,
  onRetry,
  queued,
}: {
  status: SyncStatus | undefined;
  error: unknown;
  onRetry: () => void;
  /** A sync was requested and its job has not started a batch yet. */
  queued: boolean;
}) {
  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="sync-status-title">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={3} size="h4" id="sync-status-title">
              Sync status
            </Title>
            <Text size="sm" c="dimmed">
              Products are read from WooCommerce, checked against the OpenAI feed spec and stored.
            </Text>
          </div>
          {status && (
            <Badge size="lg" variant="light" color={SYNC_STATE_COLOR[status.syncStatus] ?? 'gray'} data-testid="shop-sync-state">
              {SYNC_STATE_LABEL[status.syncStatus] ?? status.syncStatus}
            </Badge>
          )}
        </Group>

        {!status && !error && <Skeleton h={90} aria-label="Loading sync status" />}
        {error != null && !status && <ErrorState error={error} title="Could not load the sync status" onRetry={onRetry} />}

        {status && !status.isConnected && (
          <Alert color="red" variant="light" icon={<IconPlugConnectedX size={18} />} title="Store disconnected">
            {status.connectionError ?? 'ProductSynch cannot reach this store with its keys.'} Reconnect it in the shop settings;
            syncs are paused until then.
          </Alert>
        )}

        {status?.current ? (
          <RunningBatch batch={status.current} />
        ) : queued ? (
          <Stack gap={6} role="status" aria-live="polite">
            <Text size="sm" fw={500}>
              Sync queued — waiting for a worker…
            </Text>
            <Progress value={100} striped animated aria-label="Sync queued" />
          </Stack>
        ) : (
          status && <LastResult status={status} />
        )}

        {status && (
          <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
            <Fact label="Products stored" value={formatCount(status.productCount)} />
            <Fact
              label="Last successful sync"
              value={status.lastSyncAt ? formatRelative(status.lastSyncAt) : 'never'}
              title={status.lastSyncAt ? formatDateTime(status.lastSyncAt) : undefined}
            />
            <Fact
              label="Next scheduled sync"
              value={
                status.nextScheduledAt
                  ? formatRelative(status.nextScheduledAt)
                  : status.syncEnabled
                    ? 'not scheduled'
                    : 'automatic sync off'
              }
              title={status.nextScheduledAt ? formatDateTime(status.nextScheduledAt) : undefined}
            />
          </SimpleGrid>
        )}
      </Stack>
    </Card>
  );
}

function RunningBatch({ batch }: { batch: SyncBatch }) {
  const pct = batchPercent(batch);
  const done = batch.created + batch.updated + batch.unchanged;
  return (
    <Stack gap={6} role="status" aria-live="polite" data-testid="sync-running">
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {batch.status === 'PENDING' ? 'Sync starting…' : 'Syncing products…'} ({SYNC_KIND_LABEL[batch.syncType] ?? batch.syncType},{' '}
          {triggerLabel(batch.triggeredBy).toLowerCase()})
        </Text>
        <Text size="sm" c="dimmed">
          {batch.totalPages ? `page ${batch.pagesDone} of ${batch.totalPages}` : 'counting pages…'}
        </Text>
      </Group>
      <Progress
        value={pct ?? 100}
        striped
        animated
        aria-label="Sync progress"
        aria-valuetext={pct === null ? 'starting' : `${pct}%`}
      />
      <Text size="xs" c="dimmed">
        {formatCount(done)} products read so far: {formatCount(batch.created)} new, {formatCount(batch.updated)} updated,{' '}
        {formatCount(batch.unchanged)} unchanged, {formatCount(batch.deleted)} deleted, {formatCount(batch.failed)} failed
        {batch.startedAt ? ` · started ${formatRelative(batch.startedAt)}` : ''}
      </Text>
    </Stack>
  );
}

function LastResult({ status }: { status: SyncStatus }) {
  const last = status.last;
  if (!last) {
    return (
      <Text size="sm" c="dimmed">
        No sync has run yet.
      </Text>
    );
  }
  const errors = batchErrors(last);
  const when = last.completedAt ?? last.startedAt;
  return (
    <Stack gap={4} data-testid="sync-last">
      <Text size="sm">
        Last sync{' '}
        <Text span fw={600} c={SYNC_STATE_COLOR[last.status]}>
          {SYNC_STATE_LABEL[last.status]?.toLowerCase() ?? last.status}
        </Text>{' '}
        {when ? formatRelative(when) : ''}
        {last.durationMs != null ? ` in ${formatDuration(last.durationMs)}` : ''}:{' '}
        {batchCounts(last)}.
      </Text>
      {last.status === 'FAILED' && errors.length > 0 && (
        <Text size="sm" c="red">
          {errors[errors.length - 1].message}
        </Text>
      )}
    </Stack>
  );
}

function Fact({ label, value, title }: { label: string; value: string; title?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" fw={500} title={title}>
        {value}
      </Text>
    </div>
  );
}
