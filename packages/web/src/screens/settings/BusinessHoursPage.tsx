import { Anchor, Button, Checkbox, Group, Paper, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState, Loading } from '../../shell/PageState';
import { useCan } from './permissions';
import { loadWorkspace, workspaceKey } from './WorkspacePage';

const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const hoursKey = ['settings', 'business-hours'] as const;
type Hours = Awaited<ReturnType<typeof loadHours>>;
const loadHours = () => unwrap(api.GET('/api/v1/settings/business-hours'));

/** /settings/business-hours: the hours and holidays first-response and resolution times count in, and their timezone. */
export function BusinessHoursPage() {
  const hours = useQuery({ queryKey: hoursKey, queryFn: loadHours });
  if (hours.isPending) return <Loading label="Loading the business hours…" />;
  if (hours.isError)
    return <ErrorState title="The business hours could not be loaded" error={hours.error} onRetry={() => void hours.refetch()} />;
  return <HoursForm saved={hours.data} />;
}

function HoursForm({ saved }: { saved: Hours }) {
  const can = useCan();
  const client = useQueryClient();
  const readOnly = !can('settings:write');
  const [timezone, setTimezone] = useState(saved.timezone);
  const [workingDays, setWorkingDays] = useState(saved.workingDays.map(String));
  const [start, setStart] = useState(saved.start);
  const [end, setEnd] = useState(saved.end);
  const [holidays, setHolidays] = useState(saved.holidays.join('\n'));
  useEffect(() => {
    setTimezone(saved.timezone);
    setWorkingDays(saved.workingDays.map(String));
    setStart(saved.start);
    setEnd(saved.end);
    setHolidays(saved.holidays.join('\n'));
  }, [saved]);
  const zones = useMemo(() => {
    const all = Intl.supportedValuesOf('timeZone');
    return all.includes(saved.timezone) ? all : [saved.timezone, ...all];
  }, [saved.timezone]);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/settings/business-hours', {
          body: {
            timezone,
            workingDays: workingDays.map(Number).sort(),
            start,
            end,
            holidays: holidays
              .split(/[\s,]+/)
              .map((d) => d.trim())
              .filter(Boolean),
          },
        }),
      ),
    onSuccess: (hours) => {
      client.setQueryData(hoursKey, hours);
      notify({ color: 'teal', title: 'Business hours saved', message: 'They apply to tickets changed from now on.' });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="hours-title" maw={720}>
      <Title order={2} size="h4" id="hours-title" mb={4}>
        Business hours and holidays
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        First-response and resolution times of tickets count only these hours.
      </Text>
      <Stack gap="md">
        <Select
          label="Timezone of the business hours"
          data={zones}
          value={timezone}
          onChange={(v) => v && setTimezone(v)}
          searchable
          allowDeselect={false}
          disabled={readOnly}
          w={320}
          comboboxProps={{ withinPortal: true }}
        />
        <Checkbox.Group label="Working days" value={workingDays} onChange={setWorkingDays}>
          <Group gap="md" mt={6}>
            {days.map((day, i) => (
              <Checkbox key={day} value={String(i + 1)} label={day} disabled={readOnly} />
            ))}
          </Group>
        </Checkbox.Group>
        <Group>
          <TextInput
            label="Opens at"
            type="time"
            value={start}
            onChange={(e) => setStart(e.currentTarget.value)}
            required
            disabled={readOnly}
            w={140}
          />
          <TextInput
            label="Closes at"
            type="time"
            value={end}
            onChange={(e) => setEnd(e.currentTarget.value)}
            required
            disabled={readOnly}
            w={140}
          />
        </Group>
        <Textarea
          label="Holidays"
          description="One date a line, as YYYY-MM-DD; no hours count on them"
          value={holidays}
          onChange={(e) => setHolidays(e.currentTarget.value)}
          autosize
          minRows={3}
          maxRows={10}
          disabled={readOnly}
          w={320}
        />
        {save.isError && <ErrorState title="The business hours were not saved" error={save.error} />}
        {!readOnly && (
          <Button type="submit" loading={save.isPending} w="fit-content">
            Save business hours
          </Button>
        )}
        <WorkspaceTimezone />
      </Stack>
    </Paper>
  );
}

/** How these hours relate to the workspace's own timezone, which is set on the Workspace page. */
function WorkspaceTimezone() {
  const workspace = useQuery({ queryKey: workspaceKey, queryFn: loadWorkspace });
  return (
    <div>
      <Title order={3} size="h5">
        Workspace timezone
      </Title>
      <Text size="sm">
        These hours have their own timezone, which starts as the workspace&apos;s
        {workspace.data ? <> (now {workspace.data.timezone})</> : null} but does not follow it. The workspace timezone, set on the{' '}
        <Anchor component={Link} to="/settings/workspace">
          Workspace page
        </Anchor>
        , is where rules&apos; calendar windows (&quot;within this month&quot;) and a segment&apos;s days begin.
      </Text>
    </div>
  );
}
