import { Button, Group, MultiSelect, Skeleton, Stack, Table, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { EmptyState, ErrorState } from '../../shell/PageState';
import { MemberSearch } from './MemberSearch';
import { defaultTraits, endOfDay, traitText } from './member-traits';

const pageSize = 20;

interface Selection {
  selected: string;
  onSelect: (id: string) => void;
}

const column = createColumnHelper<MemberRow>();

function memberColumns(target: 'person' | 'account', segmentKey: string, traits: string[]) {
  return [
    column.accessor('id', {
      header: target === 'person' ? 'User id' : 'Group id',
      cell: (info) => {
        const { selected, onSelect } = info.table.options.meta as Selection;
        return (
          <UnstyledButton
            ff="monospace"
            fz="sm"
            aria-label={`Why is ${info.getValue()} in ${segmentKey}?`}
            aria-pressed={info.getValue() === selected}
            onClick={() => onSelect(info.getValue())}
          >
            {info.getValue()}
          </UnstyledButton>
        );
      },
    }),
    column.accessor('enteredAt', { header: 'Entered', cell: (info) => new Date(info.getValue()).toLocaleString('en') }),
    ...traits.map((name) =>
      column.display({
        id: `trait:${name}`,
        header: name,
        cell: (info) => (info.row.original.traits === undefined ? <Skeleton h={14} w={80} /> : traitText(info.row.original.traits[name])),
      }),
    ),
  ];
}

interface MemberRow {
  id: string;
  enteredAt: string;
  traits: Record<string, unknown> | undefined;
}

/**
 * The members, a page at a time (the API pages by cursor: the table keeps the cursors it was
 * given to go back), now or as of the end of a chosen day, with the traits the user picks.
 */
export function MembersTable(props: {
  segmentKey: string;
  target: 'person' | 'account';
  asOf: string;
  onAsOf: (day: string) => void;
  selected: string;
  onSelect: (id: string) => void;
}) {
  const { segmentKey, target, asOf } = props;
  // cursors[i] is the cursor of page i; page 0 has none.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  const [shownTraits, setShownTraits] = useState<string[]>([...defaultTraits[target]]);
  const cursor = cursors[pageIndex];
  const members = useQuery({
    queryKey: ['segments', segmentKey, 'members', asOf, cursor],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/segments/{key}/members', {
          params: {
            path: { key: segmentKey },
            query: { limit: pageSize, ...(cursor ? { cursor } : {}), ...(asOf ? { asOf: endOfDay(asOf) } : {}) },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  // Each member's traits come from its profile: one query for the page, 20 small reads at once.
  const ids = (members.data?.items ?? []).map((m) => m.id);
  const profiles = useQuery({
    queryKey: [target === 'person' ? 'people' : 'accounts', 'traits', ids],
    queryFn: () =>
      Promise.all(
        ids.map(async (id) =>
          target === 'person'
            ? (await unwrap(api.GET('/api/v1/people/{userId}', { params: { path: { userId: id }, query: { events: 0 } } }))).traits
            : (await unwrap(api.GET('/api/v1/accounts/{groupId}', { params: { path: { groupId: id } } }))).traits,
        ),
      ),
    enabled: ids.length > 0,
    staleTime: 60_000,
  });
  const rows: MemberRow[] = useMemo(
    () =>
      (members.data?.items ?? []).map((m, i) => ({
        id: m.id,
        enteredAt: m.enteredAt,
        traits: profiles.data?.[i],
      })),
    [members.data, profiles.data],
  );
  const traitOptions = useMemo(() => {
    const names = new Set<string>(defaultTraits[target]);
    for (const traits of profiles.data ?? []) for (const name of Object.keys(traits ?? {})) names.add(name);
    return [...names].sort();
  }, [profiles.data, target]);

  // Stable cell renderers: TanStack Table mounts each as a component, so a new function per render
  // would remount every cell (and lose focus); the selection reaches them through the table's meta.
  const columns = useMemo(() => memberColumns(target, segmentKey, shownTraits), [target, segmentKey, shownTraits]);
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    meta: { selected: props.selected, onSelect: props.onSelect } satisfies Selection,
  });

  const changeAsOf = (day: string) => {
    setCursors([undefined]);
    setPageIndex(0);
    props.onAsOf(day);
  };
  const next = () => {
    const nextCursor = members.data?.nextCursor;
    if (!nextCursor) return;
    setCursors((c) => [...c.slice(0, pageIndex + 1), nextCursor]);
    setPageIndex(pageIndex + 1);
  };
  return (
    <Stack gap="sm">
      <Title order={2} size="h4">
        Members{asOf ? ` as of ${asOf}` : ''}
      </Title>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <MemberSearch segmentKey={segmentKey} target={target} onSelect={props.onSelect} />
        <TextInput
          type="date"
          label="As of (end of day, UTC)"
          description="Empty: members now"
          value={asOf}
          onChange={(e) => changeAsOf(e.currentTarget.value)}
        />
        {asOf && (
          <Button variant="subtle" onClick={() => changeAsOf('')}>
            Back to now
          </Button>
        )}
      </Group>
      <MultiSelect label="Traits shown" data={traitOptions} value={shownTraits} onChange={setShownTraits} searchable maw={560} />
      {members.isError ? (
        <ErrorState title="Could not load the members" error={members.error} onRetry={() => void members.refetch()} />
      ) : members.isPending ? (
        <Skeleton h={pageSize * 36} aria-label="Loading the members" />
      ) : rows.length === 0 && pageIndex === 0 ? (
        <EmptyState title={asOf ? `Nobody was in ${segmentKey} on ${asOf}` : `Nobody is in ${segmentKey} yet`}>
          {asOf
            ? 'Pick a later day, or go back to now.'
            : 'Members appear as events and traits arrive that match the rule; the live feed shows them enter. Look up a customer above to see which condition keeps them out.'}
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table striped highlightOnHover aria-label={`Members of ${segmentKey}`} aria-busy={members.isFetching}>
            <Table.Thead>
              {table.getHeaderGroups().map((group) => (
                <Table.Tr key={group.id}>
                  {group.headers.map((header) => (
                    <Table.Th key={header.id} scope="col">
                      {flexRender(header.column.columnDef.header, header.getContext())}
                    </Table.Th>
                  ))}
                </Table.Tr>
              ))}
            </Table.Thead>
            <Table.Tbody>
              {table.getRowModel().rows.map((row) => (
                <Table.Tr key={row.id} bg={row.original.id === props.selected ? 'var(--mantine-primary-color-light)' : undefined}>
                  {row.getVisibleCells().map((cell) => (
                    <Table.Td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Page {pageIndex + 1}
        </Text>
        <Group gap="xs">
          <Button variant="default" size="xs" disabled={pageIndex === 0} onClick={() => setPageIndex(pageIndex - 1)}>
            Previous page
          </Button>
          <Button variant="default" size="xs" disabled={!members.data?.nextCursor} onClick={next}>
            Next page
          </Button>
        </Group>
      </Group>
    </Stack>
  );
}
