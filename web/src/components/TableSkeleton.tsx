import { Skeleton, Table } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * Placeholder rows inside a table that already shows its real header, so the loaded rows replace
 * them without the columns or the table moving (the tables using it have a fixed layout with
 * fixed column widths, and the same row height for placeholder and real rows).
 *
 * `cells` gives one entry per column: a width for the grey bar (`'70%'`, `40`), `null` for an
 * empty cell, or any node (e.g. a square for an image column).
 */
export function SkeletonRows({
  rows,
  cells,
  height,
}: {
  rows: number;
  cells: (string | number | null | ReactNode)[];
  height?: number;
}) {
  return Array.from({ length: rows }, (_, i) => (
    <Table.Tr key={`skeleton-${i}`} h={height} aria-hidden data-skeleton="">
      {cells.map((c, j) => (
        <Table.Td key={j}>{typeof c === 'string' || typeof c === 'number' ? <Bar w={c} /> : c}</Table.Td>
      ))}
    </Table.Tr>
  ));
}

/** A grey bar standing for a cell's text; `right` for right-aligned (numeric) columns. */
export function Bar({ w, h = 12, right = false }: { w: string | number; h?: number; right?: boolean }) {
  return <Skeleton h={h} w={w} radius="sm" ml={right ? 'auto' : undefined} />;
}

/** One full-width row inside a table's body: its empty-state message. */
export function MessageRow({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={columns} py="md">
        {children}
      </Table.Td>
    </Table.Tr>
  );
}
