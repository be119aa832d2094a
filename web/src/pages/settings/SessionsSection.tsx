import { Badge, Button, Group, Modal, Skeleton, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconDeviceDesktop } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { useRevokeAllSessions, useRevokeSession, useSessions } from '../../api/hooks';
import { errorMessage } from '../../api/problem';
import type { Session } from '../../api/types';
import { ErrorState } from '../../components/ErrorState';
import { TableHead, TableStateRows, TwoBars, type TableColumn } from '../../components/TableSkeleton';
import { describeUserAgent, formatDateAndTime, formatDateTime } from '../../lib/format';
import { Section } from './Section';

/** Columns of the table, with fixed widths (the device takes the rest). */
const COLUMNS: TableColumn[] = [
  {
    header: 'Device',
    skeleton: (
      <Group gap="xs" wrap="nowrap">
        <Skeleton h={18} w={18} radius="sm" />
        <TwoBars top="55%" bottom="30%" gap={6} style={{ flex: 1 }} />
      </Group>
    ),
  },
  { header: 'Signed in', w: 150, skeleton: <TwoBars top="75%" bottom="45%" /> },
  { header: 'Last active', w: 150, skeleton: <TwoBars top="75%" bottom="45%" /> },
  { header: <VisuallyHidden>Actions</VisuallyHidden>, w: 96, skeleton: null },
];

/** Height of a session row (placeholder or real), so the loaded rows take the placeholders' place. */
const ROW_HEIGHT = 66;

export function SessionsSection() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const revokeAll = useRevokeAllSessions();
  const navigate = useNavigate();
  const [confirmOpen, confirm] = useDisclosure(false);

  const onRevokeAll = () =>
    revokeAll.mutate(undefined, {
      onSuccess: () => {
        confirm.close();
        navigate('/login', { replace: true });
      },
      onError: (e) => notifications.show({ color: 'red', title: 'Could not log out everywhere', message: errorMessage(e) }),
    });

  const onRevoke = (s: Session) =>
    revoke.mutate(s.id, {
      onError: (e) => notifications.show({ color: 'red', title: 'Could not end the session', message: errorMessage(e) }),
    });

  return (
    <Section id="sessions-title" title="Sessions" description="Devices signed in to your account.">
      {sessions.isError && <ErrorState error={sessions.error} title="Could not load sessions" onRetry={() => sessions.refetch()} />}
      {(!sessions.isError || sessions.data) && (
        <Table.ScrollContainer minWidth={600}>
          {/* Fixed layout and widths: the sessions replace the placeholders without the columns moving. */}
          <Table verticalSpacing="sm" aria-label="Active sessions" aria-busy={sessions.isPending} layout="fixed">
            <TableHead columns={COLUMNS} />
            <Table.Tbody>
              <TableStateRows
                columns={COLUMNS}
                loading={sessions.isPending}
                rows={2}
                height={ROW_HEIGHT}
                empty={sessions.data?.length === 0 && 'No active sessions.'}
                emptyDimmed={false}
              />
              {sessions.data?.map((s) => (
                <Table.Tr key={s.id} h={ROW_HEIGHT}>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <IconDeviceDesktop size={18} stroke={1.5} aria-hidden />
                      <div style={{ minWidth: 0 }}>
                        <Text size="sm" truncate>
                          {describeUserAgent(s.userAgent)}
                        </Text>
                        {s.ip && (
                          <Text size="xs" c="dimmed">
                            {s.ip}
                          </Text>
                        )}
                      </div>
                      {s.current && (
                        <Badge size="xs" variant="light" color="teal" style={{ flexShrink: 0 }}>
                          This device
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <When iso={s.createdAt} />
                  </Table.Td>
                  <Table.Td>{s.lastUsedAt ? <When iso={s.lastUsedAt} /> : <Text size="sm">—</Text>}</Table.Td>
                  <Table.Td ta="right">
                    {!s.current && (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => onRevoke(s)}
                        loading={revoke.isPending && revoke.variables === s.id}
                        aria-label={`Log out ${describeUserAgent(s.userAgent)}`}
                      >
                        Log out
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group justify="flex-end">
        <Button variant="default" color="red" onClick={confirm.open}>
          Log out everywhere
        </Button>
      </Group>
      <Modal opened={confirmOpen} onClose={confirm.close} title="Log out everywhere?" centered>
        <Stack>
          <Text size="sm">Every device, this one included, will need to sign in again.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={confirm.close}>
              Cancel
            </Button>
            <Button color="red" onClick={onRevokeAll} loading={revokeAll.isPending}>
              Log out everywhere
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Section>
  );
}

/** A date over its time of day (two short lines keep the columns narrow); the full text as a tooltip. */
function When({ iso }: { iso: string }) {
  const [day, time] = formatDateAndTime(iso);
  return (
    <div title={formatDateTime(iso)}>
      <Text size="sm">{day}</Text>
      <Text size="xs" c="dimmed">
        {time}
      </Text>
    </div>
  );
}
