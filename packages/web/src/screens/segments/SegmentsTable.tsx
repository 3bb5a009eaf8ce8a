import { Anchor, Badge, Table, Text, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconArrowsSort } from '@tabler/icons-react';
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type OnChangeFn,
  type SortingState,
} from '@tanstack/react-table';
import { Link } from 'react-router';
import { freshnessOf, type ActivityView, type SegmentRow } from './segment-rows';
import { Sparkline, SparklineSlot } from './Sparkline';

const column = createColumnHelper<SegmentRow>();

/** A count of today's changes, or a dash while it loads or when it could not be read. */
function TodayCount({ value, view }: { value: number | undefined; view: ActivityView }) {
  return (
    <Text ta="right" size="sm" c={value === undefined ? 'dimmed' : undefined}>
      {value === undefined ? (view.status === 'pending' ? '…' : '–') : value.toLocaleString('en')}
    </Text>
  );
}

function columns(now: number, activity: ActivityView) {
  const of = (row: SegmentRow) => activity.byKey.get(row.key);
  return [
    column.accessor('key', {
      header: 'Key',
      cell: (info) => (
        <Anchor component={Link} to={`/segments/${encodeURIComponent(info.getValue())}`} ff="monospace" size="sm">
          {info.getValue()}
        </Anchor>
      ),
    }),
    column.accessor('name', { header: 'Name' }),
    column.accessor('target', { header: 'Target', cell: (info) => (info.getValue() === 'person' ? 'People' : 'Accounts') }),
    column.accessor('members', {
      header: 'Size',
      cell: (info) => (
        <Text ta="right" size="sm">
          {info.getValue().toLocaleString('en')}
        </Text>
      ),
      sortDescFirst: true,
    }),
    // Sorts by the change over the days shown (growth first), as the line shows it.
    column.accessor(
      (row) => {
        const sizes = of(row)?.sizes;
        return sizes?.length ? sizes.at(-1)! - sizes[0]! : undefined;
      },
      {
        id: 'trend',
        header: `Last ${activity.days} days`,
        cell: (info) => {
          const sizes = of(info.row.original)?.sizes;
          if (sizes?.length) return <Sparkline values={sizes} />;
          return (
            <SparklineSlot
              label={activity.status === 'pending' ? `Loading the size over ${activity.days} days` : 'Size over time not available'}
            />
          );
        },
        sortDescFirst: true,
        sortUndefined: 'last',
      },
    ),
    column.accessor((row) => of(row)?.enteredToday, {
      id: 'enteredToday',
      header: 'Entered today',
      cell: (info) => <TodayCount value={info.getValue()} view={activity} />,
      sortDescFirst: true,
      sortUndefined: 'last',
    }),
    column.accessor((row) => of(row)?.exitedToday, {
      id: 'exitedToday',
      header: 'Exited today',
      cell: (info) => <TodayCount value={info.getValue()} view={activity} />,
      sortDescFirst: true,
      sortUndefined: 'last',
    }),
    column.accessor((row) => freshnessOf(row, now).label, {
      id: 'freshness',
      header: 'Freshness',
      cell: (info) => (
        <Badge variant="dot" color={freshnessOf(info.row.original, now).color} tt="none">
          {info.getValue()}
        </Badge>
      ),
    }),
    column.accessor('predefined', {
      header: 'Kind',
      cell: (info) =>
        info.getValue() ? (
          <Badge variant="default" tt="none">
            predefined
          </Badge>
        ) : (
          <Text size="sm" c="dimmed">
            custom
          </Text>
        ),
    }),
  ];
}

const sortIcon = { asc: IconArrowUp, desc: IconArrowDown } as const;
const ariaSort = { asc: 'ascending', desc: 'descending' } as const;

/** The segments as a table; a column header sorts by that column (again: the other way). */
export function SegmentsTable(props: {
  rows: SegmentRow[];
  sorting: SortingState;
  onSortingChange: OnChangeFn<SortingState>;
  now: number;
  activity: ActivityView;
}) {
  const table = useReactTable({
    data: props.rows,
    columns: columns(props.now, props.activity),
    state: { sorting: props.sorting },
    onSortingChange: props.onSortingChange,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (row) => row.key,
  });
  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label="Segments">
        <Table.Thead>
          {table.getHeaderGroups().map((group) => (
            <Table.Tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                const Icon = sorted ? sortIcon[sorted] : IconArrowsSort;
                return (
                  <Table.Th key={header.id} aria-sort={sorted ? ariaSort[sorted] : 'none'}>
                    <UnstyledButton onClick={header.column.getToggleSortingHandler()} className="sort-button">
                      {flexRender(header.column.columnDef.header, header.getContext())}
                      <Icon size={14} aria-hidden />
                    </UnstyledButton>
                  </Table.Th>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Thead>
        <Table.Tbody>
          {table.getRowModel().rows.map((row) => (
            <Table.Tr key={row.id}>
              {row.getVisibleCells().map((cell) => (
                <Table.Td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
