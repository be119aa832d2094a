import { Badge, Group, Stack, Table, Text } from '@mantine/core';
import type { AiData, ProductDetail } from '../../api/products';
import { formatDateTime } from '../../lib/format';

/** Whether the API returned any AI data for the product (the tab exists only then). */
export function hasAiData(detail: ProductDetail): detail is ProductDetail & { ai: AiData } {
  const ai = detail.ai;
  if (!ai || typeof ai !== 'object') return false;
  return Boolean(
    ai.enriched ||
      ai.title ||
      ai.description ||
      ai.suggestedCategory ||
      (Array.isArray(ai.keywords) && ai.keywords.length) ||
      (Array.isArray(ai.qAndA) && ai.qAndA.length),
  );
}

/** What the AI enrichment produced, read-only. */
export function AiDataPanel({ ai }: { ai: AiData }) {
  const rows: [string, React.ReactNode][] = [
    ['Title', ai.title ?? '—'],
    ['Description', ai.description ? <span style={{ whiteSpace: 'pre-wrap' }}>{ai.description}</span> : '—'],
    ['Suggested category', ai.suggestedCategory ?? '—'],
    [
      'Keywords',
      ai.keywords?.length ? (
        <Group gap={4}>
          {ai.keywords.map((k) => (
            <Badge key={k} size="sm" variant="light">
              {k}
            </Badge>
          ))}
        </Group>
      ) : (
        '—'
      ),
    ],
    ['Enriched', ai.enrichedAt ? formatDateTime(ai.enrichedAt) : ai.enriched ? 'Yes' : 'No'],
  ];
  return (
    <Stack>
      <Table aria-label="AI values" withRowBorders={false} verticalSpacing={6}>
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th w={200} scope="row">
                <Text size="sm" c="dimmed">
                  {k}
                </Text>
              </Table.Th>
              <Table.Td>
                <Text size="sm" component="div">
                  {v}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {ai.qAndA && ai.qAndA.length > 0 && (
        <Stack gap="xs" component="section" aria-label="AI questions and answers">
          <Text fw={600} size="sm">
            Questions and answers
          </Text>
          {ai.qAndA.map((qa, i) => (
            <div key={i}>
              <Text size="sm" fw={500}>
                {qa.q}
              </Text>
              <Text size="sm" c="dimmed">
                {qa.a}
              </Text>
            </div>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
