import { z } from 'zod';
import { chargebeeSubscriptionTraits, segmentMessageSchema, toMajorUnits } from '@strata/core';
import { findAccountByChargebeeCustomer, findAccountProfile, type WorkspaceScope } from '@strata/storage';
import { ingestMessages } from '../ingestion/index.js';
import { checkBasicAuth } from './signatures.js';
import { invalid, type WebhookProvider, type WebhookResult } from './webhook-provider.js';

const seconds = z.number().int().nullish();
const amount = z.number().nullish();
/** The subscription fields Strata reads, typed so a malformed one is refused naming its field. */
const subscriptionSchema = z
  .object({
    id: z.string(),
    customer_id: z.string().min(1),
    status: z.string(),
    currency_code: z.string().nullish(),
    plan_id: z.string().nullish(),
    plan_quantity: amount,
    plan_unit_price: amount,
    plan_amount: amount,
    billing_period: amount,
    billing_period_unit: z.string().nullish(),
    addons: z.array(z.object({ quantity: amount, unit_price: amount, amount }).passthrough()).nullish(),
    subscription_items: z
      .array(
        z
          .object({ item_price_id: z.string().optional(), item_type: z.string().optional(), quantity: amount, unit_price: amount, amount })
          .passthrough(),
      )
      .nullish(),
    mrr: amount,
    trial_end: seconds,
    current_term_end: seconds,
    next_billing_at: seconds,
    cancelled_at: seconds,
  })
  .passthrough();

/** The event envelope Chargebee posts (API v2): `content` holds the resources the event is about. */
const event = z.object({
  id: z.string().min(1),
  occurred_at: z.number().int().positive(),
  event_type: z.string(),
  content: z.object({
    subscription: subscriptionSchema.optional(),
    customer: z
      .object({ id: z.string().min(1) })
      .passthrough()
      .optional(),
    invoice: z.object({ id: z.string() }).passthrough().optional(),
    transaction: z.object({ id: z.string() }).passthrough().optional(),
  }),
});
type ChargebeeEvent = z.output<typeof event>;
type Effects = { traits: Record<string, unknown>; event?: { name: string; properties: Record<string, unknown> } };

/** The subscription events and the account event each becomes. */
const subscriptionEvents: Record<string, string> = {
  subscription_created: 'subscription_started',
  subscription_activated: 'subscription_activated',
  subscription_changed: 'subscription_updated',
  subscription_cancelled: 'subscription_canceled',
  subscription_renewed: 'subscription_renewed',
};
const handled = new Set([
  ...Object.keys(subscriptionEvents),
  'subscription_trial_end_reminder',
  'payment_succeeded',
  'payment_failed',
  'customer_changed',
]);

/** The credentials Chargebee's webhook settings hold, stored sealed as this JSON. */
export const chargebeeCredentials = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(8).max(1000),
});
export type ChargebeeCredentials = z.output<typeof chargebeeCredentials>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function customerIdOf(e: ChargebeeEvent): string | undefined {
  const { subscription, customer, invoice, transaction } = e.content;
  return subscription?.customer_id ?? customer?.id ?? str(invoice?.['customer_id']) ?? str(transaction?.['customer_id']);
}

/** What was paid or is due, in major units, from the invoice (else the transaction) of a payment event. */
function payment(e: ChargebeeEvent, invoiceField: 'amount_paid' | 'amount_due'): { amount: number; currency: string } {
  const { invoice, transaction } = e.content;
  const currency = (str(invoice?.['currency_code']) ?? str(transaction?.['currency_code']) ?? 'usd').toLowerCase();
  const minor = num(invoice?.[invoiceField]) ?? num(transaction?.['amount']) ?? 0;
  return { amount: toMajorUnits(minor, currency), currency };
}

