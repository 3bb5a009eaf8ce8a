import { Badge, Button, Code, Group, NativeSelect, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState } from '../../shell/PageState';
import { CopyField } from './CopyField';
import { useCan } from './permissions';

const helpDesksKey = ['integrations', 'webhook-helpdesk'] as const;
const presets = [
  { value: 'freshservice', label: 'Freshservice' },
  { value: 'zoho-desk', label: 'Zoho Desk' },
] as const;

/**
 * Help desks that send tickets by webhook with a field mapping (Freshservice and Zoho Desk as
 * presets). A mapping of one's own is set through the API (docs/sources.md); this card connects a
 * preset and lists what is connected, each with the URL to paste into the help desk.
 */
export function HelpDeskWebhooks() {
  const can = useCan();
  const client = useQueryClient();
  const connected = useQuery({ queryKey: helpDesksKey, queryFn: () => unwrap(api.GET('/api/v1/integrations/webhook-helpdesk')) });
  const [key, setKey] = useState('');
  const [preset, setPreset] = useState<(typeof presets)[number]['value']>('freshservice');
  const [auth, setAuth] = useState<'token' | 'basic'>('token');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const connect = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/integrations/webhook-helpdesk/{key}', {
          params: { path: { key } },
          body: { preset, auth: auth === 'basic' ? { type: 'basic', username, password } : { type: 'token' } },
        }),
      ),
    onSuccess: (saved) => {
      setPassword('');
      void client.invalidateQueries({ queryKey: helpDesksKey });
      notify({ color: 'teal', title: `${saved.key} connected`, message: 'Paste its webhook URL into the help desk.' });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    connect.mutate();
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="helpdesk-webhooks-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="helpdesk-webhooks-title">
          Other help desks, by webhook
        </Title>
        {connected.isError ? (
          <ErrorState title="The help desks could not be loaded" error={connected.error} onRetry={() => void connected.refetch()} />
        ) : connected.data?.length === 0 ? (
          <Text size="sm">None connected. Tickets then carry the help desk&apos;s key as their source.</Text>
        ) : (
          connected.data?.map((h) => (
            <Stack key={h.key} gap={4}>
              <Group gap="xs">
                <Text size="sm" fw={600}>
                  {h.key}
                </Text>
                <Badge variant="default">{h.preset ?? 'own mapping'}</Badge>
                <Text size="xs">
                  {h.auth.type === 'token' ? 'the URL is the secret' : h.auth.type === 'basic' ? 'HTTP Basic' : 'HMAC signed'}
                </Text>
              </Group>
              <CopyField label={`the ${h.key} webhook URL`} value={h.webhookUrl} />
            </Stack>
          ))
        )}
        {can('integrations:write') && (
          <form onSubmit={submit}>
            <Group align="flex-end" gap="xs">
              <TextInput
                label="Key"
                description="its tickets' source"
                value={key}
                onChange={(e) => setKey(e.currentTarget.value)}
                required
                w={160}
              />
              <NativeSelect
                label="Help desk"
                value={preset}
                onChange={(e) => setPreset(e.currentTarget.value as typeof preset)}
                data={[...presets]}
              />
              <NativeSelect
                label="Authentication"
                value={auth}
                onChange={(e) => setAuth(e.currentTarget.value as typeof auth)}
                data={[
                  { value: 'token', label: 'The URL is the secret' },
                  { value: 'basic', label: 'HTTP Basic' },
                ]}
              />
              {auth === 'basic' && (
                <>
                  <TextInput label="User name" value={username} onChange={(e) => setUsername(e.currentTarget.value)} required w={140} />
                  <PasswordInput
                    label="Password"
                    value={password}
                    onChange={(e) => setPassword(e.currentTarget.value)}
                    required
                    minLength={8}
                    w={140}
                    autoComplete="off"
                  />
                </>
              )}
              <Button type="submit" loading={connect.isPending}>
                Connect help desk
              </Button>
            </Group>
            <Text size="xs" mt={4}>
              A mapping of your own (field paths, status and priority maps, HMAC signatures):{' '}
              <Code>PUT /api/v1/integrations/webhook-helpdesk/KEY</Code>, see docs/sources.md.
            </Text>
            {connect.isError && <ErrorState title="The help desk was not connected" error={connect.error} />}
          </form>
        )}
      </Stack>
    </Paper>
  );
}
