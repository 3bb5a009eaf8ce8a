/** A trait or property value as text: strings as they are, the rest as JSON. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** An API time (ISO string) as the reader's local date and time. */
export function showTime(iso: string | null | undefined): string {
  return iso ? when.format(new Date(iso)) : '—';
}

/** Account traits the billing integration keeps (docs/integrations.md "Billing"), and the plan the product sets. */
export const billingKeys = [
  'plan',
  'mrr',
  'arr',
  'seats',
  'currency',
  'subscription_status',
  'delinquent',
  'is_trial',
  'trial_ends_at',
  'first_invoice_at',
  'canceled_at',
  'stripe_customer_id',
];
