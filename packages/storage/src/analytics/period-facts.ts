import { sql, type RawBuilder } from 'kysely';
import type { DurationQuantiles, PeriodFacts } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

/** Whose facts: one segment's members (membership from its change log), or every profile of a target. */
export type Population = { segment: string; target: 'person' | 'account' } | { workspace: 'person' | 'account' };

/** A period: from `start` (inclusive) to `end` (exclusive); for today, `end` is now. */
export interface Period {
  start: Date;
  end: Date;
}

const day = 86_400_000;

/**
 * Membership spans `(member_id, from_at, to_at)`, to_at NULL while the span is open at `end`.
 * A segment's come from its change log: each enter paired with the member's next change before
 * `end`, so a profile counts for the times it really was a member, not for being one now. The
 * workspace as a whole is every profile of the target it holds now, for all time (creation times
 * are ingestion times, not when a customer became one).
 */
function spansOf(scope: WorkspaceScope, population: Population, end: Date): RawBuilder<unknown> {
  const ws = scope.workspaceId;
  if ('workspace' in population)
    return population.workspace === 'person'
      ? sql`SELECT p.person_id AS member_id, '-infinity'::timestamptz AS from_at, NULL::timestamptz AS to_at FROM people p WHERE p.workspace_id = ${ws}`
      : sql`SELECT a.account_id AS member_id, '-infinity'::timestamptz AS from_at, NULL::timestamptz AS to_at FROM accounts a WHERE a.workspace_id = ${ws}`;
  return sql`
    SELECT x.member_id, x.at AS from_at, x.next_at AS to_at FROM (
      SELECT c.member_id, c.kind, c.at, lead(c.at) OVER (PARTITION BY c.member_id ORDER BY c.at, c.change_id) AS next_at
      FROM segment_changes c
      WHERE c.workspace_id = ${ws} AND c.segment_key = ${population.segment} AND c.at < ${end}
    ) x WHERE x.kind = 'enter'`;
}

const targetOf = (population: Population) => ('workspace' in population ? population.workspace : population.target);

interface FactsRow {
  size: number;
  entered: number;
  exited: number;
  members: number;
  accounts: number;
  mrr: number | null;
  paying: number;
  csat_n: number;
  csat_sum: number | null;
  csat_squares: number | null;
  csat_satisfied: number;
  nps_n: number;
  nps_promoters: number;
  nps_detractors: number;
  tickets: number;
  contacting: number;
  reopened: number;
  with_sla: number;
  sla_met: number;
  durations: Record<string, { n: number; median: number | null; p90: number | null }>;
  retention: Record<string, { accounts: number; retained: number; start_mrr: number | null; end_mrr: number | null }>;
}

/**
 * The statement behind readPeriodFacts (exported so a test can EXPLAIN it). Survey answers and
 * tickets count when they fall in the period and their person (account, in an account segment)
 * was a member on their day; MRR is each account's last value in its MRR history at the
 * instant (the `mrr` trait for an account with no history at all). Money is summed as `numeric`
 * and rounded to cents in SQL; it leaves as a number because it feeds ratios and charts.
 */
