import { toMajorUnits } from './subscription.js';

/**
 * What a Chargebee subscription means for an account: the same traits Stripe's keep current.
 * Only the fields read here are typed (Chargebee API v2); product catalog 1.0 sites send
 * `plan_id`/`plan_amount`/`addons`, 2.0 sites `subscription_items`. Amounts are in the currency's
 * minor units, as Stripe's are.
 */
export interface ChargebeeSubscription {
  id: string;
  customer_id: string;
  status: string;
  currency_code?: string | null | undefined;
  plan_id?: string | null | undefined;
  plan_quantity?: number | null | undefined;
  plan_unit_price?: number | null | undefined;
  plan_amount?: number | null | undefined;
  billing_period?: number | null | undefined;
  billing_period_unit?: string | null | undefined;
  addons?:
    | Array<{
        id?: string | undefined;
        quantity?: number | null | undefined;
        unit_price?: number | null | undefined;
        amount?: number | null | undefined;
      }>
    | null
    | undefined;
  subscription_items?:
    | Array<{
        item_price_id?: string | undefined;
        item_type?: string | undefined;
        quantity?: number | null | undefined;
        unit_price?: number | null | undefined;
        amount?: number | null | undefined;
      }>
    | null
    | undefined;
  /** Chargebee's own figure for the subscription, in minor units a month; preferred when given. */
  mrr?: number | null | undefined;
  trial_end?: number | null | undefined;
  current_term_end?: number | null | undefined;
  next_billing_at?: number | null | undefined;
  cancelled_at?: number | null | undefined;
}

const monthsPer: Record<string, number> = { day: 12 / 365, week: 12 / 52, month: 1, year: 12 };

/** Chargebee's statuses folded onto Stripe's names; `future` and `paused` pass through. */
export function chargebeeStatus(status: string): string {
  switch (status) {
    case 'in_trial':
      return 'trialing';
    case 'non_renewing':
      return 'active'; // still paid for until the term ends; renews_at is null and canceled_at says when it ends
    case 'cancelled':
    case 'transferred':
      return 'canceled';
    default:
      return status;
  }
}

function isoSeconds(seconds: number | null | undefined): string | null {
  return seconds == null ? null : new Date(seconds * 1000).toISOString();
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The recurring amount billed each period, in minor units: the plan and addons; one-off charges are not recurring. */
function periodAmount(subscription: ChargebeeSubscription): number {
  const items = subscription.subscription_items ?? [];
  if (items.length > 0)
    return items
      .filter((item) => item.item_type !== 'charge')
      .reduce((sum, item) => sum + (item.amount ?? (item.unit_price ?? 0) * (item.quantity ?? 1)), 0);
  const plan = subscription.plan_amount ?? (subscription.plan_unit_price ?? 0) * (subscription.plan_quantity ?? 1);
  const addons = (subscription.addons ?? []).reduce((sum, a) => sum + (a.amount ?? (a.unit_price ?? 0) * (a.quantity ?? 1)), 0);
  return plan + addons;
}

function monthlyMinor(subscription: ChargebeeSubscription): number {
  if (typeof subscription.mrr === 'number') return subscription.mrr;
  const months = (monthsPer[subscription.billing_period_unit ?? 'month'] ?? 1) * (subscription.billing_period ?? 1);
  return periodAmount(subscription) / months;
}

function planName(subscription: ChargebeeSubscription): string | null {
  const plan = (subscription.subscription_items ?? []).find((item) => item.item_type === 'plan');
  return subscription.plan_id ?? plan?.item_price_id ?? null;
}

/**
 * The account traits a Chargebee subscription in this state implies. A cancelled one has churned
 * (at its cancellation, else at `eventAt`); a non-renewing one will not renew.
 */
export function chargebeeSubscriptionTraits(subscription: ChargebeeSubscription, eventAt: Date): Record<string, unknown> {
  const currency = (subscription.currency_code ?? 'usd').toLowerCase();
  const status = chargebeeStatus(subscription.status);
  const paying = status === 'active';
  const mrr = paying ? round2(toMajorUnits(monthlyMinor(subscription), currency)) : 0;
  const ends = status === 'canceled' || subscription.status === 'non_renewing';
  return {
    plan: planName(subscription),
    subscription_status: status,
    mrr,
    arr: round2(mrr * 12),
    currency,
    trial_ends_at: isoSeconds(subscription.trial_end),
    canceled_at: isoSeconds(subscription.cancelled_at),
    renews_at: ends ? null : isoSeconds(subscription.next_billing_at ?? subscription.current_term_end),
    ...(status === 'canceled' ? { churned_at: isoSeconds(subscription.cancelled_at) ?? eventAt.toISOString() } : {}),
  };
}
