import { ActionIcon, Badge, Card, List, Stack, Table, Text, Title } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { batchErrors, type SyncBatch } from '../../api/sync';
import { ErrorState } from '../../components/ErrorState';
import { BadgeBar, Bar, TableHead, TableStateRows, TwoBars, type TableColumn } from '../../components/TableSkeleton';
import { formatDateAndTime, formatDateTime } from '../../lib/format';
import { formatCount, formatDuration, SYNC_KIND_LABEL, SYNC_STATE_COLOR, SYNC_STATE_LABEL, triggerLabel } from './format';

/**
 * Columns of the table (the expanded error row spans them all). Fixed widths fit the widest header or
 * badge; a little less cell padding so the eleven columns fit a laptop screen.
 */
const COLUMNS: TableColumn[] = [
  { label: 'Details', w: 40, skeleton: null },
  { header: 'Started', skeleton: <TwoBars top="80%" bottom="50%" /> },
  { header: 'Type', w: 100, skeleton: '70%' },
  { header: 'Trigger', w: 88, skeleton: '70%' },
  { header: 'Status', w: 116, skeleton: <BadgeBar /> },
  ...(
    [
      ['Created', 78],
      ['Updated', 84],
      ['Unchanged', 104],
      ['Deleted', 78],
      ['Failed', 64],
      ['Duration', 86],
    ] as const
  ).map(([header, w]) => ({ header, w, right: true, skeleton: <Bar w="50%" right /> })),
];

/** Height of a row (placeholder or batch), so the loaded rows take the placeholders' place. */
const ROW_HEIGHT = 64;

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
        {error != null && !batches && <ErrorState error={error} title="Could not load the sync history" onRetry={onRetry} />}
        {(batches || error == null) && (
          <Table.ScrollContainer minWidth={940}>
            {/* Fixed layout and widths: the rows replace the placeholders without the columns moving. */}
            <Table verticalSpacing="xs" horizontalSpacing={8} aria-label="Sync history" aria-busy={!batches} highlightOnHover layout="fixed">
              <TableHead columns={COLUMNS} />
              <Table.Tbody>
                <TableStateRows
                  columns={COLUMNS}
                  loading={!batches}
                  rows={3}
                  height={ROW_HEIGHT}
                  empty={batches?.length === 0 && 'No syncs yet.'}
                />
                {batches?.map((b) => {
                  const errors = batchErrors(b);
                  const expanded = Boolean(open[b.id]);
                  const when = b.startedAt ?? b.completedAt;
                  return (
                    <Fragment key={b.id}>
                      <Table.Tr data-testid={`batch-${b.id}`} h={ROW_HEIGHT}>
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
                          {when ? (
                            <div title={formatDateTime(when)}>
                              <Text size="sm">{formatDateAndTime(when)[0]}</Text>
                              <Text size="xs" c="dimmed">
                                {formatDateAndTime(when)[1]}
                              </Text>
                            </div>
                          ) : (
                            <Text size="sm">waiting</Text>
                          )}
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
                          <Table.Td colSpan={COLUMNS.length}>
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
