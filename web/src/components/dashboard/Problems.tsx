import { Alert, Anchor, Card, Group, List, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconHourglass, IconPlugConnectedX, IconSend } from '@tabler/icons-react';
import { Link } from 'react-router';
import { batchErrors } from '../../api/sync';
import { formatCount, formatRelative } from '../../pages/sync/format';
import type { Problem } from './data';

const shopLink = (id: string, sub = '') => `/shops/${encodeURIComponent(id)}${sub}`;

/** What needs the merchant's attention: disconnected stores, failed syncs and pushes, invalid products. */
export function Problems({ items, loading }: { items: Problem[]; loading: boolean }) {
  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="problems-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="problems-title">
          Needs attention
        </Title>
        {items.length === 0 && !loading && (
          <Group gap="xs">
            <ThemeIcon color="teal" variant="light" radius="xl" size={26}>
              <IconCircleCheck size={16} />
            </ThemeIcon>
            <Text size="sm">Nothing needs your attention.</Text>
          </Group>
        )}
        {items.length === 0 && loading && (
          <Text size="sm" c="dimmed">
            Checking your stores…
          </Text>
        )}
        {items.map((p) => (
          <ProblemItem key={`${p.kind}-${p.shop.id}`} p={p} />
        ))}
      </Stack>
    </Card>
  );
}

function ProblemItem({ p }: { p: Problem }) {
  switch (p.kind) {
    case 'disconnected':
      return (
        <Alert color="red" variant="light" icon={<IconPlugConnectedX size={18} />} title={`${p.shop.shopName} is disconnected`}>
          <Text size="sm">{p.detail ?? 'ProductSynch cannot reach the store with its keys; syncs are paused.'}</Text>
          <Anchor component={Link} to={shopLink(p.shop.id, '/settings')} size="sm">
            Reconnect the store
          </Anchor>
        </Alert>
      );
    case 'unfinished':
      return (
        <Alert color="yellow" variant="light" icon={<IconHourglass size={18} />} title={`${p.shop.shopName}: connection not finished`}>
          <Text size="sm">The store&apos;s approval did not come back. Connect it again to start syncing.</Text>
          <Anchor component={Link} to="/shops/new" size="sm">
            Connect again
          </Anchor>
        </Alert>
      );
    case 'sync-failed': {
      const errs = batchErrors(p.batch);
      return (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={`Last sync of ${p.shop.shopName} failed`}>
          <Text size="sm">
            {errs.length ? errs[errs.length - 1].message : 'The sync stopped with an error.'}{' '}
            {p.batch.completedAt ? `(${formatRelative(p.batch.completedAt)})` : ''}
          </Text>
          <Anchor component={Link} to={shopLink(p.shop.id, '/sync')} size="sm">
            Open the sync page
          </Anchor>
        </Alert>
      );
    }
    case 'push-failed':
      return (
        <Alert color="red" variant="light" icon={<IconSend size={18} />} title={`Feed delivery of ${p.shop.shopName} failed`}>
          <Text size="sm">
            {p.push.remoteStatus != null ? `HTTP ${p.push.remoteStatus}: ` : ''}
            {p.push.error ?? p.push.remoteResponse ?? 'The push did not go through.'} ({formatRelative(p.push.finishedAt ?? p.push.startedAt)})
          </Text>
          <Anchor component={Link} to={shopLink(p.shop.id, '/sync')} size="sm">
            See the push history
          </Anchor>
        </Alert>
      );
    case 'invalid':
      return (
        <Alert
          color="orange"
          variant="light"
          icon={<IconAlertTriangle size={18} />}
          title={`${formatCount(p.count)} invalid product${p.count === 1 ? '' : 's'} in ${p.shop.shopName}`}
          data-testid={`invalid-${p.shop.id}`}
        >
          <Text size="sm">They are left out of the ChatGPT feed until fixed.</Text>
          {p.reasons.length > 0 && (
            <>
              <Text size="xs" c="dimmed" mt={6}>
                Most common reasons (in the {p.sampled} most recently updated):
              </Text>
              <List size="sm" spacing={2} mt={2}>
                {p.reasons.map((r) => (
                  <List.Item key={`${r.field}|${r.code}`}>
                    {r.field && (
                      <>
                        <Text span size="sm" ff="monospace">
                          {r.field}
                        </Text>
                        :{' '}
                      </>
                    )}
                    {r.message}{' '}
                    <Text span size="xs" c="dimmed">
                      ({r.count} of {p.sampled})
                    </Text>
                  </List.Item>
                ))}
              </List>
            </>
          )}
          <Anchor component={Link} to={shopLink(p.shop.id, '/products?status=ERROR')} size="sm">
            Review the products
          </Anchor>
        </Alert>
      );
  }
}
