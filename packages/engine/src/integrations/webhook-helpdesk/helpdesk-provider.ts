import { z } from 'zod';
import { writeTicket } from '../../support/index.js';
import { checkBasicAuth, header, hmac, sameDigest } from '../signatures.js';
import { ticketResult } from '../ticket-result.js';
import type { WebhookProvider, WebhookResult } from '../webhook-provider.js';
import type { HelpDeskWebhookConfig } from './helpdesk-config.js';
import { mapDelivery } from './map-ticket.js';

const basicCredentials = z.object({ username: z.string(), password: z.string() });

/** The integration name of a help desk connected by webhook; its URL is `/webhooks/helpdesk/{key}/{token}`. */
export function helpDeskIntegrationName(key: string): string {
  return `helpdesk:${key}`;
}

/**
 * A help desk connected by webhook, as a provider like the built-in ones: its configured
 * authentication, then its field mapping; its tickets have `source` = its key.
 */
export function helpDeskWebhookProvider(key: string, config: HelpDeskWebhookConfig): WebhookProvider {
  const auth = config.auth;
  return {
    name: helpDeskIntegrationName(key),
    // A URL-token help desk has nothing else to check: the unguessable token authenticates.
    signs: auth.type !== 'token',
    verify(rawBody, headers, secret) {
      switch (auth.type) {
        case 'token':
          return { ok: true };
        case 'basic':
          return checkBasicAuth(headers, basicCredentials.parse(JSON.parse(secret)));
        case 'hmac': {
          const signature = header(headers, auth.header);
          if (!signature) return { ok: false, reason: 'missing-signature' };
          if (!signature.startsWith(auth.prefix)) return { ok: false, reason: 'malformed-signature' };
          const expected = hmac(auth.algorithm, secret, rawBody);
          return sameDigest(expected, signature.slice(auth.prefix.length).trim(), auth.encoding)
            ? { ok: true }
            : { ok: false, reason: 'bad-signature' };
        }
      }
    },
    async handle(scope, payload, _rawBody, suppressionKey): Promise<WebhookResult> {
      const mapping = mapDelivery(config, key, payload);
      if (!mapping.ok) return { status: 'invalid', field: mapping.field, message: mapping.message };
      const results: WebhookResult[] = [];
      for (const t of mapping.tickets) {
        const outcome = await writeTicket(scope, {
          suppressionKey,
          source: key,
          externalId: t.externalId,
          requester: t.requester,
          subject: t.subject,
          description: t.description,
          status: t.status,
          priority: t.priority,
          channel: t.channel,
          tags: t.tags,
          createdAt: t.createdAt,
          updatedAt: t.updatedAt,
          delivery: { provider: helpDeskIntegrationName(key), eventId: t.eventId },
        });
        results.push(ticketResult(outcome));
      }
      return combined(results);
    },
  };
}

/** One answer for a delivery of several events: stored when any was, naming the tickets. */
function combined(results: WebhookResult[]): WebhookResult {
  if (results.length === 1) return results[0]!;
  const stored = results.flatMap((r) => (r.status === 'stored' ? [r.detail ?? ''] : []));
  if (stored.length > 0) return { status: 'stored', detail: stored.join(',') };
  return results.every((r) => r.status === 'duplicate')
    ? { status: 'duplicate' }
    : { status: 'ignored', detail: 'every event was older or known' };
}