export function periodFactsStatement(scope: WorkspaceScope, population: Population, period: Period) {
  const ws = scope.workspaceId;
  const { start, end } = period;
  const target = targetOf(population);
  const ownerColumn = sql.ref(target === 'person' ? 'person_id' : 'account_id');
  const accountsOf = (members: string) =>
    target === 'account'
      ? sql`SELECT m.member_id AS account_id FROM ${sql.table(members)} m`
      : sql`SELECT DISTINCT pa.account_id FROM ${sql.table(members)} m JOIN person_accounts pa ON pa.workspace_id = ${ws} AND pa.person_id = m.member_id`;
  const mrrAt = (at: RawBuilder<unknown> | Date) => sql`coalesce(
      (SELECT h.mrr FROM account_mrr_history h WHERE h.workspace_id = ${ws} AND h.account_id = a.account_id AND h.at <= ${at} ORDER BY h.at DESC LIMIT 1),
      (SELECT strata_number(acc.traits -> 'mrr')::float8 FROM accounts acc WHERE acc.workspace_id = ${ws} AND acc.account_id = a.account_id
        AND NOT EXISTS (SELECT 1 FROM account_mrr_history h WHERE h.workspace_id = ${ws} AND h.account_id = a.account_id)))`;
  const retention = (days: number) => {
    const at = new Date(end.getTime() - days * day);
    return sql`(SELECT jsonb_build_object('accounts', count(*) FILTER (WHERE r.then > 0), 'retained', count(*) FILTER (WHERE r.then > 0 AND r.now > 0),
        'start_mrr', round(sum(r.then::numeric) FILTER (WHERE r.then > 0), 2), 'end_mrr', round(sum(coalesce(r.now, 0)::numeric) FILTER (WHERE r.then > 0), 2))
      FROM (SELECT ${mrrAt(at)} AS then, ${mrrAt(end)} AS now FROM (
        ${
          target === 'account'
            ? sql`SELECT DISTINCT s.member_id AS account_id FROM spans s WHERE s.from_at <= ${at} AND (s.to_at IS NULL OR s.to_at > ${at})`
            : sql`SELECT DISTINCT pa.account_id FROM spans s JOIN person_accounts pa ON pa.workspace_id = ${ws} AND pa.person_id = s.member_id
                  WHERE s.from_at <= ${at} AND (s.to_at IS NULL OR s.to_at > ${at})`
        }) a) r)`;
  };
  const quantiles = (column: string) => {
    const c = sql.ref(`t.${column}`);
    return sql`jsonb_build_object('n', count(${c}), 'median', percentile_cont(0.5) WITHIN GROUP (ORDER BY ${c}),
      'p90', percentile_cont(0.9) WITHIN GROUP (ORDER BY ${c}))`;
  };
  // A ticket or an answer is the segment's when its person (account) was a member at any time on
  // its calendar day (workspace time zone): a week or a month counts what its days count.
  const memberOnTheDay = (owner: RawBuilder<unknown>, time: RawBuilder<unknown>) => {
    const localDay = sql`date_trunc('day', ${time} AT TIME ZONE (SELECT tz FROM zone))`;
    return sql`EXISTS (SELECT 1 FROM spans m WHERE m.member_id = ${owner}
      AND m.from_at < (${localDay} + interval '1 day') AT TIME ZONE (SELECT tz FROM zone)
      AND (m.to_at IS NULL OR m.to_at > ${localDay} AT TIME ZONE (SELECT tz FROM zone)))`;
  };
  const changes =
    'segment' in population
      ? sql`(SELECT count(*) FILTER (WHERE c.kind = 'enter')::int AS entered, count(*) FILTER (WHERE c.kind = 'exit')::int AS exited
          FROM segment_changes c WHERE c.workspace_id = ${ws} AND c.segment_key = ${population.segment} AND c.at >= ${start} AND c.at < ${end})`
      : sql`(SELECT 0 AS entered, 0 AS exited)`;
  return sql<FactsRow>`
    WITH zone AS (SELECT w.timezone AS tz FROM workspaces w WHERE w.workspace_id = ${ws}),
    spans AS MATERIALIZED (${spansOf(scope, population, end)}),
    during AS MATERIALIZED (SELECT DISTINCT s.member_id FROM spans s WHERE s.to_at IS NULL OR s.to_at > ${start}),
    at_end AS MATERIALIZED (SELECT DISTINCT s.member_id FROM spans s WHERE s.to_at IS NULL),
    member_tickets AS MATERIALIZED (
      SELECT t.ticket_id, t.reopen_count, t.first_response_minutes, t.first_response_business_minutes, t.resolution_minutes,
             t.resolution_business_minutes, t.${ownerColumn} AS owner,
             (SELECT d.decision -> 'sla' FROM ticket_decisions d WHERE d.workspace_id = ${ws} AND d.ticket_id = t.ticket_id
              ORDER BY d.decision_id DESC LIMIT 1) AS sla
      FROM tickets t
      WHERE t.workspace_id = ${ws} AND t.created_at >= ${start} AND t.created_at < ${end} AND ${memberOnTheDay(sql`t.${ownerColumn}`, sql.ref('t.created_at'))}
    ),
    member_surveys AS (
      SELECT s.csat::float8 AS csat, s.nps::float8 AS nps FROM surveys s
      WHERE s.workspace_id = ${ws} AND s.submitted_at >= ${start} AND s.submitted_at < ${end}
        AND ${memberOnTheDay(sql`s.${ownerColumn}`, sql.ref('s.submitted_at'))}
    )
    SELECT
      (SELECT count(*)::int FROM at_end) AS size,
      ch.entered, ch.exited,
      (SELECT count(*)::int FROM during) AS members,
      (SELECT count(*)::int FROM (${accountsOf('during')}) x) AS accounts,
      money.mrr, money.paying,
      sv.csat_n, sv.csat_sum, sv.csat_squares, sv.csat_satisfied, sv.nps_n, sv.nps_promoters, sv.nps_detractors,
      tk.tickets, tk.contacting, tk.reopened, tk.with_sla, tk.sla_met, tk.durations,
      jsonb_build_object('30', ${retention(30)}, '90', ${retention(90)}, '365', ${retention(365)}) AS retention
    FROM ${changes} ch
    CROSS JOIN (
      SELECT round(sum(v.mrr::numeric), 2)::float8 AS mrr, (count(*) FILTER (WHERE v.mrr > 0))::int AS paying
      FROM (SELECT ${mrrAt(end)} AS mrr FROM (${accountsOf('at_end')}) a) v
    ) money
    CROSS JOIN (
      SELECT count(csat)::int AS csat_n, sum(csat) AS csat_sum, sum(csat * csat) AS csat_squares,
             (count(*) FILTER (WHERE csat >= 4))::int AS csat_satisfied,
             count(nps)::int AS nps_n, (count(*) FILTER (WHERE nps >= 9))::int AS nps_promoters,
             (count(*) FILTER (WHERE nps <= 6))::int AS nps_detractors
      FROM member_surveys
    ) sv
    CROSS JOIN (
      SELECT count(*)::int AS tickets, count(DISTINCT t.owner)::int AS contacting,
             (count(*) FILTER (WHERE t.reopen_count > 0))::int AS reopened,
             (count(*) FILTER (WHERE jsonb_typeof(t.sla) = 'object'))::int AS with_sla,
             (count(*) FILTER (WHERE jsonb_typeof(t.sla) = 'object' AND jsonb_array_length(coalesce(t.sla -> 'breached', '[]')) = 0
                AND NOT EXISTS (SELECT 1 FROM support_events e WHERE e.workspace_id = ${ws} AND e.ticket_id = t.ticket_id AND e.type = 'sla.breached')))::int AS sla_met,
             jsonb_build_object(
               'firstResponse', ${quantiles('first_response_minutes')},
               'firstResponseBusiness', ${quantiles('first_response_business_minutes')},
               'resolution', ${quantiles('resolution_minutes')},
               'resolutionBusiness', ${quantiles('resolution_business_minutes')}) AS durations
      FROM member_tickets t
    ) tk`;
}

