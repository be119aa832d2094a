import { Alert, Badge, Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { useState } from 'react';
import type { FeedIssue, FeedPreview } from '../../api/products';
import { feedFieldDef, feedValueToString, formFieldForIssue } from '../../pages/products/feedFields';
import { JsonView } from './JsonView';

/** The feed fields worth a glance, in order. */
const KEY_FIELDS = [
  'item_id',
  'title',
  'price',
  'sale_price',
  'availability',
  'brand',
  'gtin',
  'mpn',
  'condition',
  'product_category',
  'url',
  'image_url',
  'variant_dict',
  'is_eligible_search',
  'is_eligible_checkout',
] as const;

/** A longer explanation of well-known issue codes (the message already says what is wrong). */
const EXPLAIN: Record<string, string> = {
  missing_required: 'The feed needs this field for every item. Add a value in Manual edits or in the store.',
  too_long: 'OpenAI rejects values over the limit. Shorten it in Manual edits.',
  invalid_gtin: 'A GTIN is 8, 12, 13 or 14 digits without spaces. Fix it or clear it.',
  gtin_check_digit: 'The last digit of a GTIN is a checksum; a typo usually breaks it.',
  excluded: 'This product is excluded from the feed; include it to publish it again.',
  not_in_feed: 'Only published products that can be bought become feed items.',
  invalid_shop_settings: "The shop's seller settings are incomplete: fix them in the shop settings.",
  all_caps: 'Titles in capitals are discouraged by OpenAI.',
  insecure_url: 'OpenAI prefers HTTPS links; serve the store over HTTPS to clear this.',
  gtin_dropped: "The store's GTIN failed the check and is not sent: enter the right one in Manual edits.",
};

/** "Black / XS" from an item's variant attributes, else its item id. */
function variantLabel(item: Record<string, unknown>, id: string): string {
  const d = item.variant_dict;
  if (d && typeof d === 'object' && !Array.isArray(d)) {
    const v = Object.values(d as Record<string, unknown>).filter((x) => typeof x === 'string' && x);
    if (v.length) return `${v.join(' / ')}`;
  }
  return id;
}

export function issueLabel(field: string): string {
  const def = feedFieldDef(field);
  if (def) return def.label;
  if (!field) return 'Product';
  return field.replace(/_/g, ' ');
}

/** The feed items as they will be sent, their key fields and what is wrong with them. */
export function FeedPreviewPanel({
  preview,
  onFix,
}: {
  preview: FeedPreview;
  /** Switches to Manual edits and focuses the form field (`manualTitle`, `fields.brand`, …). */
  onFix: (formField: string) => void;
}) {
  const items = preview.items ?? [];
  const [selected, setSelected] = useState<string | null>(null);
  const idOf = (it: Record<string, unknown>, i: number) => (typeof it.item_id === 'string' ? it.item_id : `item ${i + 1}`);
  const ids = items.map(idOf);
  const current = Math.max(0, selected ? ids.indexOf(selected) : 0);
  const item = items[current];
  const errors = preview.issues.filter((i) => i.severity === 'error').length;
  const warnings = preview.issues.length - errors;

  return (
    <Stack gap="lg">
      <Group gap="sm">
        {preview.excluded ? (
          <Badge color="gray" variant="light" size="lg">
            Excluded from the feed
          </Badge>
        ) : preview.isValid ? (
          <Badge color="teal" variant="light" size="lg" leftSection={<IconCircleCheck size={14} />}>
            Valid
          </Badge>
        ) : (
          <Badge color="red" variant="light" size="lg" leftSection={<IconAlertTriangle size={14} />}>
            Invalid
          </Badge>
        )}
        <Text size="sm" c="dimmed">
          {items.length} feed item{items.length === 1 ? '' : 's'} · {errors} error{errors === 1 ? '' : 's'} · {warnings} warning
          {warnings === 1 ? '' : 's'}
        </Text>
      </Group>

      <section aria-labelledby="preview-issues">
        <Title order={3} size="h5" id="preview-issues" mb="xs">
          Validation issues
        </Title>
        {preview.issues.length === 0 ? (
          <Text size="sm" c="dimmed">
            No issues: every item passes the OpenAI feed checks.
          </Text>
        ) : (
          <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Validation issues">
            {groupIssues(preview.issues).map((g) => (
              <IssueRow key={g.key} issue={g.issue} items={g.items} multipleItems={items.length > 1} onFix={onFix} />
            ))}
          </Stack>
        )}
      </section>

      {items.length === 0 ? (
        <Alert color="gray" variant="light" title="Nothing is sent for this product">
          {preview.excluded ? 'It is excluded from the feed.' : 'It has no feed item (see the issues above).'}
        </Alert>
      ) : (
        <section aria-labelledby="preview-item">
          <Group justify="space-between" mb="xs" align="flex-end">
            <Title order={3} size="h5" id="preview-item">
              Feed item
            </Title>
            {items.length > 1 && (
              <Select
                label="Variation"
                size="xs"
                w={260}
                data={ids.map((id, i) => ({ value: id, label: variantLabel(items[i], id) }))}
                value={ids[current]}
                allowDeselect={false}
                onChange={setSelected}
              />
            )}
          </Group>
          <Table aria-label="Key feed fields" withRowBorders={false} verticalSpacing={4} mb="md">
            <Table.Tbody>
              {KEY_FIELDS.filter((k) => item[k] !== undefined).map((k) => (
                <Table.Tr key={k}>
                  <Table.Th w={200} scope="row">
                    <Text size="sm" c="dimmed" ff="monospace">
                      {k}
                    </Text>
                  </Table.Th>
                  <Table.Td>
                    <Text size="sm" lineClamp={2} style={{ wordBreak: 'break-all' }}>
                      {feedValueToString(item[k])}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <JsonView value={item} label="Feed item JSON" />
        </section>
      )}
    </Stack>
  );
}

const SEVERITY_ORDER: Record<string, number> = { error: 0, warning: 1, info: 2 };

/**
 * The same finding on every variation is one row ("on 11 items"), errors first; the message
 * of the first occurrence stands for the group.
 */
export function groupIssues(issues: FeedIssue[]): { key: string; issue: FeedIssue; items: string[] }[] {
  const groups = new Map<string, { key: string; issue: FeedIssue; items: string[] }>();
  for (const issue of issues) {
    const key = `${issue.severity}|${issue.field}|${issue.code}`;
    const g = groups.get(key) ?? { key, issue, items: [] };
    if (issue.itemId) g.items.push(issue.itemId);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => (SEVERITY_ORDER[a.issue.severity] ?? 3) - (SEVERITY_ORDER[b.issue.severity] ?? 3));
}

function IssueRow({
  issue,
  items,
  multipleItems,
  onFix,
}: {
  issue: FeedIssue;
  items: string[];
  multipleItems: boolean;
  onFix: (f: string) => void;
}) {
  const target = formFieldForIssue(issue.field, issue.code);
  const label = issueLabel(issue.field);
  const error = issue.severity === 'error';
  const color = error ? 'red' : issue.severity === 'warning' ? 'yellow' : 'blue';
  return (
    <li>
      <Alert color={color} variant="light" p="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div>
            <Group gap={6}>
              <Badge size="xs" color={color}>
                {issue.severity}
              </Badge>
              <Text size="sm" fw={600}>
                {label}
              </Text>
              {multipleItems && items.length > 0 && (
                <Text size="xs" c="dimmed" title={items.join(', ')}>
                  {items.length === 1 ? items[0] : `on ${items.length} items`}
                </Text>
              )}
            </Group>
            <Text size="sm">{issue.message}</Text>
            {EXPLAIN[issue.code] && (
              <Text size="xs" c="dimmed">
                {EXPLAIN[issue.code]}
              </Text>
            )}
          </div>
          {target && (
            <Button size="compact-xs" variant="white" onClick={() => onFix(target)} aria-label={`Fix ${label}`}>
              Fix
            </Button>
          )}
        </Group>
      </Alert>
    </li>
  );
}
