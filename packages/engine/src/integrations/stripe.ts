import { z } from 'zod';
import { customerIdOf, segmentMessageSchema, subscriptionTraits, toMajorUnits, type StripeSubscription } from '@strata/core';
import { findAccountByStripeCustomer, findAccountProfile, type WorkspaceScope } from '@strata/storage';
import { ingestMessages } from '../ingestion/index.js';
import { checkTimestamp, header, hmac, sameDigest } from './signatures.js';
import { invalid, type WebhookProvider, type WebhookResult } from './webhook-provider.js';

const event = z.object({
  id: z.string().min(1),
  type: z.string(),
  created: z.number(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
type StripeEvent = z.output<typeof event>;

const handled = new Set([
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.trial_will_end',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'customer.updated',
]);

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function metadataGroupId(object: Record<string, unknown>): string | undefined {
  const sources = [object['metadata'], (object['subscription_details'] as Record<string, unknown> | undefined)?.['metadata']];
  for (const metadata of sources)
    if (metadata && typeof metadata === 'object') return str((metadata as Record<string, unknown>)['group_id']);
  return undefined;
}

/**
 * The account a Stripe customer is: the one whose `stripe_customer_id` trait holds its id, else
 * the one the object's metadata `group_id` names, else a new account whose groupId is the id.
 */
async function groupIdFor(scope: WorkspaceScope, customerId: string, object: Record<string, unknown>): Promise<string> {
  return (await findAccountByStripeCustomer(scope, customerId)) ?? metadataGroupId(object) ?? customerId;
}

/** Account traits and the account event an event implies; undefined for events Strata does not use. */
async function effects(
  scope: WorkspaceScope,
  e: StripeEvent,
  groupId: string,
): Promise<{ traits: Record<string, unknown>; event?: { name: string; properties: Record<string, unknown> } }> {
  const object = e.data.object;
  switch (e.type) {
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const deleted = e.type === 'customer.subscription.deleted';
      const traits = subscriptionTraits(object as unknown as StripeSubscription, deleted);
      const name = deleted
        ? 'subscription_canceled'
        : e.type === 'customer.subscription.created'
          ? 'subscription_started'
          : 'subscription_updated';
      return {
        traits,
        event: {
          name,
          properties: { subscription_id: object['id'], plan: traits['plan'], mrr: traits['mrr'], status: traits['subscription_status'] },
        },
      };
    }
    case 'customer.subscription.trial_will_end': {
      const trialEnd = object['trial_end'];
      return {
        traits: typeof trialEnd === 'number' ? { trial_ends_at: new Date(trialEnd * 1000).toISOString() } : {},
        event: { name: 'trial_will_end', properties: { subscription_id: object['id'] } },
      };
    }
    case 'invoice.paid':
    case 'invoice.payment_succeeded': {
      const currency = str(object['currency']) ?? 'usd';
      const paid = typeof object['amount_paid'] === 'number' ? toMajorUnits(object['amount_paid'], currency) : 0;
      const traits: Record<string, unknown> = { delinquent: false };
      // The first invoice that took money; a $0 trial invoice is not one. Kept at the earliest.
      if (paid > 0) {
        const account = await findAccountProfile(scope, groupId);
        const known = account?.traits['first_invoice_at'];
        const at = new Date(e.created * 1000).toISOString();
        if (typeof known !== 'string' || known > at) traits['first_invoice_at'] = at;
      }
      return { traits, event: { name: 'invoice_paid', properties: { invoice_id: object['id'], amount: paid, currency } } };
    }
    case 'invoice.payment_failed': {
      const currency = str(object['currency']) ?? 'usd';
      const due = typeof object['amount_due'] === 'number' ? toMajorUnits(object['amount_due'], currency) : 0;
      return {
        traits: { delinquent: true },
        event: { name: 'payment_failed', properties: { invoice_id: object['id'], amount: due, currency } },
      };
    }
    case 'customer.updated': {
      const traits: Record<string, unknown> = {};
      if (typeof object['delinquent'] === 'boolean') traits['delinquent'] = object['delinquent'];
      if (str(object['currency'])) traits['currency'] = object['currency'];
      return { traits };
    }
    default:
      return { traits: {} };
  }
}

/** Stripe signs `t.body` with HMAC-SHA256; `Stripe-Signature: t=…,v1=…[,v1=…]`, any v1 may match. */
export const stripe: WebhookProvider = {
  name: 'stripe',
  signs: true,
  verify(rawBody, headers, secret, now) {
    const signature = header(headers, 'stripe-signature');
    if (!signature) return { ok: false, reason: 'missing-signature' };
    let timestamp: string | undefined;
    const candidates: string[] = [];
    for (const part of signature.split(',')) {
      const [key, value] = part.split('=', 2).map((s) => s.trim());
      if (key === 't') timestamp = value;
      else if (key === 'v1' && value) candidates.push(value);
    }
    if (!timestamp || !/^\d+$/.test(timestamp) || candidates.length === 0) return { ok: false, reason: 'malformed-signature' };
    const fresh = checkTimestamp(Number(timestamp) * 1000, now.getTime());
    if (!fresh.ok) return fresh;
    const expected = hmac('sha256', secret, `${timestamp}.`, rawBody);
    // Every candidate is compared, so the time taken does not tell which one matched.
    let matched = false;
    for (const candidate of candidates) matched = sameDigest(expected, candidate, 'hex') || matched;
    return matched ? { ok: true } : { ok: false, reason: 'bad-signature' };
  },
  async handle(scope, payload, _rawBody, suppressionKey): Promise<WebhookResult> {
    const parsed = event.safeParse(payload);
    if (!parsed.success) return invalid(parsed.error.issues);
    const e = parsed.data;
    if (!handled.has(e.type)) return { status: 'ignored', detail: `${e.type} is not used by Strata` };
    const object = e.data.object;
    const customerId =
      e.type === 'customer.updated'
        ? str(object['id'])
        : object['customer']
          ? customerIdOf(object as { customer: string | { id: string } })
          : undefined;
    if (!customerId) return { status: 'invalid', field: 'data.object.customer', message: 'the event names no Stripe customer' };
    const groupId = await groupIdFor(scope, customerId, object);
    const { traits, event: accountEvent } = await effects(scope, e, groupId);
    const at = new Date(e.created * 1000).toISOString();
    // Through ordinary ingestion: the event id makes the message ids, so a redelivery stores
    // nothing, and traits carry Stripe's event time, so an older event never overwrites a newer one.
    const messages: unknown[] = [
      { type: 'group', groupId, traits: { ...traits, stripe_customer_id: customerId }, timestamp: at, messageId: `stripe:${e.id}:traits` },
    ];
    if (accountEvent)
      messages.push({
        type: 'track',
        event: accountEvent.name,
        properties: accountEvent.properties,
        context: { groupId },
        timestamp: at,
        messageId: `stripe:${e.id}:event`,
      });
    const result = await ingestMessages(scope, {
      messages: messages.map((m) => segmentMessageSchema.parse(m)),
      receivedAt: scope.clock(),
      suppressionKey,
    });
    return result.stored === 0 ? { status: 'duplicate' } : { status: 'stored', detail: groupId };
  },
};
