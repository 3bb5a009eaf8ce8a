import { sql } from 'kysely';
import type { FeatureRow } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';
import { accountChurnFeatures, churnLabelTraits, traitChurnFeature, type ChurnFeature } from './churn-features.js';

/** Days after the as-of instant within which a churn makes the example positive. */
export const churnHorizonDays = 90;

/**
 * When an account churned: its `churned_at` trait, else when a cancelled `subscription_status`
 * or a churned `status` was written (the trait's time). NULL for an account that has not churned.
 * An SQL expression over an account aliased `a`; playbook experiments' retention reads it too.
 */
export const churnedByTraits = sql`coalesce(
  strata_timestamptz(a.traits -> 'churned_at'),
  CASE WHEN strata_text(a.traits -> 'subscription_status') IN ('canceled', 'cancelled') THEN strata_timestamptz(a.trait_times -> 'subscription_status' -> 0) END,
  CASE WHEN strata_text(a.traits -> 'status') IN ('churned', 'canceled', 'cancelled') THEN strata_timestamptz(a.trait_times -> 'status' -> 0) END)`;
/**
 * When an account churned under a label segment: when it first entered the segment, from the
 * segment's change log. NULL for an account never in it.
 */
const churnedBySegment = (key: string) => sql`(SELECT min(c.at) FROM segment_changes c
  WHERE c.workspace_id = a.workspace_id AND c.segment_key = ${key} AND c.member_id = a.account_id AND c.kind = 'enter')`;

/** What says an account churned: its traits, or entering a chosen segment (`labelSegment`). */
export interface ChurnLabel {
  segment: string | null;
}
const churnedAt = (label: ChurnLabel) => (label.segment === null ? churnedByTraits : churnedBySegment(label.segment));

/** When an account began: the earliest of when Strata first saw it and its signup or creation traits. */
const startedAt = sql`least(a.created_at, strata_timestamptz(a.traits -> 'signed_up_at'), strata_timestamptz(a.traits -> 'created_at'))`;

/** The features of the workspace: the fixed aggregates, then its account traits from the field registry. */
export async function listChurnFeatures(scope: WorkspaceScope): Promise<ChurnFeature[]> {
  const traits = await scope.db
    .selectFrom('field_registry')
    .select(['field', 'type'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('source', '=', 'account')
    .where('field', 'not in', churnLabelTraits)
    .orderBy('field')
    .execute();
  return [...accountChurnFeatures, ...traits.flatMap((t) => traitChurnFeature(t.field, t.type) ?? [])];
}

export interface AccountFeatures {
  accountId: string;
  groupId: string;
  row: FeatureRow;
  /** When it churned, if it has. */
  churnedAt: Date | null;
}

/**
 * Features of every account that had begun and not churned by `asOf`, ordered by groupId: folds
 * follow the order, so the same data gives the same measured quality whatever ids storage drew.
 */
export async function listAccountFeatures(
  scope: WorkspaceScope,
  features: readonly ChurnFeature[],
  asOf: Date,
  label: ChurnLabel = { segment: null },
): Promise<AccountFeatures[]> {
  const columns = features.map((f, i) => sql`${f.sql(asOf)} AS ${sql.id(`f${i}`)}`);
  const { rows } = await sql<Record<string, unknown> & { account_id: string; group_id: string; churned_at: Date | null }>`
    SELECT * FROM (
      SELECT a.account_id, a.group_id, ${churnedAt(label)} AS churned_at, ${startedAt} AS started_at ${columns.length > 0 ? sql`, ${sql.join(columns)}` : sql``}
      FROM accounts a
      WHERE a.workspace_id = ${scope.workspaceId}
    ) s
    WHERE s.started_at <= ${asOf} AND (s.churned_at IS NULL OR s.churned_at > ${asOf})
    ORDER BY s.group_id, s.account_id`.execute(scope.db);
  return rows.map((r) => ({
    accountId: r.account_id,
    groupId: r.group_id,
    churnedAt: r.churned_at,
    row: Object.fromEntries(
      features.map((f, i) => {
        // PostgreSQL numeric and bigint arrive as strings; categories are text.
        const value = r[`f${i}`] as string | number | null | undefined;
        return [f.name, value === null || value === undefined ? null : f.kind === 'number' ? Number(value) : String(value)];
      }),
    ),
  }));
}

/** Labelled examples as of `asOf`: 1 when the account churned within the next `churnHorizonDays`. */
export async function listChurnExamples(
  scope: WorkspaceScope,
  features: readonly ChurnFeature[],
  asOf: Date,
  label: ChurnLabel = { segment: null },
): Promise<{ accounts: AccountFeatures[]; outcomes: number[] }> {
  const accounts = await listAccountFeatures(scope, features, asOf, label);
  const horizon = asOf.getTime() + churnHorizonDays * 86_400_000;
  return { accounts, outcomes: accounts.map((a) => (a.churnedAt !== null && a.churnedAt.getTime() <= horizon ? 1 : 0)) };
}

/** When the workspace's first account began (null without accounts): no snapshot before it has examples. */
export async function findEarliestAccountStart(scope: WorkspaceScope): Promise<Date | null> {
  const { rows } = await sql<{ earliest: Date | null }>`
    SELECT min(${startedAt}) AS earliest FROM accounts a WHERE a.workspace_id = ${scope.workspaceId}`.execute(scope.db);
  return rows[0]?.earliest ?? null;
}
