import { describe, expect, it } from 'vitest';
import { chargebeeSubscriptionTraits, type ChargebeeSubscription } from './chargebee-subscription.js';

const at = new Date('2026-03-10T12:00:00Z');

describe('chargebeeSubscriptionTraits', () => {
  const items: ChargebeeSubscription = {
    id: 'sub_1',
    customer_id: 'cust_1',
    status: 'active',
    currency_code: 'USD',
    billing_period: 1,
    billing_period_unit: 'year',
    next_billing_at: 1_800_000_000,
    subscription_items: [
      { item_price_id: 'pro-USD-yearly', item_type: 'plan', quantity: 2, unit_price: 30000, amount: 60000 },
      { item_price_id: 'seats-USD-yearly', item_type: 'addon', quantity: 1, unit_price: 12000, amount: 12000 },
      { item_price_id: 'setup-fee', item_type: 'charge', quantity: 1, unit_price: 50000, amount: 50000 },
    ],
  };

  it('counts plan and addons per month in major units, not one-off charges', () => {
    expect(chargebeeSubscriptionTraits(items, at)).toEqual({
      plan: 'pro-USD-yearly',
      subscription_status: 'active',
      mrr: 60,
      arr: 720,
      currency: 'usd',
      trial_ends_at: null,
      canceled_at: null,
      renews_at: new Date(1_800_000_000_000).toISOString(),
    });
  });

  it("prefers Chargebee's own mrr and reads product catalog 1.0 plans", () => {
    const v1: ChargebeeSubscription = { id: 's', customer_id: 'c', status: 'active', plan_id: 'basic', plan_amount: 9900, mrr: 4900 };
    expect(chargebeeSubscriptionTraits(v1, at)).toMatchObject({ plan: 'basic', mrr: 49, arr: 588 });
    expect(chargebeeSubscriptionTraits({ ...v1, mrr: null, currency_code: 'JPY' }, at)).toMatchObject({ mrr: 9900 });
  });

  it('counts no revenue in a trial, no renewal when non-renewing, and churn on cancellation', () => {
    expect(chargebeeSubscriptionTraits({ ...items, status: 'in_trial', trial_end: 1_790_000_000 }, at)).toMatchObject({
      subscription_status: 'trialing',
      mrr: 0,
      trial_ends_at: new Date(1_790_000_000_000).toISOString(),
    });
    expect(chargebeeSubscriptionTraits({ ...items, status: 'non_renewing', cancelled_at: 1_800_000_000 }, at)).toMatchObject({
      subscription_status: 'active',
      mrr: 60,
      renews_at: null,
      canceled_at: new Date(1_800_000_000_000).toISOString(),
    });
    const cancelled = chargebeeSubscriptionTraits({ ...items, status: 'cancelled' }, at);
    expect(cancelled).toMatchObject({ subscription_status: 'canceled', mrr: 0, arr: 0, renews_at: null, churned_at: at.toISOString() });
  });
});
