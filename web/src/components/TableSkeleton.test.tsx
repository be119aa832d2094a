import { MantineProvider, Table } from '@mantine/core';
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TableHead, TableStateRows, type TableColumn } from './TableSkeleton';

const COLUMNS: TableColumn[] = [
  { label: 'Details', w: 40, skeleton: null },
  { header: 'Name', skeleton: '70%' },
  { header: 'Count', w: 80, right: true, skeleton: <span data-testid="count-bar" /> },
];

function renderTable(state: { loading: boolean; empty?: string | false }) {
  return render(
    <MantineProvider>
      <Table aria-label="Things" layout="fixed">
        <TableHead columns={COLUMNS} />
        <Table.Tbody>
          <TableStateRows columns={COLUMNS} rows={2} height={50} {...state} />
        </Table.Tbody>
      </Table>
    </MantineProvider>,
  );
}

describe('TableHead and TableStateRows', () => {
  it('renders one header cell per column with its label, width and alignment', () => {
    renderTable({ loading: false });
    const headers = within(screen.getByRole('table')).getAllByRole('columnheader');
    expect(headers).toHaveLength(3);
    expect(headers[0]).toHaveAttribute('aria-label', 'Details');
    expect(headers[0]).toHaveTextContent('');
    expect(headers[1]).toHaveTextContent('Name');
    expect(headers[2]).toHaveTextContent('Count');
    expect(headers[2].style.textAlign).toBe('right');
    expect(headers[2].style.width).toBe('calc(5rem * var(--mantine-scale))');
    expect(headers[1].getAttribute('style')).toBeNull();
  });

  it('shows the placeholder rows with one cell per column while loading, and no message', () => {
    const { container } = renderTable({ loading: true, empty: 'Nothing yet.' });
    const rows = container.querySelectorAll('tbody tr[data-skeleton]');
    expect(rows).toHaveLength(2);
    expect(rows[0].querySelectorAll('td')).toHaveLength(3);
    expect(screen.getAllByTestId('count-bar')).toHaveLength(2);
    expect(screen.queryByText('Nothing yet.')).not.toBeInTheDocument();
  });

  it('shows the empty message across all columns once loaded', () => {
    const { container } = renderTable({ loading: false, empty: 'Nothing yet.' });
    expect(container.querySelectorAll('tbody tr[data-skeleton]')).toHaveLength(0);
    expect(screen.getByText('Nothing yet.').closest('td')).toHaveAttribute('colspan', '3');
  });

  it('renders no extra rows once loaded with rows', () => {
    const { container } = renderTable({ loading: false, empty: false });
    expect(container.querySelectorAll('tbody tr')).toHaveLength(0);
  });
});
