import { Badge, Group } from '@mantine/core';
import type { ProductSummary } from '../../api/products';

/** Excluded, valid or invalid (with the issue count when the server sends one). */
export function ProductStatusBadge({ product }: { product: Pick<ProductSummary, 'status' | 'isValid' | 'issueCount'> }) {
  if (product.status === 'EXCLUDED') {
    return (
      <Badge color="gray" variant="light">
        Excluded
      </Badge>
    );
  }
  if (product.isValid) {
    return (
      <Badge color="teal" variant="light">
        Valid
      </Badge>
    );
  }
  const n = product.issueCount;
  return (
    <Badge color="red" variant="light">
      {typeof n === 'number' ? `Invalid · ${n} issue${n === 1 ? '' : 's'}` : 'Invalid'}
    </Badge>
  );
}

/** ChatGPT search / checkout eligibility, as two small on/off badges. */
export function ChatGptFlags({ search, checkout }: { search: boolean; checkout: boolean }) {
  // Native titles, not Tooltips: a list page shows up to 200 rows of these.
  return (
    <Group gap={4} wrap="nowrap">
      <Badge
        size="sm"
        tt="none"
        variant={search ? 'light' : 'outline'}
        color={search ? 'blue' : 'gray'}
        aria-label={`Search ${search ? 'on' : 'off'}`}
        title={search ? 'Shown in ChatGPT search' : 'Hidden from ChatGPT search'}
      >
        Search
      </Badge>
      <Badge
        size="sm"
        tt="none"
        variant={checkout ? 'light' : 'outline'}
        color={checkout ? 'violet' : 'gray'}
        aria-label={`Checkout ${checkout ? 'on' : 'off'}`}
        title={checkout ? 'Can be bought in ChatGPT' : 'No checkout in ChatGPT'}
      >
        Checkout
      </Badge>
    </Group>
  );
}
