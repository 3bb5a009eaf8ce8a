import { Button, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState, Loading } from '../../shell/PageState';
import { useCan } from './permissions';

/** The query key of GET /api/v1/workspace, shared with the business-hours page. */
export const workspaceKey = ['settings', 'workspace'] as const;
export const loadWorkspace = () => unwrap(api.GET('/api/v1/workspace'));
type Workspace = Awaited<ReturnType<typeof loadWorkspace>>;

/** /settings/workspace: the workspace's name and the timezone its calendar windows and days are in. */
export function WorkspacePage() {
  const workspace = useQuery({ queryKey: workspaceKey, queryFn: loadWorkspace });
  if (workspace.isPending) return <Loading label="Loading the workspace…" />;
  if (workspace.isError)
    return <ErrorState title="The workspace could not be loaded" error={workspace.error} onRetry={() => void workspace.refetch()} />;
  return <WorkspaceForm saved={workspace.data} />;
}

function WorkspaceForm({ saved }: { saved: Workspace }) {
  const can = useCan();
  const client = useQueryClient();
  const readOnly = !can('settings:write');
  const [name, setName] = useState(saved.name);
  const [timezone, setTimezone] = useState(saved.timezone);
  useEffect(() => {
    setName(saved.name);
    setTimezone(saved.timezone);
  }, [saved]);
  const zones = useMemo(() => {
    const all = Intl.supportedValuesOf('timeZone');
    return all.includes(saved.timezone) ? all : [saved.timezone, ...all];
  }, [saved.timezone]);
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH('/api/v1/workspace', { body: { name, timezone } })),
    onSuccess: ({ recomputed, ...workspace }) => {
      client.setQueryData(workspaceKey, workspace);
      void client.invalidateQueries({ queryKey: ['segments'] });
      const moved = recomputed.reduce((n, r) => n + r.entered + r.exited, 0);
      notify({
        color: 'teal',
        title: 'Workspace saved',
        message: recomputed.length
          ? `${recomputed.length} segment${recomputed.length === 1 ? '' : 's'} with calendar windows recomputed in ${workspace.timezone}: ${moved} ${moved === 1 ? 'member' : 'members'} entered or left.`
          : `Timezone ${workspace.timezone}.`,
      });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="workspace-title" maw={720}>
      <Title order={2} size="h4" id="workspace-title" mb={4}>
        Workspace
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Its address is <code>{saved.slug}</code> (in the command line&apos;s <code>--workspace</code>); it does not change.
      </Text>
      <Stack gap="md">
        <TextInput
          label="Name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
          maxLength={100}
          disabled={readOnly}
          w={320}
        />
        <Select
          label="Workspace timezone"
          description="Type to search, e.g. Berlin or New_York"
          data={zones}
          value={timezone}
          onChange={(v) => v && setTimezone(v)}
          searchable
          allowDeselect={false}
          disabled={readOnly}
          w={320}
          comboboxProps={{ withinPortal: true }}
        />
        <Text size="sm">
          Rules&apos; calendar windows (<code>within this month</code>, <code>last 2 calendar weeks</code>, and{' '}
          <code>in customer timezone</code> for customers without a timezone of their own) begin at midnight in this timezone, and so do the
          days of a segment&apos;s size chart. Saving a new timezone recomputes the segments with calendar windows at once: members may
          enter or leave them, with the usual webhooks. Rolling windows (<code>within last 30 days</code>) do not change.
        </Text>
        {save.isError && <ErrorState title="The workspace was not saved" error={save.error} />}
        {!readOnly && (
          <Button type="submit" loading={save.isPending} w="fit-content">
            Save workspace
          </Button>
        )}
      </Stack>
    </Paper>
  );
}
