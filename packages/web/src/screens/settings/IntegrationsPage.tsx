import { Badge, Button, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState } from '../../shell/PageState';
import { CopyField } from './CopyField';
import { HelpDeskWebhooks } from './HelpDeskWebhooks';
import { DeliveryStatus } from './DeliveryStatus';
import { useCan } from './permissions';
import { when } from './when';

/** Each provider Strata takes webhooks from, and what its secret is called there (docs/integrations.md says where to find it). */
const providers = [
  { name: 'stripe', label: 'Stripe', secret: 'Signing secret (whsec_…)', signs: true },
  { name: 'zendesk', label: 'Zendesk', secret: 'Webhook signing secret', signs: true },
  { name: 'intercom', label: 'Intercom', secret: 'Client secret', signs: true },
  { name: 'delighted', label: 'Delighted', secret: 'Webhook secret', signs: true },
  { name: 'freshdesk', label: 'Freshdesk', secret: 'Freshdesk does not sign its webhooks; the URL is the secret', signs: false },
  {
    name: 'chargebee',
    label: 'Chargebee',
    secret: 'Chargebee sends the user name and password set here with each webhook (HTTP Basic): enter the same in its webhook settings',
    signs: false,
  },
] as const;
/** Providers that authenticate deliveries with a user name and password (HTTP Basic) rather than a signature. */
const basicAuth: ReadonlySet<string> = new Set(['chargebee']);
type Provider = (typeof providers)[number];

/** /settings/integrations: each provider's webhook URL to paste into it, its signing secret, and whether its deliveries arrive. */
export function IntegrationsPage() {
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Connect a provider, then paste its webhook URL into the provider's webhook settings. The URL names this workspace; the secret proves
        each delivery came from the provider.
      </Text>
      {/* A CSS grid, not SimpleGrid: its responsive columns come as a <style> element the CSP refuses. */}
      <div className="integrations-grid">
        {providers.map((p) => (
          <ProviderCard key={p.name} provider={p} />
        ))}
      </div>
      <HelpDeskWebhooks />
    </Stack>
  );
}

function ProviderCard({ provider }: { provider: Provider }) {
  const can = useCan();
  const client = useQueryClient();
  const queryKey = ['integrations', provider.name];
  const integration = useQuery({
    queryKey,
    queryFn: async () => {
      try {
        return await unwrap(api.GET('/api/v1/integrations/{provider}', { params: { path: { provider: provider.name } } }));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    // Deliveries arrive while the page is open: it catches up on its own.
    refetchInterval: 30_000,
  });
  const [secret, setSecret] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const basic = basicAuth.has(provider.name);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/integrations/{provider}', {
          params: { path: { provider: provider.name } },
          body: basic ? { username, password } : secret ? { secret } : {},
        }),
      ),
    onSuccess: (saved) => {
      setSecret('');
      setPassword('');
      client.setQueryData(queryKey, saved);
      notify({ color: 'teal', title: `${provider.label} connected`, message: 'Paste the webhook URL into its settings.' });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const titleId = `integration-${provider.name}`;
  const connected = integration.data;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={titleId} mih={200}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id={titleId}>
          {provider.label}
        </Title>
        {integration.isSuccess && (
          <Badge variant={connected ? 'filled' : 'default'} color="dark">
            {connected ? 'connected' : 'not connected'}
          </Badge>
        )}
      </Group>
      {integration.isPending ? (
        <Text size="sm" c="dimmed" role="status">
          Loading…
        </Text>
      ) : integration.isError ? (
        <ErrorState title={`${provider.label} could not be loaded`} error={integration.error} onRetry={() => void integration.refetch()} />
      ) : (
        <Stack gap="sm">
          {connected ? (
            <>
              <CopyField label={`the ${provider.label} webhook URL`} value={connected.webhookUrl} />
              <Text size="sm" c="dimmed">
                {basic ? 'User name and password set' : connected.hasSecret ? 'Signing secret set' : 'No signing secret'} · changed{' '}
                {when(connected.updatedAt)}
              </Text>
              <DeliveryStatus label={provider.label} integration={connected} />
            </>
          ) : (
            <Text size="sm">
              Not connected yet.{' '}
              {!can('integrations:write')
                ? 'An admin or ops member can connect it.'
                : provider.signs
                  ? 'Set the secret below to get the webhook URL.'
                  : 'Connect it to get the webhook URL.'}
            </Text>
          )}
          {can('integrations:write') && (
            <form onSubmit={submit}>
              <Group align="flex-end" gap="xs">
                {provider.signs && (
                  <PasswordInput
                    label={connected?.hasSecret ? `New ${provider.secret.toLowerCase()}` : provider.secret}
                    value={secret}
                    onChange={(e) => setSecret(e.currentTarget.value)}
                    required
                    minLength={8}
                    w={260}
                    autoComplete="off"
                  />
                )}
                {basic && (
                  <>
                    <TextInput
                      label={`${provider.label} user name`}
                      value={username}
                      onChange={(e) => setUsername(e.currentTarget.value)}
                      required
                      w={180}
                      autoComplete="off"
                    />
                    <PasswordInput
                      label={`${provider.label} password`}
                      value={password}
                      onChange={(e) => setPassword(e.currentTarget.value)}
                      required
                      minLength={8}
                      w={180}
                      autoComplete="off"
                    />
                  </>
                )}
                <Button type="submit" variant={connected ? 'light' : 'filled'} loading={save.isPending}>
                  {!connected ? 'Connect' : provider.signs ? 'Rotate secret' : basic ? 'Change password' : 'Save'}
                </Button>
              </Group>
              {!provider.signs && (
                <Text size="xs" c="dimmed" mt={4}>
                  {provider.secret}.
                </Text>
              )}
              {save.isError && <ErrorState title={`${provider.label} was not saved`} error={save.error} />}
            </form>
          )}
        </Stack>
      )}
    </Paper>
  );
}
