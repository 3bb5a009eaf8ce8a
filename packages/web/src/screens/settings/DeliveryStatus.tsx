import { Alert, Group, Text } from '@mantine/core';
import { ago } from './ago';
import { when } from './when';

/** What a connected integration says about its deliveries (GET /api/v1/integrations/{provider}). */
export interface Deliveries {
  lastDeliveryAt: string | null;
  deliveries: { accepted: number; refused: number };
  lastError: { at: string; message: string } | null;
}

/** Whether the provider reaches Strata: the last delivery, the counts, and the last refusal with its reason. */
export function DeliveryStatus({ label, integration }: { label: string; integration: Deliveries }) {
  const { lastDeliveryAt, deliveries, lastError } = integration;
  if (!lastDeliveryAt)
    return (
      <Text size="sm" role="status">
        No delivery yet: paste the URL into {label}&apos;s webhook settings.
      </Text>
    );
  return (
    <>
      <Group gap="xs" role="status" aria-label={`${label} deliveries`}>
        <Text size="sm">
          Last delivery <time dateTime={lastDeliveryAt}>{ago(lastDeliveryAt)}</time>
        </Text>
        <Text size="sm" c="dimmed">
          · {deliveries.accepted} accepted · {deliveries.refused} refused
        </Text>
      </Group>
      {lastError && (
        <Alert color="red" variant="light" p="xs" role="note" title={`Last refused ${when(lastError.at)}`}>
          <Text size="sm">{lastError.message}</Text>
        </Alert>
      )}
    </>
  );
}
