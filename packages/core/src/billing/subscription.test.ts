import { describe, expect, it } from 'vitest';
import { monthlyAmount, subscriptionTraits, toMajorUnits, type StripeSubscription } from './subscription.js';

describe('monthlyAmount', () => {
  it('normalises interval and quantity to a month in major units', () => {
    expect(monthlyAmount({ unit_amount: 2000, recurring: { interval: 'month' } }, 1, 'usd')).toBe(20);
    expect(monthlyAmount({ unit_amount: 24000, recurring: { interval: 'year' } }, 1, 'usd')).toBe(20);
    expect(monthlyAmount({ unit_amount: 1500, recurring: { interval: 'month', interval_count: 3 } }, 2, 'eur')).toBe(10);
    expect(monthlyAmount({ unit_amount: 1000, recurring: { interval: 'month' } }, 1, 'jpy')).toBe(1000);
    expect(monthlyAmount({ unit_amount: 5000 }, 1, 'usd')).toBe(0);
  });

  it('knows zero-decimal currencies', () => {
    expect(toMajorUnits(500, 'JPY')).toBe(500);
    expect(toMajorUnits(500, 'usd')).toBe(5);
  });
});

describe('subscriptionTraits', () => {
  const subscription: StripeSubscription = {
    id: 'sub_1',
    customer: 'cus_1',
    status: 'active',
    currency: 'usd',
    items: { data: [{ price: { unit_amount: 2000, nickname: 'Pro', recurring: { interval: 'month' } }, quantity: 5 }] },
  };

  it('gives plan, status, mrr, arr and currency', () => {
    expect(subscriptionTraits(subscription, false)).toMatchObject({
      plan: 'Pro',
      subscription_status: 'active',
      mrr: 100,
      arr: 1200,
      currency: 'usd',
    });
  });

  it('counts no revenue for a trial and marks churn on deletion', () => {
    expect(subscriptionTraits({ ...subscription, status: 'trialing', trial_end: 1_800_000_000 }, false)).toMatchObject({
      mrr: 0,
      trial_ends_at: new Date(1_800_000_000_000).toISOString(),
    });
    expect(subscriptionTraits({ ...subscription, status: 'canceled', ended_at: 1_800_000_000 }, true)).toMatchObject({
      subscription_status: 'canceled',
      mrr: 0,
      churned_at: new Date(1_800_000_000_000).toISOString(),
    });
  });

  it('renews at the end of the current period, from the subscription or its first item, unless it ends then', () => {
    const end = new Date(1_800_000_000_000).toISOString();
    expect(subscriptionTraits({ ...subscription, current_period_end: 1_800_000_000 }, false)).toMatchObject({ renews_at: end });
    const items = { data: [{ ...subscription.items!.data[0]!, current_period_end: 1_900_000_000 }, { current_period_end: 1_800_000_000 }] };
    expect(subscriptionTraits({ ...subscription, items }, false)).toMatchObject({ renews_at: end });
    expect(subscriptionTraits({ ...subscription, current_period_end: 1_800_000_000, cancel_at_period_end: true }, false)).toMatchObject({
      renews_at: null,
    });
    expect(subscriptionTraits({ ...subscription, current_period_end: 1_800_000_000 }, true)).toMatchObject({ renews_at: null });
  });
});
