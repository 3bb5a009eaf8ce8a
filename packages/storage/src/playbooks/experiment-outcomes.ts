import { sql, type RawBuilder } from 'kysely';
import type { ExperimentGoalMetric } from '@strata/core';
import { churnedByTraits } from '../churn/index.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/**
 * One enrolment's measure: 1/0 for conversion and retention, a mean CSAT, a count of tickets;
 * null while it cannot be measured yet (no CSAT response; a retention or ticket window still open;
 * a person with no account for retention).
 */
export interface EnrolmentOutcome {
  id: string;
  value: number | null;
}

/**
 * Measures enrolments over the `withinDays` after each started (up to `asOf` while the window is
 * open). Conversion: the person tracked the event `event` in the window. CSAT: the mean of their
 * survey CSAT answers in the window. Tickets per account: tickets opened in the window by the
 * person or any of their accounts. Retention: none of their accounts churned (its `churned_at`,
 * or a cancelled `subscription_status` or churned `status`, as churn models read traits) by the
 * window's end.
 */
export async function measureEnrolments(
  scope: WorkspaceScope,
  enrolmentIds: readonly string[],
  goal: { metric: ExperimentGoalMetric; withinDays: number; event: string },
): Promise<EnrolmentOutcome[]> {
  if (enrolmentIds.length === 0) return [];
  const asOf = scope.clock();
  const windowEnd = sql`(e.started_at + make_interval(days => ${goal.withinDays}))`;
  const until = sql`least(${windowEnd}, ${asOf}::timestamptz)`;
  const closed = sql`${windowEnd} <= ${asOf}::timestamptz`;
  const value: Record<ExperimentGoalMetric, RawBuilder<unknown>> = {
    conversion: sql`(EXISTS (SELECT 1 FROM events ev WHERE ev.workspace_id = e.workspace_id AND ev.person_id = e.person_id
      AND ev.name = ${goal.event} AND ev.timestamp >= e.started_at AND ev.timestamp < ${until}))::int`,
    csat: sql`(SELECT avg(s.csat)::float8 FROM surveys s WHERE s.workspace_id = e.workspace_id AND s.person_id = e.person_id
      AND s.csat IS NOT NULL AND s.submitted_at >= e.started_at AND s.submitted_at < ${until})`,
    'tickets-per-account': sql`CASE WHEN ${closed} THEN (SELECT count(*)::int FROM tickets t WHERE t.workspace_id = e.workspace_id
      AND t.created_at >= e.started_at AND t.created_at < ${windowEnd}
      AND (t.person_id = e.person_id OR t.account_id IN (SELECT pa.account_id FROM person_accounts pa
        WHERE pa.workspace_id = e.workspace_id AND pa.person_id = e.person_id))) END`,
    retention: sql`CASE WHEN ${closed} THEN (SELECT CASE WHEN count(*) = 0 THEN NULL
        ELSE (count(*) FILTER (WHERE ${churnedByTraits} < ${windowEnd}) = 0)::int END
      FROM person_accounts pa JOIN accounts a ON a.workspace_id = pa.workspace_id AND a.account_id = pa.account_id
      WHERE pa.workspace_id = e.workspace_id AND pa.person_id = e.person_id) END`,
  };
  const rows = await sql<{ enrolment_id: string; value: number | string | null }>`
    SELECT e.enrolment_id, ${value[goal.metric]} AS value FROM playbook_enrolments e
    WHERE e.workspace_id = ${scope.workspaceId} AND e.enrolment_id = ANY(${enrolmentIds}::bigint[])`.execute(scope.db);
  return rows.rows.map((r) => ({ id: String(r.enrolment_id), value: r.value === null ? null : Number(r.value) }));
}
