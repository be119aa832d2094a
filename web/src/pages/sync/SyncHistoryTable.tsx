import { ActionIcon, Badge, Card, List, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { batchErrors, type SyncBatch } from '../../api/sync';
import { ErrorState } from '../../components/ErrorState';
import { formatDateTime } from '../../lib/format';
import { formatCount, formatDuration, SYNC_KIND_LABEL, SYNC_STATE_COLOR, SYNC_STATE_LABEL, triggerLabel } from './format';

/** Past sync batches with their counts; a row with errors expands to the per-product messages. */
export function SyncHistoryTable({
  batches,
  error,
  onRetry,
}: {
  batches: SyncBatch[] | undefined;
  error: unknown;
  onRetry: () => void;
}) {
  const [open, setOpen] = useState<Record<string, boolean>>({});
  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="sync-history-title">
      <Stack gap="md">
        <div>
          <Title order={3} size="h4" id="sync-history-title">
            Sync history
          </Title>
          <Text size="sm" c="dimmed">
            Every sync of this store, newest first.
          </Text>
        </div>
        {!batches && !error && <Skeleton h={120} aria-label="Loading sync history" />}
        {error != null && !batches && <ErrorState error={error} title="Could not load the sync history" onRetry={onRetry} />}
        {batches && batches.length === 0 && (
          <Text size="sm" c="dimmed">
            No syncs yet.
          </Text>
        )}
        {batches && batches.length > 0 && (
          <Table.ScrollContainer minWidth={820}>
            <Table verticalSpacing="xs" aria-label="Sync history" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36} aria-label="Details" />
                  <Table.Th>Started</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Trigger</Table.Th>
                  <Table.Th miw={120}>Status</Table.Th>
                  <Table.Th ta="right">Created</Table.Th>
                  <Table.Th ta="right">Updated</Table.Th>
                  <Table.Th ta="right">Unchanged</Table.Th>
                  <Table.Th ta="right">Deleted</Table.Th>
                  <Table.Th ta="right">Failed</Table.Th>
                  <Table.Th ta="right">Duration</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {batches.map((b) => {
                  const errors = batchErrors(b);
                  const expanded = Boolean(open[b.id]);
                  const when = b.startedAt ?? b.completedAt;
                  return (
                    <Fragment key={b.id}>
                      <Table.Tr data-testid={`batch-${b.id}`}>
                        <Table.Td>
                          {errors.length > 0 && (
                            <ActionIcon
                              variant="subtle"
                              size="sm"
                              aria-expanded={expanded}
                              aria-controls={expanded ? `errors-${b.id}` : undefined}
                              aria-label={`${expanded ? 'Hide' : 'Show'} ${errors.length} error${errors.length === 1 ? '' : 's'}`}
                              onClick={() => setOpen((o) => ({ ...o, [b.id]: !expanded }))}
                            >
                              {expanded ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
                            </ActionIcon>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{when ? formatDateTime(when) : 'waiting'}</Text>
                        </Table.Td>
                        <Table.Td>{SYNC_KIND_LABEL[b.syncType] ?? b.syncType}</Table.Td>
                        <Table.Td>{triggerLabel(b.triggeredBy)}</Table.Td>
                        <Table.Td>
                          <Badge variant="light" color={SYNC_STATE_COLOR[b.status] ?? 'gray'}>
                            {SYNC_STATE_LABEL[b.status] ?? b.status}
                          </Badge>
                        </Table.Td>
                        <Table.Td ta="right">{formatCount(b.created)}</Table.Td>
                        <Table.Td ta="right">{formatCount(b.updated)}</Table.Td>
                        <Table.Td ta="right">{formatCount(b.unchanged)}</Table.Td>
                        <Table.Td ta="right">{formatCount(b.deleted)}</Table.Td>
                        <Table.Td ta="right" c={b.failed > 0 ? 'red' : undefined} fw={b.failed > 0 ? 600 : undefined}>
                          {formatCount(b.failed)}
                        </Table.Td>
                        <Table.Td ta="right">{formatDuration(b.durationMs)}</Table.Td>
                      </Table.Tr>
                      {expanded && (
                        <Table.Tr id={`errors-${b.id}`}>
                          <Table.Td colSpan={11}>
                              <List size="sm" spacing={4} p="sm" aria-label={`Errors of the sync started ${when ? formatDateTime(when) : ''}`}>
                                {errors.map((e, i) => (
                                  <List.Item key={i}>
                                    <Text span size="sm" fw={600}>
                                      {e.wooProductId != null ? `Product #${e.wooProductId}` : 'Sync'}:
                                    </Text>{' '}
                                    <Text span size="sm">
                                      {e.message}
                                    </Text>
                                  </List.Item>
                                ))}
                                {b.failed > errors.length && (
                                  <List.Item>
                                    <Text span size="sm" c="dimmed">
                                      …and {formatCount(b.failed - errors.length)} more (only the first {errors.length} are kept).
                                    </Text>
                                  </List.Item>
                                )}
                              </List>
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}
