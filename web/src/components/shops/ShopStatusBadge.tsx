import { Badge } from '@mantine/core';
import { shopState, type Shop, type ShopState } from '../../api/shops';

const LOOK: Record<ShopState, { color: string; label: string }> = {
  connected: { color: 'teal', label: 'Connected' },
  disconnected: { color: 'red', label: 'Disconnected' },
  pending: { color: 'yellow', label: 'Pending authorization' },
};

export function ShopStatusBadge({ shop, size = 'sm' }: { shop: Pick<Shop, 'isConnected' | 'consumerKeyHint'>; size?: string }) {
  const look = LOOK[shopState(shop)];
  return (
    <Badge color={look.color} variant="light" size={size}>
      {look.label}
    </Badge>
  );
}
