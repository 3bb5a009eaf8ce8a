import type { FieldType } from '../ingestion/field-type.js';
import type { Target } from './ir.js';

/** What the checker knows of a workspace: its fields with types, and its segments. */
export interface FieldSchema {
  person: Record<string, FieldType>;
  account: Record<string, FieldType>;
  /** A person's traits within an account (role). */
  membership: Record<string, FieldType>;
  /** Event name to its properties. */
  events: Record<string, Record<string, FieldType>>;
  ticket: Record<string, FieldType>;
  survey: Record<string, FieldType>;
  segments: Record<string, { target: Target; references: string[] }>;
}

/** Fields Strata reads from its own columns; they win over traits of the same name. */
export const builtinColumns: Record<Target, Record<string, { column: string; type: FieldType }>> = {
  person: {
    user_id: { column: 'user_id', type: 'string' },
    first_seen_at: { column: 'first_seen_at', type: 'datetime' },
    last_seen_at: { column: 'last_seen_at', type: 'datetime' },
  },
  account: {
    group_id: { column: 'group_id', type: 'string' },
    created_at: { column: 'created_at', type: 'datetime' },
  },
};

/**
 * The B2B vocabulary every workspace knows before data arrives, so that rules can be written
 * (and typos caught) on day one. Traits seen in data add to it through the field registry.
 */
export const wellKnownFields: Record<'person' | 'account', Record<string, FieldType>> = {
  person: {
    email: 'string',
    name: 'string',
    plan: 'string',
    role: 'string',
    title: 'string',
    country: 'string',
    region: 'string',
    timezone: 'string',
    language: 'string',
    signed_up_at: 'datetime',
    trial_ends_at: 'datetime',
  },
  account: {
    name: 'string',
    domain: 'string',
    plan: 'string',
    mrr: 'number',
    arr: 'number',
    seats: 'number',
    industry: 'string',
    region: 'string',
    country: 'string',
    timezone: 'string',
    language: 'string',
    status: 'string',
    subscription_status: 'string',
    is_trial: 'boolean',
    signed_up_at: 'datetime',
    trial_ends_at: 'datetime',
    churned_at: 'datetime',
    // Kept current from Stripe and Chargebee (see billing in the engine).
    currency: 'string',
    delinquent: 'boolean',
    canceled_at: 'datetime',
    first_invoice_at: 'datetime',
    stripe_customer_id: 'string',
    chargebee_customer_id: 'string',
    /** The end of the subscription's current period, when it will renew (null when it ends instead). */
    renews_at: 'datetime',
  },
};

/** Fields of support tickets and survey answers (stored by the support-data work). */
export const ticketFields: Record<string, FieldType> = {
  priority: 'string',
  status: 'string',
  channel: 'string',
  subject: 'string',
  csat: 'number',
  sentiment: 'number',
  sentiment_label: 'string',
  language: 'string',
  first_response_minutes: 'number',
  resolution_minutes: 'number',
  reopen_count: 'number',
  created_at: 'datetime',
  solved_at: 'datetime',
  is_open: 'boolean',
  source: 'string',
  group_name: 'string',
  assignee: 'string',
  worst_sentiment: 'number',
  worst_sentiment_label: 'string',
  first_response_at: 'datetime',
  first_response_business_minutes: 'number',
  resolution_business_minutes: 'number',
  // The ticket's main topic (most keyword hits): billing, bug, how-to, ... or the workspace's own.
  topic: 'string',
};
export const surveyFields: Record<string, FieldType> = {
  nps: 'number',
  csat: 'number',
  score: 'number',
  kind: 'string',
  comment: 'string',
  submitted_at: 'datetime',
  category: 'string',
  source: 'string',
};

/** Segment keys every workspace has, with their targets (their rules are defined by the engine). */
export const predefinedSegmentTargets: Record<string, Target> = {
  new: 'person',
  active: 'person',
  inactive: 'person',
  'onboarding-stalled': 'person',
  trial: 'account',
  'trial-ending': 'account',
  paying: 'account',
  'high-value': 'account',
  churned: 'account',
  'accounts-active': 'account',
  'accounts-inactive': 'account',
  'renewal-due': 'account',
  expanding: 'account',
  'key-accounts': 'account',
  'highest-potential': 'account',
  'low-value': 'account',
  'at-risk': 'account',
  'lifecycle-trial': 'account',
  'lifecycle-onboarding': 'account',
  'lifecycle-adoption': 'account',
  'lifecycle-renewal': 'account',
  'lifecycle-expansion': 'account',
  'lifecycle-at-risk': 'account',
  'lifecycle-churned': 'account',
};

/** A schema with only what every workspace knows; the server adds the workspace's own fields. */
export function baseFieldSchema(): FieldSchema {
  return {
    person: { ...wellKnownFields.person },
    account: { ...wellKnownFields.account },
    membership: { role: 'string' },
    events: {},
    ticket: { ...ticketFields },
    survey: { ...surveyFields },
    segments: Object.fromEntries(Object.entries(predefinedSegmentTargets).map(([key, target]) => [key, { target, references: [] }])),
  };
}
