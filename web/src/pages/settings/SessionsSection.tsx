import { Badge, Button, Group, Modal, Skeleton, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconDeviceDesktop } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { useRevokeAllSessions, useRevokeSession, useSessions } from '../../api/hooks';
import { errorMessage } from '../../api/problem';
import type { Session } from '../../api/types';
import { ErrorState } from '../../components/ErrorState';
import { describeUserAgent, formatDateTime } from '../../lib/format';
import { Section } from './Section';

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
      {sessions.isPending && (
        <Stack gap="xs" aria-busy="true" aria-label="Loading sessions">
          <Skeleton h={36} />
          <Skeleton h={36} />
        </Stack>
      )}
      {sessions.isError && <ErrorState error={sessions.error} title="Could not load sessions" onRetry={() => sessions.refetch()} />}
      {sessions.data && sessions.data.length === 0 && <Text size="sm">No active sessions.</Text>}
      {sessions.data && sessions.data.length > 0 && (
        <Table.ScrollContainer minWidth={600}>
          <Table verticalSpacing="sm" aria-label="Active sessions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="42%">Device</Table.Th>
                <Table.Th>Signed in</Table.Th>
                <Table.Th>Last active</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sessions.data.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <IconDeviceDesktop size={18} stroke={1.5} aria-hidden />
                      <div>
                        <Text size="sm">{describeUserAgent(s.userAgent)}</Text>
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
                    <Text size="sm">{formatDateTime(s.createdAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{s.lastUsedAt ? formatDateTime(s.lastUsedAt) : '—'}</Text>
                  </Table.Td>
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
