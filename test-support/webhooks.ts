import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import type { createTestApp } from './test-server.js';

const stripeHelper = new Stripe('sk_test_unused').webhooks;

/** Headers that sign `body` the way each provider does, at `atSeconds` (Stripe with its own test helper). */
export function signWebhook(provider: string, body: string, secret: string, atSeconds: number): Record<string, string> {
  switch (provider) {
    case 'stripe':
      return { 'stripe-signature': stripeHelper.generateTestHeaderString({ payload: body, secret, timestamp: atSeconds }) };
    case 'zendesk': {
      const timestamp = new Date(atSeconds * 1000).toISOString();
      return {
        'x-zendesk-webhook-signature': createHmac('sha256', secret).update(timestamp).update(body).digest('base64'),
        'x-zendesk-webhook-signature-timestamp': timestamp,
      };
    }
    case 'intercom':
      return { 'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}` };
    case 'delighted':
      return { 'x-delighted-webhook-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` };
    default:
      return {};
  }
}

/** Connects every provider to the key's workspace; answers each webhook path. */
export async function connectIntegrations(
  app: Awaited<ReturnType<typeof createTestApp>>,
  adminKey: string,
  secret: string,
): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const provider of ['stripe', 'zendesk', 'intercom', 'delighted', 'freshdesk']) {
    const response = await app.inject({
      method: 'PUT',
      url: `/api/v1/integrations/${provider}`,
      headers: { authorization: `Bearer ${adminKey}` },
      payload: provider === 'freshdesk' ? {} : { secret },
    });
    if (response.statusCode !== 200) throw new Error(`connecting ${provider}: ${response.body}`);
    paths.set(provider, new URL(response.json<{ webhookUrl: string }>().webhookUrl).pathname);
  }
  return paths;
}
