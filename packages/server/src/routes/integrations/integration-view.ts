import { z } from 'zod';
import type { IntegrationRow } from '@strata/storage';

export const integrationSchema = z.object({
  provider: z.string(),
  webhookUrl: z.string().describe("paste into the provider's webhook settings; it names this workspace"),
  hasSecret: z.boolean(),
  updatedAt: z.date(),
  lastDeliveryAt: z.date().nullable().describe('when the last delivery came, accepted or refused; null before the first'),
  deliveries: z.object({
    accepted: z.number().int().describe('deliveries answered 200 (duplicates and ignored events included)'),
    refused: z.number().int().describe('deliveries refused: bad signature, not JSON, an invalid field, …'),
  }),
  lastError: z
    .object({ at: z.date(), message: z.string().describe('why: the answer Strata gave the provider, never the payload') })
    .nullable()
    .describe('the last refused delivery'),
});

/**
 * The URL a provider posts to: `/webhooks/{provider}/{token}`, or for a help desk connected by
 * webhook (integration `helpdesk:{key}`), `/webhooks/helpdesk/{key}/{token}`.
 */
function webhookPath(row: IntegrationRow): string {
  return `/webhooks/${row.provider.replace(':', '/')}/${row.url_token}`;
}

/** An integration as the API shows it: never its secret. */
export function integrationView(row: IntegrationRow, base: string): z.output<typeof integrationSchema> {
  return {
    provider: row.provider,
    webhookUrl: `${base}${webhookPath(row)}`,
    hasSecret: row.secret_ciphertext !== null,
    updatedAt: row.updated_at,
    lastDeliveryAt: row.last_delivery_at,
    deliveries: { accepted: row.deliveries_accepted, refused: row.deliveries_refused },
    lastError: row.last_error_at && row.last_error !== null ? { at: row.last_error_at, message: row.last_error } : null,
  };
}
