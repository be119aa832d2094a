import { Skeleton, Stack, Table, Text } from '@mantine/core';
import type { CSSProperties, ReactNode } from 'react';

/**
 * Loading and empty states inside a table that already shows its real header, so the loaded rows
 * replace the placeholders without the columns or the table moving. The tables using it have a
 * fixed layout with fixed column widths, and the same row height for placeholder and real rows.
 */

/** A placeholder cell: a width for the grey bar (`'70%'`, `40`), `null` for an empty cell, or any node. */
export type SkeletonCell = string | number | null | ReactNode;

/**
 * One column of such a table: its header (`header` text or node, or only an `label` for assistive
 * technology), its fixed width (`w`; none takes the rest of the table), right alignment for numeric
 * columns, and the cell its placeholder rows show.
 */
export interface TableColumn {
  header?: ReactNode;
  label?: string;
  w?: number;
  right?: boolean;
  skeleton: SkeletonCell;
}

/** The header row of a table from its columns. */
export function TableHead({ columns }: { columns: TableColumn[] }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {columns.map((c, i) => (
          <Table.Th key={i} w={c.w} ta={c.right ? 'right' : undefined} aria-label={c.label}>
            {c.header}
          </Table.Th>
        ))}
      </Table.Tr>
    </Table.Thead>
  );
}

/**
 * The rows a table body shows besides its data: `rows` placeholder rows while `loading`, and the
 * `empty` message in one full-width row when it is given (pass it only once loaded with no rows).
 */
export function TableStateRows({
  columns,
  loading,
  rows,
  height,
  empty,
  emptyDimmed = true,
}: {
  columns: TableColumn[];
  loading: boolean;
  rows: number;
  height?: number;
  empty?: ReactNode;
  emptyDimmed?: boolean;
}) {
  return (
    <>
      {loading && <SkeletonRows rows={rows} height={height} cells={columns.map((c) => c.skeleton)} />}
      {!loading && empty && (
        <MessageRow columns={columns.length}>
          <Text size="sm" c={emptyDimmed ? 'dimmed' : undefined}>
            {empty}
          </Text>
        </MessageRow>
      )}
    </>
  );
}

/** Placeholder rows, one cell per entry of `cells` (see `SkeletonCell`). */
export function SkeletonRows({ rows, cells, height }: { rows: number; cells: SkeletonCell[]; height?: number }) {
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

/** Two grey bars over each other, for a two-line cell (a date over its time, a name over its address). */
export function TwoBars({
  top,
  bottom,
  topH = 12,
  gap = 8,
  style,
}: {
  top: string | number;
  bottom: string | number;
  topH?: number;
  gap?: number;
  style?: CSSProperties;
}) {
  return (
    <Stack gap={gap} style={style}>
      <Skeleton h={topH} w={top} radius="sm" />
      <Skeleton h={10} w={bottom} radius="sm" />
    </Stack>
  );
}

/** A grey pill standing for a status badge. */
export function BadgeBar() {
  return <Skeleton h={20} w={84} radius="xl" />;
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
