/**
 * The sync page of one shop (`/shops/:shopId/sync`, rendered inside ShopLayout, which shows the
 * shop's name and tabs): the sync status with live progress, "Sync now" / "Push now", delivery
 * and push history, sync history with per-product errors, and the feed preview with downloads.
 *
 * Live progress: the status is polled while a batch is queued or running, and while a sync or
 * push this page requested has not finished (its job is followed at `GET /jobs/{id}`). When a
 * sync or push ends, everything on the page is refetched.
 */
import { Button, Group, Stack, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRefresh, IconSend } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { jobFinished, useJob } from '../../api/jobs';
import { errorMessage } from '../../api/problem';
import {
  useDeliveryConfig,
  useFeedFiles,
  useFeedPreview,
  usePushes,
  usePushNow,
  useRefreshShopSync,
  useSyncHistory,
  useSyncStatus,
  useTriggerSync,
} from '../../api/sync';
import { DeliveryCard } from './DeliveryCard';
import { FeedPreviewCard } from './FeedPreviewCard';
import { SyncHistoryTable } from './SyncHistoryTable';
import { SyncStatusCard } from './SyncStatusCard';

export default function SyncPage({ pollMs = 1500 }: { pollMs?: number }) {
  const { shopId = '' } = useParams();
  return <SyncPageBody key={shopId} shopId={shopId} pollMs={pollMs} />;
}

function SyncPageBody({ shopId, pollMs }: { shopId: string; pollMs: number }) {
  const [syncJobId, setSyncJobId] = useState<string | null>(null);
  const [pushJobId, setPushJobId] = useState<string | null>(null);
  const syncJob = useJob(syncJobId, { intervalMs: pollMs });
  const pushJob = useJob(pushJobId, { intervalMs: pollMs });
  const syncPending = Boolean(syncJobId) && !jobFinished(syncJob.data);
  const pushPending = Boolean(pushJobId) && !jobFinished(pushJob.data);

  const status = useSyncStatus(shopId, { intervalMs: pollMs, forcePoll: syncPending });
  const history = useSyncHistory(shopId);
  const pushes = usePushes(shopId, { intervalMs: pollMs, forcePoll: pushPending });
  const delivery = useDeliveryConfig(shopId);
  const preview = useFeedPreview(shopId);
  const files = useFeedFiles(shopId, { limit: 5 });
  const refreshAll = useRefreshShopSync(shopId);
  const trigger = useTriggerSync(shopId);
  const push = usePushNow(shopId);

  // A batch that was running and is not any more: the history, feed and pushes changed.
  const runningId = status.data?.current?.id ?? null;
  const lastRunning = useRef<string | null>(null);
  useEffect(() => {
    if (lastRunning.current && !runningId) void refreshAll();
    lastRunning.current = runningId;
  }, [runningId, refreshAll]);

  // The sync or push this page asked for has finished.
  useEffect(() => {
    if (!syncJobId || !jobFinished(syncJob.data)) return;
    const failed = syncJob.data?.status !== 'succeeded';
    if (failed) {
      notifications.show({ color: 'red', title: 'Sync failed', message: syncJob.data?.lastError ?? 'The sync did not finish.' });
    }
    setSyncJobId(null);
    void refreshAll();
  }, [syncJobId, syncJob.data, refreshAll]);
  useEffect(() => {
    if (!pushJobId || !jobFinished(pushJob.data)) return;
    if (pushJob.data?.status !== 'succeeded') {
      notifications.show({ color: 'red', title: 'Push failed', message: pushJob.data?.lastError ?? 'The feed was not delivered.' });
    }
    setPushJobId(null);
    void refreshAll();
  }, [pushJobId, pushJob.data, refreshAll]);

  const connected = status.data?.isConnected ?? false;
  const busy = syncPending || Boolean(status.data?.current);

  const onSync = () =>
    trigger.mutate('FULL', {
      onSuccess: (r) => {
        setSyncJobId(r.jobId);
        notifications.show({
          color: 'blue',
          title: r.created ? 'Sync queued' : 'Already syncing',
          message: r.created ? 'Products are being read from your store.' : 'A sync of this store is already under way.',
        });
      },
      onError: (e) => notifications.show({ color: 'red', title: 'Could not start a sync', message: errorMessage(e) }),
    });

  const onPush = () =>
    push.mutate(undefined, {
      onSuccess: (r) => {
        setPushJobId(r.jobId);
        notifications.show({
          color: 'blue',
          title: r.created ? 'Push queued' : 'Push already queued',
          message: 'A fresh feed file is generated and delivered.',
        });
      },
      onError: (e) => notifications.show({ color: 'red', title: 'Could not push the feed', message: errorMessage(e) }),
    });

  const syncDisabledReason = !status.data ? null : !connected ? 'Reconnect the store first.' : null;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={2} size="h3">
            Sync and feed
          </Title>
          <Text size="sm" c="dimmed">
            Keep ChatGPT&apos;s copy of your catalog current.
          </Text>
        </div>
        <Group gap="sm">
          <Tooltip label={syncDisabledReason} disabled={!syncDisabledReason}>
            <Button
              leftSection={<IconRefresh size={18} />}
              onClick={onSync}
              loading={trigger.isPending || busy}
              disabled={!status.data || !connected}
            >
              Sync now
            </Button>
          </Tooltip>
          <Button
            variant="light"
            leftSection={<IconSend size={18} />}
            onClick={onPush}
            loading={push.isPending || pushPending}
            disabled={!status.data}
          >
            Push now
          </Button>
        </Group>
      </Group>

      <SyncStatusCard
        status={status.data}
        error={status.error}
        onRetry={() => void status.refetch()}
        queued={syncPending && !status.data?.current}
      />
      <DeliveryCard
        config={delivery.data}
        configError={delivery.error}
        pushes={pushes.data}
        pushesError={pushes.error}
        onRetry={() => {
          void delivery.refetch();
          void pushes.refetch();
        }}
        settingsHref={`/shops/${encodeURIComponent(shopId)}/settings`}
      />
      <SyncHistoryTable batches={history.data} error={history.error} onRetry={() => void history.refetch()} />
      <FeedPreviewCard
        shopId={shopId}
        preview={preview.data}
        error={preview.error}
        files={files.data}
        onRetry={() => void preview.refetch()}
      />
    </Stack>
  );
}
