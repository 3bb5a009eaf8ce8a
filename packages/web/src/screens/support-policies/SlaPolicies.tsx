import { Button, Checkbox, Group, NumberInput, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState } from '../../shell/PageState';
import { priorities, slaKey, type SlaPolicy } from './support-policy-queries';

type Targets = Record<string, { firstResponseMinutes: number | ''; resolutionMinutes: number | '' }>;

/** The SLA policies: minutes to first response and resolution per priority, in business hours or around the clock. */
export function SlaPolicies({ slas, writable }: { slas: SlaPolicy[]; writable: boolean }) {
  const client = useQueryClient();
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [businessHours, setBusinessHours] = useState(true);
  const [targets, setTargets] = useState<Targets>(
    Object.fromEntries(priorities.map((p) => [p, { firstResponseMinutes: '', resolutionMinutes: '' }])),
  );
  const set = (priority: string, field: 'firstResponseMinutes' | 'resolutionMinutes', value: number | '') =>
    setTargets((t) => ({ ...t, [priority]: { ...t[priority]!, [field]: value } }));
  const save = useMutation({
    mutationFn: () => {
      const given = Object.entries(targets).filter(([, t]) => t.firstResponseMinutes !== '' && t.resolutionMinutes !== '');
      const body = {
        name,
        businessHours,
        targets: Object.fromEntries(
          given.map(([p, t]) => [
            p,
            { firstResponseMinutes: Number(t.firstResponseMinutes), resolutionMinutes: Number(t.resolutionMinutes) },
          ]),
        ),
      };
      return unwrap(api.PUT('/api/v1/sla-policies/{key}', { params: { path: { key } }, body }));
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: slaKey });
      notify({ color: 'teal', title: 'SLA policy saved', message: `${name} can now be set by support policies.` });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="sla-title">
      <Title order={2} size="h4" id="sla-title" mb={4}>
        SLA policies
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Due times count from a ticket&apos;s creation, in business hours and holidays when set.
      </Text>
      {slas.length > 0 && (
        <Table aria-label="SLA policies" verticalSpacing={4} mb="md">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>SLA</Table.Th>
              <Table.Th>Counts</Table.Th>
              {priorities.map((p) => (
                <Table.Th key={p}>{p}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {slas.map((s) => (
              <Table.Tr key={s.key}>
                <Table.Td>{s.name}</Table.Td>
                <Table.Td>{s.businessHours ? 'business hours' : 'around the clock'}</Table.Td>
                {priorities.map((p) => {
                  const target = s.targets[p];
                  return <Table.Td key={p}>{target ? `${target.firstResponseMinutes} / ${target.resolutionMinutes} min` : '—'}</Table.Td>;
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {writable && (
        <form onSubmit={submit} aria-label="New SLA policy">
          <Stack gap="sm">
            <Group align="flex-end">
              <TextInput label="SLA key" value={key} onChange={(e) => setKey(e.currentTarget.value)} required w={180} />
              <TextInput label="SLA name" value={name} onChange={(e) => setName(e.currentTarget.value)} required w={220} />
              <Checkbox label="In business hours" checked={businessHours} onChange={(e) => setBusinessHours(e.currentTarget.checked)} />
            </Group>
            {priorities.map((p) => (
              <Group key={p} align="flex-end">
                <Text size="sm" w={70}>
                  {p}
                </Text>
                <NumberInput
                  label={`${p}: first response (minutes)`}
                  value={targets[p]!.firstResponseMinutes}
                  onChange={(v) => set(p, 'firstResponseMinutes', v === '' ? '' : Number(v))}
                  min={1}
                  w={230}
                />
                <NumberInput
                  label={`${p}: resolution (minutes)`}
                  value={targets[p]!.resolutionMinutes}
                  onChange={(v) => set(p, 'resolutionMinutes', v === '' ? '' : Number(v))}
                  min={1}
                  w={230}
                />
              </Group>
            ))}
            {save.isError && <ErrorState title="The SLA policy was not saved" error={save.error} />}
            <Button type="submit" loading={save.isPending} w="fit-content">
              Save SLA policy
            </Button>
          </Stack>
        </form>
      )}
    </Paper>
  );
}
