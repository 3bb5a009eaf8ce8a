import { sql, type RawBuilder } from 'kysely';
import { defaultHealthModelKey, type FeatureSpec } from '@strata/core';

/**
 * One input of the churn model: its name and kind, and how SQL reads it for the account aliased
 * `a` as of an instant (only what was known then, so training on the past does not see the
 * future). Adding a feature (a health measure, say) is one entry in `accountChurnFeatures`.
 */
export interface ChurnFeature extends FeatureSpec {
  sql(asOf: Date): RawBuilder<unknown>;
}

const inWindow = (column: string, asOf: Date, days: number) =>
  sql`${sql.ref(column)} > ${asOf}::timestamptz - make_interval(days => ${days}) AND ${sql.ref(column)} <= ${asOf}::timestamptz`;
const accountEvents = (asOf: Date, days: number, extra = sql`true`) =>
  sql`FROM events e WHERE e.workspace_id = a.workspace_id AND e.account_id = a.account_id AND ${inWindow('e.timestamp', asOf, days)} AND ${extra}`;
const accountTickets = (asOf: Date, days: number, extra = sql`true`) =>
  sql`FROM tickets t WHERE t.workspace_id = a.workspace_id AND t.account_id = a.account_id AND ${inWindow('t.created_at', asOf, days)} AND ${extra}`;

/** Activity, people and support aggregates of an account: the features every workspace has. */
export const accountChurnFeatures: readonly ChurnFeature[] = [
  { name: 'events_30d', kind: 'number', sql: (asOf) => sql`(SELECT count(*) ${accountEvents(asOf, 30)})` },
  { name: 'events_90d', kind: 'number', sql: (asOf) => sql`(SELECT count(*) ${accountEvents(asOf, 90)})` },
  { name: 'logins_30d', kind: 'number', sql: (asOf) => sql`(SELECT count(*) ${accountEvents(asOf, 30, sql`e.name = 'login'`)})` },
  { name: 'logins_90d', kind: 'number', sql: (asOf) => sql`(SELECT count(*) ${accountEvents(asOf, 90, sql`e.name = 'login'`)})` },
  { name: 'distinct_events_90d', kind: 'number', sql: (asOf) => sql`(SELECT count(DISTINCT e.name) ${accountEvents(asOf, 90)})` },
  { name: 'active_people_30d', kind: 'number', sql: (asOf) => sql`(SELECT count(DISTINCT e.person_id) ${accountEvents(asOf, 30)})` },
  {
    name: 'people',
    kind: 'number',
    sql: (asOf) =>
      sql`(SELECT count(*) FROM person_accounts pa WHERE pa.workspace_id = a.workspace_id AND pa.account_id = a.account_id AND pa.created_at <= ${asOf})`,
  },
  { name: 'tickets_90d', kind: 'number', sql: (asOf) => sql`(SELECT count(*) ${accountTickets(asOf, 90)})` },
  {
    name: 'urgent_tickets_90d',
    kind: 'number',
    sql: (asOf) => sql`(SELECT count(*) ${accountTickets(asOf, 90, sql`t.priority = 'urgent'`)})`,
  },
  { name: 'worst_sentiment_90d', kind: 'number', sql: (asOf) => sql`(SELECT min(t.worst_sentiment) ${accountTickets(asOf, 90)})` },
  { name: 'csat_90d', kind: 'number', sql: (asOf) => sql`(SELECT avg(t.csat) ${accountTickets(asOf, 90)})` },
  {
    // The default health model's score on the snapshot's day, from its daily history; missing where none was kept.
    name: 'health_score',
    kind: 'number',
    sql: (asOf) => sql`(SELECT h.score FROM account_health_days h
      WHERE h.workspace_id = a.workspace_id AND h.model_key = ${defaultHealthModelKey} AND h.account_id = a.account_id
        AND h.day <= (${asOf}::timestamptz AT TIME ZONE 'UTC')::date
      ORDER BY h.day DESC LIMIT 1)`,
  },
];

/**
 * Traits that say whether an account churned: they are the label, never features. Other traits
 * written because of churn (an MRR set to 0) are what the leak guard is for.
 */
export const churnLabelTraits: readonly string[] = ['churned_at', 'status', 'subscription_status', 'canceled_at', 'cancelled_at'];

/** A trait's value as of an instant: missing when its last write came later (the earlier value is not kept). */
const traitAsOf = (name: string, asOf: Date) =>
  sql`CASE WHEN strata_timestamptz(a.trait_times -> ${name} -> 0) <= ${asOf} THEN a.traits -> ${name} END`;

/**
 * The account traits the field registry knows, as features: numbers and booleans (as 0/1) as
 * numbers, dates as days before the instant (a signup date becomes tenure), strings as categories.
 */
export function traitChurnFeature(name: string, type: string): ChurnFeature | undefined {
  if (churnLabelTraits.includes(name)) return undefined;
  switch (type) {
    case 'number':
      return { name, kind: 'number', sql: (asOf) => sql`strata_number(${traitAsOf(name, asOf)})` };
    case 'boolean':
      return { name, kind: 'number', sql: (asOf) => sql`strata_boolean(${traitAsOf(name, asOf)})::int` };
    case 'datetime':
      return {
        name: `${name}_days_ago`,
        kind: 'number',
        sql: (asOf) => sql`extract(epoch FROM ${asOf}::timestamptz - strata_timestamptz(${traitAsOf(name, asOf)})) / 86400`,
      };
    case 'string':
      return { name, kind: 'category', sql: (asOf) => sql`strata_text(${traitAsOf(name, asOf)})` };
    default:
      return undefined;
  }
}
