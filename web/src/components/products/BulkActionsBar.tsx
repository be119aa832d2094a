import { Button, Group, Modal, Paper, Progress, Stack, Text } from '@mantine/core';
import { IconEye, IconEyeOff, IconRestore, IconSearch, IconSearchOff, IconShoppingCart, IconShoppingCartOff } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import type { BulkActionName } from '../../api/products';
import { jobFinished, jobPercent, jobProgress, useJob } from '../../api/jobs';
import type { Job } from '../../api/types';

const ACTIONS: { action: BulkActionName; label: string; icon: React.ReactNode; color?: string }[] = [
  { action: 'include', label: 'Include in feed', icon: <IconEye size={16} /> },
  { action: 'exclude', label: 'Exclude from feed', icon: <IconEyeOff size={16} />, color: 'gray' },
  { action: 'enable_search', label: 'Enable search', icon: <IconSearch size={16} /> },
  { action: 'disable_search', label: 'Disable search', icon: <IconSearchOff size={16} />, color: 'gray' },
  { action: 'enable_checkout', label: 'Enable checkout', icon: <IconShoppingCart size={16} /> },
  { action: 'disable_checkout', label: 'Disable checkout', icon: <IconShoppingCartOff size={16} />, color: 'gray' },
];

/**
 * What to do with the selected products (or every product matching the filter). Resetting
 * manual edits asks for a confirmation first.
 */
export function BulkActionsBar({
  selectionLabel,
  count,
  busy,
  onAction,
  onClear,
  children,
}: {
  /** "3 products selected" / "All 1,204 matching products selected". */
  selectionLabel: string;
  /** How many products the action touches (for the confirmation). */
  count: number;
  busy: boolean;
  onAction: (action: BulkActionName) => void;
  onClear: () => void;
  children?: React.ReactNode;
}) {
  const [confirmReset, setConfirmReset] = useState(false);
  return (
    <Paper withBorder radius="md" p="sm" role="region" aria-label="Bulk actions">
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text size="sm" fw={600} aria-live="polite">
            {selectionLabel}
          </Text>
          <Button size="compact-sm" variant="subtle" onClick={onClear} disabled={busy}>
            Clear selection
          </Button>
        </Group>
        <Group gap="xs" wrap="wrap">
          {ACTIONS.map((a) => (
            <Button
              key={a.action}
              size="xs"
              variant="light"
              color={a.color}
              leftSection={a.icon}
              disabled={busy}
              onClick={() => onAction(a.action)}
            >
              {a.label}
            </Button>
          ))}
          <Button size="xs" variant="light" color="red" leftSection={<IconRestore size={16} />} disabled={busy} onClick={() => setConfirmReset(true)}>
            Reset overrides…
          </Button>
        </Group>
        {children}
      </Stack>
      <Modal opened={confirmReset} onClose={() => setConfirmReset(false)} title="Reset manual edits" centered>
        <Stack>
          <Text size="sm">
            This removes the manual edits of {count.toLocaleString()} product{count === 1 ? '' : 's'}. Their feed values fall back to
            AI data, then to the store's data. This cannot be undone.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmReset(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              onClick={() => {
                setConfirmReset(false);
                onAction('reset_overrides');
              }}
            >
              Reset overrides
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

/** Live progress of a queued bulk job; `onDone` runs once when it has finished. */
export function BulkJobProgress({ jobId, onDone, intervalMs }: { jobId: string; onDone: (job: Job) => void; intervalMs?: number }) {
  const job = useJob(jobId, intervalMs ? { intervalMs } : undefined);
  const done = useRef(false);
  const data = job.data;
  useEffect(() => {
    if (data && jobFinished(data) && !done.current) {
      done.current = true;
      onDone(data);
    }
  }, [data, onDone]);
  const percent = jobPercent(data);
  const p = jobProgress(data);
  const label =
    p?.current !== undefined && p.total
      ? `${p.current.toLocaleString()} of ${p.total.toLocaleString()}${p.message ? ` ${p.message}` : ''}`
      : (p?.message ?? data?.status ?? 'queued');
  return (
    <Stack gap={4}>
      <Text size="xs" c="dimmed">
        Working: {label}
      </Text>
      <Progress
        value={percent ?? 100}
        animated={percent === null}
        striped={percent === null}
        aria-label="Bulk action progress"
        aria-valuenow={percent ?? undefined}
      />
    </Stack>
  );
}
