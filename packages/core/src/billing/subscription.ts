/**
 * What a Stripe subscription means for an account: the traits Strata keeps current from
 * Stripe's objects. Only the fields read here are typed; Stripe sends many more.
 */
export interface StripePrice {
  unit_amount?: number | null;
  unit_amount_decimal?: string | null;
  currency?: string;
  nickname?: string | null;
  lookup_key?: string | null;
  product?: string | { name?: string } | null;
  recurring?: { interval: 'day' | 'week' | 'month' | 'year'; interval_count?: number | null } | null;
  /** Legacy plan objects say interval at the top level. */
  interval?: 'day' | 'week' | 'month' | 'year';
  interval_count?: number | null;
  amount?: number | null;
  name?: string | null;
}

export interface StripeSubscription {
  id: string;
  customer: string | { id: string };
  status: string;
  currency?: string;
  quantity?: number | null;
  trial_end?: number | null;
  canceled_at?: number | null;
  ended_at?: number | null;
  cancel_at_period_end?: boolean;
  /** API versions before 2025-03-31 give the period end here; later ones on each item. */
  current_period_end?: number | null;
  items?: {
    data: Array<{ price?: StripePrice | null; plan?: StripePrice | null; quantity?: number | null; current_period_end?: number | null }>;
  } | null;
  plan?: StripePrice | null;
  metadata?: Record<string, string>;
}

/** Currencies Stripe counts in whole units (no cents). */
const zeroDecimal = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

/** Amount in Stripe's minor units to major units of the currency. */
export function toMajorUnits(minor: number, currency: string): number {
  return zeroDecimal.has(currency.toLowerCase()) ? minor : minor / 100;
}

const monthsPer: Record<string, number> = { day: 12 / 365, week: 12 / 52, month: 1, year: 12 };

/** Monthly value in major units of one price bought `quantity` times, whatever its interval. */
export function monthlyAmount(price: StripePrice, quantity: number, currency: string): number {
  const unit = price.unit_amount ?? (price.unit_amount_decimal ? Number(price.unit_amount_decimal) : (price.amount ?? 0));
  const interval = price.recurring?.interval ?? price.interval;
  if (!interval) return 0; // a one-off price is not recurring revenue
  const count = price.recurring?.interval_count ?? price.interval_count ?? 1;
  const months = monthsPer[interval]! * count;
  return toMajorUnits(unit * quantity, currency) / months;
}

/** Stripe's statuses folded onto the four Strata documents; others pass through as Stripe names them. */
export function subscriptionStatus(status: string): string {
  if (status === 'unpaid') return 'past_due';
  if (status === 'incomplete_expired') return 'canceled';
  return status;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function planName(price: StripePrice | null | undefined): string | null {
  if (!price) return null;
  const product = typeof price.product === 'object' && price.product ? price.product.name : undefined;
  return price.nickname ?? price.lookup_key ?? product ?? price.name ?? (typeof price.product === 'string' ? price.product : null);
}

function isoSeconds(seconds: number | null | undefined): string | null {
  return seconds == null ? null : new Date(seconds * 1000).toISOString();
}

export function customerIdOf(subscription: { customer: string | { id: string } }): string {
  return typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id;
}

/**
 * When the subscription next renews: the end of its current period, unless it ends then instead
 * (deleted, canceled, or set to cancel at the period end). Items may end their periods at
 * different times; the first is when the account next faces a renewal.
 */
function renewsAt(subscription: StripeSubscription, status: string): string | null {
  if (status === 'canceled' || subscription.cancel_at_period_end === true) return null;
  const itemEnds = (subscription.items?.data ?? []).flatMap((item) => (item.current_period_end == null ? [] : [item.current_period_end]));
  return isoSeconds(subscription.current_period_end ?? (itemEnds.length > 0 ? Math.min(...itemEnds) : null));
}

/** The account traits a subscription in this state implies; a deleted subscription has churned. */
export function subscriptionTraits(subscription: StripeSubscription, deleted: boolean): Record<string, unknown> {
  const items = subscription.items?.data ?? [];
  const currency = (subscription.currency ?? items[0]?.price?.currency ?? subscription.plan?.currency ?? 'usd').toLowerCase();
  const status = deleted ? 'canceled' : subscriptionStatus(subscription.status);
  const paying = status === 'active' || status === 'past_due';
  let mrr = 0;
  if (items.length > 0) {
    for (const item of items) {
      const price = item.price ?? item.plan;
      if (price) mrr += monthlyAmount(price, item.quantity ?? 1, currency);
    }
  } else if (subscription.plan) mrr = monthlyAmount(subscription.plan, subscription.quantity ?? 1, currency);
  mrr = paying ? round2(mrr) : 0;
  const canceledAt = subscription.canceled_at ?? (deleted ? (subscription.ended_at ?? null) : null);
  return {
    plan: planName(items[0]?.price ?? items[0]?.plan ?? subscription.plan),
    subscription_status: status,
    mrr,
    arr: round2(mrr * 12),
    currency,
    trial_ends_at: isoSeconds(subscription.trial_end),
    canceled_at: isoSeconds(canceledAt),
    renews_at: renewsAt(subscription, status),
    ...(deleted ? { churned_at: isoSeconds(subscription.ended_at ?? subscription.canceled_at) } : {}),
  };
}
