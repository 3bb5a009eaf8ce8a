import { Badge, Button, Checkbox, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { EmptyState, ErrorState, Loading } from '../../shell/PageState';
import { CopyField } from './CopyField';
import { when } from './when';

const scopes = [
  { value: 'ingest', label: 'ingest', hint: 'send events and traits to /v1' },
  { value: 'read', label: 'read', hint: 'read segments, people and accounts' },
  { value: 'admin', label: 'admin', hint: 'configure the workspace, as an admin user' },
] as const;
type Scope = (typeof scopes)[number]['value'];
const keysKey = ['keys'] as const;

/** /settings/keys: the workspace's API keys; a new key's secret is shown once, here. */
export function KeysPage() {
  const keys = useQuery({ queryKey: keysKey, queryFn: listKeys });
  const [created, setCreated] = useState<{ name: string; secret: string }>();
  return (
    <Stack gap="lg">
      <CreateKeyForm onCreated={setCreated} />
      {created && (
        <Paper withBorder p="md" role="status" className="done-panel">
          <Stack gap="xs">
            <Title order={3} size="h5">
              Key &quot;{created.name}&quot; created: copy its secret now
            </Title>
            <Text size="sm">Strata keeps only a hash of it: this is the only time the secret is shown.</Text>
            <CopyField label="the new key's secret" value={created.secret} />
            <Button size="xs" variant="default" onClick={() => setCreated(undefined)} w="fit-content">
              I have stored it
            </Button>
          </Stack>
        </Paper>
      )}
      <section aria-labelledby="keys-title">
        <Title order={2} size="h4" id="keys-title" mb="xs">
          Keys
        </Title>
        {keys.isPending ? (
          <Loading label="Loading the keys…" />
        ) : keys.isError ? (
          <ErrorState title="The keys could not be loaded" error={keys.error} onRetry={() => void keys.refetch()} />
        ) : keys.data.items.length === 0 ? (
          <EmptyState title="No API keys yet">
            Create one above for a script, a CDP or the SDKs: ingest to send events, read to query.
          </EmptyState>
        ) : (
          <KeysTable keys={keys.data.items} />
        )}
      </section>
    </Stack>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (key: { name: string; secret: string }) => void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Scope[]>(['ingest']);
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/keys', { body: { name, scopes: chosen } })),
    onSuccess: (key) => {
      onCreated({ name: key.name, secret: key.secret });
      setName('');
      void client.invalidateQueries({ queryKey: keysKey });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="new-key-title">
      <Title order={2} size="h4" id="new-key-title" mb="xs">
        New key
      </Title>
      <Group align="flex-start" gap="lg">
        <TextInput
          label="Name"
          description="To recognise the key by, e.g. the tool that uses it"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
          maxLength={100}
          w={280}
        />
        <Checkbox.Group label="Scopes" value={chosen} onChange={(v) => setChosen(v as Scope[])} required>
          <Stack gap={6} mt={6}>
            {scopes.map((s) => (
              <Checkbox key={s.value} value={s.value} label={`${s.label}: ${s.hint}`} />
            ))}
          </Stack>
        </Checkbox.Group>
      </Group>
      {create.isError && <ErrorState title="The key was not created" error={create.error} />}
      <Button type="submit" mt="md" loading={create.isPending} disabled={chosen.length === 0}>
        Create key
      </Button>
    </Paper>
  );
}

type Key = Awaited<ReturnType<typeof listKeys>>['items'][number];
const listKeys = () => unwrap(api.GET('/api/v1/keys'));

function KeysTable({ keys }: { keys: Key[] }) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Begins with</Table.Th>
            <Table.Th>Scopes</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.map((key) => (
            <Table.Tr key={key.id}>
              <Table.Td>{key.name}</Table.Td>
              <Table.Td>
                <code>{key.prefix}…</code>
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {key.scopes.map((s) => (
                    <Badge key={s} variant="default">
                      {s}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>{when(key.createdAt)}</Table.Td>
              <Table.Td>{when(key.lastUsedAt)}</Table.Td>
              <Table.Td>
                {key.revokedAt ? <Text size="sm">Revoked {when(key.revokedAt)}</Text> : <RevokeButton id={key.id} name={key.name} />}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Revoking is final, so it asks once more, in place (no modal: Mantine's injects a style element the CSP refuses). */
function RevokeButton({ id, name }: { id: string; name: string }) {
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const revoke = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/keys/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      notify({ color: 'teal', title: 'Key revoked', message: `"${name}" is refused from its next request.` });
      void client.invalidateQueries({ queryKey: keysKey });
    },
    onError: (error) => notify({ color: 'red', title: 'The key was not revoked', message: error.message }),
  });
  if (!asking)
    return (
      <Button size="compact-sm" variant="outline" color="red.9" onClick={() => setAsking(true)} aria-label={`Revoke ${name}`}>
        Revoke
      </Button>
    );
  return (
    <Group gap={4} wrap="nowrap">
      <Button
        size="compact-sm"
        color="red.9"
        loading={revoke.isPending}
        onClick={() => revoke.mutate()}
        aria-label={`Confirm revoking ${name}`}
      >
        Revoke for good
      </Button>
      <Button size="compact-sm" variant="default" onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </Group>
  );
}
