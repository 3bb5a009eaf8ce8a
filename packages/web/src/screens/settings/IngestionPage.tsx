import { Button, Checkbox, Code, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState, Loading } from '../../shell/PageState';
import { useCan } from './permissions';

const ingestionKey = ['settings', 'ingestion'] as const;
const loadIngestion = () => unwrap(api.GET('/api/v1/settings/ingestion'));
type Ingestion = Awaited<ReturnType<typeof loadIngestion>>;

/** /settings/ingestion: the web pages allowed to send events from a browser (Segment's or PostHog's client), and whether events keep the sender's IP. */
export function IngestionPage() {
  const settings = useQuery({ queryKey: ingestionKey, queryFn: loadIngestion });
  if (settings.isPending) return <Loading label="Loading the ingestion settings…" />;
  if (settings.isError)
    return <ErrorState title="The ingestion settings could not be loaded" error={settings.error} onRetry={() => void settings.refetch()} />;
  return <IngestionForm saved={settings.data} />;
}

function IngestionForm({ saved }: { saved: Ingestion }) {
  const can = useCan();
  const client = useQueryClient();
  const readOnly = !can('settings:write');
  const [origins, setOrigins] = useState(saved.allowedOrigins.join('\n'));
  const [allowIp, setAllowIp] = useState(saved.allowIp);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/settings/ingestion', {
          body: {
            allowedOrigins: origins
              .split('\n')
              .map((o) => o.trim())
              .filter(Boolean),
            allowIp,
          },
        }),
      ),
    onSuccess: (stored) => {
      client.setQueryData(ingestionKey, stored);
      setOrigins(stored.allowedOrigins.join('\n'));
      notify({
        color: 'teal',
        title: 'Ingestion settings saved',
        message:
          stored.allowedOrigins.length === 0
            ? 'No web page may send events now.'
            : `${stored.allowedOrigins.length} origin(s) may send events.`,
      });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="ingestion-title" maw={720}>
      <Stack gap="sm">
        <Title order={2} size="h4" id="ingestion-title">
          Browser ingestion
        </Title>
        <Text size="sm">
          Web pages send events with Segment&apos;s browser client (<Code>@segment/analytics-next</Code>) or PostHog&apos;s (
          <Code>posthog-js</Code>) pointed at Strata, with a write key that can only ingest. Only the origins listed here may; none listed
          means no browser ingestion. <Code>*</Code> allows any page, and only when written here.
        </Text>
        <Textarea
          label="Allowed origins, one per line"
          description="scheme, host and port, such as https://app.example.com"
          placeholder="https://app.example.com"
          value={origins}
          onChange={(e) => setOrigins(e.currentTarget.value)}
          autosize
          minRows={3}
          readOnly={readOnly}
        />
        <Checkbox
          label="Keep the sender's IP address on events (context.ip); off, it is dropped before storing"
          checked={allowIp}
          onChange={(e) => setAllowIp(e.currentTarget.checked)}
          disabled={readOnly}
        />
        {save.isError && <ErrorState title="The ingestion settings were not saved" error={save.error} />}
        {!readOnly && (
          <div>
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </div>
        )}
      </Stack>
    </Paper>
  );
}
