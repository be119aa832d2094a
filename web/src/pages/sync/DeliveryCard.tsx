import { Anchor, Badge, Card, Code, Group, SimpleGrid, Skeleton, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import type { OpenAiConfig, Push } from '../../api/sync';
import { ErrorState } from '../../components/ErrorState';
import { BadgeBar, Bar, TableHead, TableStateRows, TwoBars, type TableColumn } from '../../components/TableSkeleton';
import { formatDateAndTime, formatDateTime } from '../../lib/format';
import { formatBytes, formatCount, formatRelative, methodLabel, PUSH_STATUS_COLOR, triggerLabel } from './format';

/** Columns of the push history, with fixed widths (the remote answer takes the rest). */
const COLUMNS: TableColumn[] = [
  { header: 'Started', w: 128, skeleton: <TwoBars top="80%" bottom="50%" /> },
  { header: 'Method', w: 112, skeleton: '70%' },
  { header: 'Trigger', w: 104, skeleton: '60%' },
  { header: 'Status', w: 124, skeleton: <BadgeBar /> },
  { header: 'Items', w: 72, right: true, skeleton: <Bar w="50%" right /> },
  { header: 'Size', w: 80, right: true, skeleton: <Bar w="60%" right /> },
  { header: 'Remote answer', skeleton: '70%' },
];

/** Height of a push row (placeholder or real), so the loaded rows take the placeholders' place. */
const ROW_HEIGHT = 64;

/** How the feed reaches ChatGPT, and every push attempt with the remote side's answer. */
export function DeliveryCard({
  config,
  configError,
  pushes,
  pushesError,
  onRetry,
  settingsHref,
}: {
  config: OpenAiConfig | undefined;
  configError: unknown;
  pushes: Push[] | undefined;
  pushesError: unknown;
  onRetry: () => void;
  settingsHref: string;
}) {
  const last = pushes?.[0] ?? config?.lastPush ?? null;
  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="delivery-title">
      <Stack gap="md">
        <div>
          <Title order={3} size="h4" id="delivery-title">
            Delivery to ChatGPT
          </Title>
          <Text size="sm" c="dimmed">
            Configure the method in the{' '}
            <Anchor component={Link} to={settingsHref} size="sm">
              shop settings
            </Anchor>
            .
          </Text>
        </div>

        {!config && !configError && <Skeleton h={60} aria-label="Loading delivery settings" />}
        {configError != null && !config && (
          <ErrorState error={configError} title="Could not load the delivery settings" onRetry={onRetry} />
        )}
        {config && (
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
            <Fact label="Method" value={methodLabel(config.method)} />
            <Fact
              label="Schedule"
              value={!config.enabled ? 'Off' : config.cadence === 'after_sync' ? 'After every sync' : 'Daily'}
            />
            <Fact
              label="Last delivery"
              value={last ? `${last.status} ${formatRelative(last.finishedAt ?? last.startedAt)}` : 'never'}
              color={last ? PUSH_STATUS_COLOR[last.status] : undefined}
              testId="last-delivery"
            />
            <Fact
              label="Next scheduled push"
              value={config.nextScheduledPush ? formatRelative(config.nextScheduledPush) : '—'}
              title={config.nextScheduledPush ? formatDateTime(config.nextScheduledPush) : undefined}
            />
          </SimpleGrid>
        )}
        {config?.method === 'hosted' && (
          <Text size="sm">
            Hosted feed URL: <Code>{config.hostedUrl}</Code>
          </Text>
        )}

        <Title order={4} size="h5">
          Push history
        </Title>
        {pushesError != null && !pushes && <ErrorState error={pushesError} title="Could not load the push history" onRetry={onRetry} />}
        {(pushes || pushesError == null) && (
          <Table.ScrollContainer minWidth={760}>
            {/* Fixed layout and widths: the rows replace the placeholders without the columns moving. */}
            <Table verticalSpacing="xs" aria-label="Push history" aria-busy={!pushes} highlightOnHover layout="fixed">
              <TableHead columns={COLUMNS} />
              <Table.Tbody>
                <TableStateRows
                  columns={COLUMNS}
                  loading={!pushes}
                  rows={2}
                  height={ROW_HEIGHT}
                  empty={pushes?.length === 0 && 'The feed has not been delivered yet.'}
                />
                {pushes?.map((p) => (
                  <Table.Tr key={p.id} h={ROW_HEIGHT}>
                    <Table.Td title={formatDateTime(p.startedAt)}>
                      <Text size="sm">{formatDateAndTime(p.startedAt)[0]}</Text>
                      <Text size="xs" c="dimmed">
                        {formatDateAndTime(p.startedAt)[1]}
                      </Text>
                    </Table.Td>
                    <Table.Td>{methodLabel(p.method)}</Table.Td>
                    <Table.Td>{triggerLabel(p.triggeredBy)}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <Badge variant="light" color={PUSH_STATUS_COLOR[p.status] ?? 'gray'}>
                          {p.status}
                        </Badge>
                        {p.attempt > 1 && (
                          <Text size="xs" c="dimmed">
                            attempt {p.attempt}
                          </Text>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right">{formatCount(p.itemCount)}</Table.Td>
                    <Table.Td ta="right">{formatBytes(p.sizeBytes)}</Table.Td>
                    <Table.Td>
                      <RemoteAnswer push={p} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}

function RemoteAnswer({ push }: { push: Push }) {
  const text = push.error ?? push.remoteResponse ?? (push.status === 'running' ? 'in progress…' : '—');
  const short = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return (
    <Tooltip label={text} disabled={short === text} multiline w={360}>
      <Text size="sm" c={push.error ? 'red' : undefined} style={{ wordBreak: 'break-word' }}>
        {push.remoteStatus != null && (
          <Text span fw={600} size="sm">
            HTTP {push.remoteStatus}{' '}
          </Text>
        )}
        {short}
      </Text>
    </Tooltip>
  );
}

function Fact({ label, value, title, color, testId }: { label: string; value: string; title?: string; color?: string; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" fw={500} title={title} c={color} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}