async function effects(scope: WorkspaceScope, e: ChargebeeEvent, groupId: string, at: Date): Promise<Effects> {
  const { subscription, customer, invoice } = e.content;
  const invoiceId = invoice?.id ?? null;
  const subscriptionEvent = subscriptionEvents[e.event_type];
  if (subscriptionEvent) {
    if (!subscription) return { traits: {} };
    const traits = chargebeeSubscriptionTraits(subscription, at);
    return {
      traits,
      event: {
        name: subscriptionEvent,
        properties: { subscription_id: subscription.id, plan: traits['plan'], mrr: traits['mrr'], status: traits['subscription_status'] },
      },
    };
  }
  switch (e.event_type) {
    case 'subscription_trial_end_reminder': {
      const trialEnd = num(subscription?.['trial_end']);
      return {
        traits: trialEnd === undefined ? {} : { trial_ends_at: new Date(trialEnd * 1000).toISOString() },
        event: { name: 'trial_will_end', properties: { subscription_id: subscription?.id ?? null } },
      };
    }
    case 'payment_succeeded': {
      const paid = payment(e, 'amount_paid');
      const traits: Record<string, unknown> = { delinquent: false };
      // The first payment that took money; kept at the earliest, whatever order events arrive in.
      if (paid.amount > 0) {
        const known = (await findAccountProfile(scope, groupId))?.traits['first_invoice_at'];
        if (typeof known !== 'string' || known > at.toISOString()) traits['first_invoice_at'] = at.toISOString();
      }
      return { traits, event: { name: 'invoice_paid', properties: { invoice_id: invoiceId, ...paid } } };
    }
    case 'payment_failed':
      return {
        traits: { delinquent: true },
        event: { name: 'payment_failed', properties: { invoice_id: invoiceId, ...payment(e, 'amount_due') } },
      };
    case 'customer_changed': {
      const currency = str(customer?.['preferred_currency_code']);
      return { traits: currency ? { currency: currency.toLowerCase() } : {} };
    }
    default:
      return { traits: {} };
  }
}

/**
 * Chargebee authenticates its webhooks with HTTP Basic, the username and password set in its
 * webhook settings; it does not sign bodies or timestamp them, so a replay is recognised by the
 * event id instead (the ids of the messages it becomes).
 */
export const chargebee: WebhookProvider = {
  name: 'chargebee',
  signs: true,
  verify(_rawBody, headers, secret) {
    return checkBasicAuth(headers, chargebeeCredentials.parse(JSON.parse(secret)));
  },
  async handle(scope, payload, _rawBody, suppressionKey): Promise<WebhookResult> {
    const parsed = event.safeParse(payload);
    if (!parsed.success) return invalid(parsed.error.issues);
    const e = parsed.data;
    if (!handled.has(e.event_type)) return { status: 'ignored', detail: `${e.event_type} is not used by Strata` };
    if (subscriptionEvents[e.event_type] && !e.content.subscription)
      return { status: 'invalid', field: 'content.subscription', message: `a ${e.event_type} event carries its subscription` };
    const customerId = customerIdOf(e);
    if (!customerId) return { status: 'invalid', field: 'content.customer', message: 'the event names no Chargebee customer' };
    const groupId = (await findAccountByChargebeeCustomer(scope, customerId)) ?? customerId;
    const at = new Date(e.occurred_at * 1000);
    const { traits, event: accountEvent } = await effects(scope, e, groupId, at);
    // As for Stripe: the event id makes the message ids, so a redelivery stores nothing, and the
    // traits carry the event's time, so an older event arriving late never overwrites a newer one.
    const messages: unknown[] = [
      {
        type: 'group',
        groupId,
        traits: { ...traits, chargebee_customer_id: customerId },
        timestamp: at.toISOString(),
        messageId: `chargebee:${e.id}:traits`,
      },
    ];
    if (accountEvent)
      messages.push({
        type: 'track',
        event: accountEvent.name,
        properties: accountEvent.properties,
        context: { groupId },
        timestamp: at.toISOString(),
        messageId: `chargebee:${e.id}:event`,
      });
    const result = await ingestMessages(scope, {
      messages: messages.map((m) => segmentMessageSchema.parse(m)),
      receivedAt: scope.clock(),
      suppressionKey,
    });
    return result.stored === 0 ? { status: 'duplicate' } : { status: 'stored', detail: groupId };
  },
};
