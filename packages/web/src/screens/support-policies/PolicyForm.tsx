import { Button, Group, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState } from '../../shell/PageState';
import { RuleEditor } from '../segment-editor/RuleEditor';
import { RuleProblems } from '../segment-editor/RuleProblems';
import { fieldSchemaOf, lintRule } from '../segment-editor/rule-language';
import { policiesKey, priorities, type Policy, type Priority, type SlaPolicy } from './support-policy-queries';

/** Creates or edits one support policy: its rule about the ticket, checked as typed, what it sets, and a preview of the open tickets it would change. */
export function PolicyForm({ policy, slas, onDone }: { policy: Policy | undefined; slas: SlaPolicy[]; onDone: () => void }) {
  const client = useQueryClient();
  const fields = useQuery({ queryKey: ['fields'], queryFn: () => unwrap(api.GET('/api/v1/fields')), staleTime: 60_000 });
  const schema = useMemo(() => (fields.data ? fieldSchemaOf(fields.data) : undefined), [fields.data]);
  const [key, setKey] = useState(policy?.key ?? '');
  const [name, setName] = useState(policy?.name ?? '');
  const [position, setPosition] = useState<number>(policy?.position ?? 10);
  const [when, setWhen] = useState(policy?.when ?? '');
  const [priority, setPriority] = useState<string | null>(policy?.set.priority ?? null);
  const [sla, setSla] = useState<string | null>(policy?.set.sla ?? null);
  const [queue, setQueue] = useState(policy?.set.queue ?? '');
  const [tags, setTags] = useState((policy?.set.tags ?? []).join(', '));
  const problems = useMemo(() => (schema ? lintRule(when, 'ticket', schema) : []), [when, schema]);
  const body = () => {
    const tagList = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    return {
      name,
      position,
      when,
      set: {
        ...(priority ? { priority: priority as Priority } : {}),
        ...(sla ? { sla } : {}),
        ...(queue.trim() ? { queue: queue.trim() } : {}),
        ...(tagList.length > 0 ? { tags: tagList } : {}),
      },
    };
  };
  const preview = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/support-policies/preview', { body: { ...body(), key: key || 'preview' } })),
  });
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT('/api/v1/support-policies/{key}', { params: { path: { key } }, body: body() })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: policiesKey });
      notify({ color: 'teal', title: 'Support policy saved', message: 'Open tickets are being decided again.' });
      onDone();
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/support-policies/{key}', { params: { path: { key } } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: policiesKey });
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const ready = schema !== undefined && when.trim() !== '' && problems.length === 0 && name.trim() !== '' && key !== '';
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="policy-form-title">
      <Title order={2} size="h4" id="policy-form-title" mb="md">
        {policy ? `Edit ${policy.name}` : 'New support policy'}
      </Title>
      <Stack gap="md">
        <Group align="flex-start">
          <TextInput
            label="Key"
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            disabled={policy !== undefined}
            required
            w={220}
          />
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required w={300} />
          <NumberInput label="Position" value={position} onChange={(v) => setPosition(Number(v) || 0)} min={0} w={120} />
        </Group>
        <div>
          <Text size="sm" fw={500} id="when-label">
            When (a rule about the ticket)
          </Text>
          <Text size="xs" c="dimmed" mb={4}>
            Ticket fields (channel, sentiment, language, priority ...), person.FIELD, account.FIELD and in segment &quot;KEY&quot;.
          </Text>
          <RuleEditor
            value={when}
            onChange={setWhen}
            target="ticket"
            fields={fields.data}
            schema={schema}
            segmentKey={undefined}
            label="When (a rule about the ticket)"
          />
          <RuleProblems id="when-problems" text={when} problems={problems} checking={!schema} onFix={setWhen} />
        </div>
        <Group align="flex-start">
          <Select label="Set priority" data={[...priorities]} value={priority} onChange={setPriority} clearable w={160} />
          <Select
            label="Set SLA"
            data={slas.map((s) => ({ value: s.key, label: s.name }))}
            value={sla}
            onChange={setSla}
            clearable
            w={200}
          />
          <TextInput label="Set queue" value={queue} onChange={(e) => setQueue(e.currentTarget.value)} w={180} />
          <TextInput label="Add tags" description="comma-separated" value={tags} onChange={(e) => setTags(e.currentTarget.value)} w={220} />
        </Group>
        {preview.isSuccess && (
          <div aria-live="polite">
            <Text size="sm" fw={500}>
              {preview.data.changed} of {preview.data.openTickets} open tickets would change.
            </Text>
            {preview.data.samples.length > 0 && (
              <Table aria-label="Open tickets that would change" verticalSpacing={2}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Ticket</Table.Th>
                    <Table.Th>Priority</Table.Th>
                    <Table.Th>SLA</Table.Th>
                    <Table.Th>Queue</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.data.samples.map((s) => (
                    <Table.Tr key={s.id}>
                      <Table.Td>
                        <Text size="xs" ff="monospace">
                          {s.id}
                        </Text>
                      </Table.Td>
                      <Table.Td>{`${s.before.priority ?? '—'} → ${s.after.priority ?? '—'}`}</Table.Td>
                      <Table.Td>{`${s.before.sla?.key ?? '—'} → ${s.after.sla?.key ?? '—'}`}</Table.Td>
                      <Table.Td>{`${s.before.queue ?? '—'} → ${s.after.queue ?? '—'}`}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </div>
        )}
        {preview.isError && <ErrorState title="The preview failed" error={preview.error} />}
        {save.isError && <ErrorState title="The policy was not saved" error={save.error} />}
        <Group>
          <Button variant="default" onClick={() => preview.mutate()} loading={preview.isPending} disabled={!ready}>
            Preview
          </Button>
          <Button type="submit" loading={save.isPending} disabled={!ready}>
            Save policy
          </Button>
          {policy && (
            <Button color="red" variant="light" onClick={() => remove.mutate()} loading={remove.isPending}>
              Delete policy
            </Button>
          )}
          <Button variant="subtle" onClick={onDone}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
