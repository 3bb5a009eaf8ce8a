import { chargebee } from './chargebee.js';
import { delighted } from './delighted.js';
import { freshdesk } from './freshdesk.js';
import { intercom } from './intercom.js';
import { stripe } from './stripe.js';
import type { WebhookProvider } from './webhook-provider.js';
import { zendesk } from './zendesk.js';

/** Every provider that can post webhooks to Strata, by the name in its URL. */
export const webhookProviders: Record<string, WebhookProvider> = { stripe, chargebee, zendesk, freshdesk, intercom, delighted };
export const providerNames = ['stripe', 'chargebee', 'zendesk', 'freshdesk', 'intercom', 'delighted'] as const;
export type ProviderName = (typeof providerNames)[number];
