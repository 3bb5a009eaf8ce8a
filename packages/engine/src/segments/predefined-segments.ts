import { defaultLifecycleStageRules, lifecycleSegmentKey, lifecycleSegmentRule, type Target } from '@strata/core';

/** A segment every workspace starts with; editable like any other, never deletable. */
export interface PredefinedSegment {
  key: string;
  name: string;
  description: string;
  target: Target;
  rule: string;
}

/** In dependency order: a segment comes after the ones its rule refers to. */
export const predefinedSegments: readonly PredefinedSegment[] = [
  {
    key: 'trial',
    name: 'Trial',
    description: 'Accounts in a trial.',
    target: 'account',
    rule: 'status = "trialing" or subscription_status = "trialing" or is_trial = true',
  },
  {
    key: 'churned',
    name: 'Churned',
    description: 'Accounts that cancelled.',
    target: 'account',
    rule: 'churned_at is set or status = "churned" or subscription_status = "canceled"',
  },
  {
    key: 'high-value',
    name: 'High value',
    description: 'Accounts at the top of MRR; set the threshold to your own price list.',
    target: 'account',
    rule: 'mrr >= 1000',
  },
  {
    key: 'paying',
    name: 'Paying',
    description: 'Accounts with revenue that are neither in a trial nor churned.',
    target: 'account',
    rule: 'mrr > 0 and not in segment "trial" and not in segment "churned"',
  },
  {
    key: 'trial-ending',
    name: 'Trial ending',
    description: 'Trials that end within 3 days.',
    target: 'account',
    rule: 'in segment "trial" and trial_ends_at within next 3 days',
  },
  {
    key: 'new',
    name: 'New',
    description: 'People who signed up within 14 days (first seen, when no sign-up date is known).',
    target: 'person',
    rule: 'signed_up_at within last 14 days or (signed_up_at is not set and first_seen_at within last 14 days)',
  },
  {
    key: 'active',
    name: 'Active',
    description: 'People active on at least 3 of the last 7 days.',
    target: 'person',
    rule: 'days(events within last 7 days) >= 3',
  },
  {
    key: 'inactive',
    name: 'Inactive',
    description: 'People with no activity for 14 days: likely to churn.',
    target: 'person',
    rule: 'last_seen_at more than 14 days ago',
  },
  {
    key: 'onboarding-stalled',
    name: 'Onboarding stalled',
    description: 'People who signed up 7 to 30 days ago with fewer than 3 key actions.',
    target: 'person',
    rule: 'signed_up_at between 7 and 30 days ago and count(events "feature_used" within last 30 days) < 3',
  },
  {
    key: 'accounts-active',
    name: 'Active accounts',
    description: 'Accounts with at least one active person.',
    target: 'account',
    rule: 'count(people where in segment "active") >= 1',
  },
  {
    key: 'accounts-inactive',
    name: 'Inactive accounts',
    description: 'Accounts whose people are all inactive.',
    target: 'account',
    rule: 'all(people where in segment "inactive")',
  },
  // The customer journey (docs/health.md, "Lifecycle").
  {
    key: 'renewal-due',
    name: 'Renewal due',
    description:
      'Accounts whose subscription renews within 90 days (renews_at, the period end Stripe reports): time to prepare the renewal.',
    target: 'account',
    rule: 'renews_at within next 90 days',
  },
  {
    key: 'expanding',
    name: 'Expanding',
    description: 'Accounts paying more than 90 days ago (MRR history); accounts younger than that are not counted.',
    target: 'account',
    rule: 'mrr_change_90d > 0',
  },
  // The value x health quadrant (docs/health.md): thresholds are the workspace's health settings.
  {
    key: 'key-accounts',
    name: 'Key accounts',
    description: 'High value and healthy: the accounts to keep close.',
    target: 'account',
    rule: 'quadrant = "key-accounts"',
  },
  {
    key: 'highest-potential',
    name: 'Highest potential',
    description: 'Healthy but lower value: the accounts to grow.',
    target: 'account',
    rule: 'quadrant = "highest-potential"',
  },
  {
    key: 'low-value',
    name: 'Low value',
    description: 'Lower value with middling health: serve them at scale.',
    target: 'account',
    rule: 'quadrant = "low-value"',
  },
  {
    key: 'at-risk',
    name: 'At risk',
    description: 'Poor health, whatever the value: act before the renewal.',
    target: 'account',
    rule: 'quadrant = "at-risk"',
  },
  // The lifecycle stages (docs/health.md, "Lifecycle"), in the order they are tried: each after the
  // segments its rule reads. Edited through the lifecycle settings, which rewrite them together.
  ...defaultLifecycleStageRules.map((rule, i, all) => ({
    key: lifecycleSegmentKey(rule.stage),
    name: `Lifecycle: ${rule.stage}`,
    description: `Accounts in the ${rule.stage} stage: the first stage whose rule holds (Settings, Lifecycle).`,
    target: 'account' as const,
    rule: lifecycleSegmentRule(all, i),
  })),
];
