import { Badge, Button, Group, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState, Loading } from '../../shell/PageState';
import { useCan } from './permissions';
import { CannedResponseEditor } from './CannedResponseEditor';
import { cannedResponsesKey, loadCannedResponses, type CannedResponse } from './canned-queries';

/** /settings/canned-responses: the workspace's reusable replies, and an editor with a preview for a chosen customer. */
export function CannedResponsesPage() {
  const can = useCan();
  const responses = useQuery({ queryKey: cannedResponsesKey, queryFn: loadCannedResponses });
  // The response being edited: its key, 'new' for a new one, undefined when the editor is closed.
  const [editing, setEditing] = useState<string | undefined>();
  if (responses.isPending) return <Loading label="Loading the canned responses…" />;
  if (responses.isError)
    return <ErrorState title="The canned responses could not be loaded" error={responses.error} onRetry={() => void responses.refetch()} />;
  const current = responses.data.find((r) => r.key === editing);
  return (
    <Stack gap="md" maw={960}>
      <Paper withBorder p="md" component="section" aria-labelledby="canned-list-title">
        <Group justify="space-between" mb="xs">
          <Title order={2} size="h4" id="canned-list-title">
            Canned responses
          </Title>
          {can('policies:write') && (
            <Button size="xs" onClick={() => setEditing('new')}>
              New response
            </Button>
          )}
        </Group>
        <Text size="sm" c="dimmed" mb="sm">
          Replies agents reuse. Each is suggested on the tickets its segments and languages allow, ranked by the words it shares with the
          customer&apos;s messages.
        </Text>
        {responses.data.length === 0 ? (
          <Text size="sm">No canned responses yet.</Text>
        ) : (
          <ResponsesTable responses={responses.data} onEdit={setEditing} />
        )}
      </Paper>
      {editing !== undefined && (
        <CannedResponseEditor key={editing} saved={current} onClose={() => setEditing(undefined)} onSaved={(key) => setEditing(key)} />
      )}
    </Stack>
  );
}

function ResponsesTable({ responses, onEdit }: { responses: CannedResponse[]; onEdit: (key: string) => void }) {
  const scope = (values: string[] | null, any: string) =>
    values === null ? (
      <Text size="sm" c="dimmed">
        {any}
      </Text>
    ) : (
      <Group gap={4}>
        {values.map((v) => (
          <Badge key={v} size="sm" variant="default">
            {v}
          </Badge>
        ))}
      </Group>
    );
  return (
    <Table aria-label="Canned responses" verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Key</Table.Th>
          <Table.Th>Title</Table.Th>
          <Table.Th>Segments</Table.Th>
          <Table.Th>Languages</Table.Th>
          <Table.Th>
            <VisuallyHidden>Actions</VisuallyHidden>
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {responses.map((r) => (
          <Table.Tr key={r.key}>
            <Table.Td>
              <Text size="sm" ff="monospace">
                {r.key}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{r.title}</Text>
            </Table.Td>
            <Table.Td>{scope(r.segments, 'any customer')}</Table.Td>
            <Table.Td>{scope(r.languages, 'any language')}</Table.Td>
            <Table.Td>
              <Button size="compact-sm" variant="subtle" onClick={() => onEdit(r.key)} aria-label={`Open ${r.title}`}>
                Open
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