function quantilesOf(row: FactsRow, key: string): DurationQuantiles {
  const q = row.durations[key];
  return { n: q?.n ?? 0, median: q?.median ?? null, p90: q?.p90 ?? null };
}

function cohortOf(row: FactsRow, window: '30' | '90' | '365') {
  const r = row.retention[window];
  return { accounts: r?.accounts ?? 0, retained: r?.retained ?? 0, startMrr: r?.start_mrr ?? 0, endMrr: r?.end_mrr ?? 0 };
}

/** The facts of one period of a segment, or of the workspace as a whole (see PeriodFacts). */
export async function readPeriodFacts(scope: WorkspaceScope, population: Population, period: Period): Promise<PeriodFacts> {
  const { rows } = await periodFactsStatement(scope, population, period).execute(scope.db);
  const row = rows[0]!;
  return {
    size: row.size,
    entered: row.entered,
    exited: row.exited,
    members: row.members,
    accounts: row.accounts,
    mrr: row.mrr ?? 0,
    payingAccounts: row.paying,
    csat: { n: row.csat_n, sum: row.csat_sum ?? 0, sumOfSquares: row.csat_squares ?? 0, satisfied: row.csat_satisfied },
    nps: { n: row.nps_n, promoters: row.nps_promoters, detractors: row.nps_detractors },
    tickets: {
      n: row.tickets,
      contactingMembers: row.contacting,
      reopened: row.reopened,
      withSla: row.with_sla,
      slaMet: row.sla_met,
    },
    firstResponse: { calendar: quantilesOf(row, 'firstResponse'), business: quantilesOf(row, 'firstResponseBusiness') },
    resolution: { calendar: quantilesOf(row, 'resolution'), business: quantilesOf(row, 'resolutionBusiness') },
    retention: { '30': cohortOf(row, '30'), '90': cohortOf(row, '90'), '365': cohortOf(row, '365') },
  };
}
