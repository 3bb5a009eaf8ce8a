import { sql } from 'kysely';
import type { Contribution } from '@strata/core';
import type { Database } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

export type ChurnBand = Database['churn_scores']['band'];

export interface ChurnScore {
  accountId: string;
  probability: number;
  band: ChurnBand;
  contributions: Contribution[];
  modelVersion: number;
  scoredAt: Date;
}

/** Writes accounts' scores (replacing earlier ones); answers the accounts whose band or probability changed. */
export async function upsertChurnScores(scope: WorkspaceScope, scores: readonly ChurnScore[]): Promise<string[]> {
  if (scores.length === 0) return [];
  const { rows } = await sql<{ account_id: string }>`
    WITH incoming AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(
        scores.map((s) => ({
          account_id: s.accountId,
          probability: s.probability,
          band: s.band,
          contributions: s.contributions,
          model_version: s.modelVersion,
          scored_at: s.scoredAt.toISOString(),
        })),
      )}::jsonb) AS x(account_id uuid, probability double precision, band text, contributions jsonb, model_version integer, scored_at timestamptz)
    ), previous AS (
      SELECT c.account_id, c.probability FROM churn_scores c JOIN incoming i USING (account_id) WHERE c.workspace_id = ${scope.workspaceId}
    ), written AS (
      INSERT INTO churn_scores (workspace_id, account_id, probability, band, contributions, model_version, scored_at)
      SELECT ${scope.workspaceId}, account_id, probability, band, contributions, model_version, scored_at FROM incoming
      ON CONFLICT (workspace_id, account_id) DO UPDATE SET probability = excluded.probability, band = excluded.band,
        contributions = excluded.contributions, model_version = excluded.model_version, scored_at = excluded.scored_at
      RETURNING account_id, probability
    )
    SELECT w.account_id FROM written w LEFT JOIN previous p USING (account_id) WHERE p.probability IS DISTINCT FROM w.probability`.execute(
    scope.db,
  );
  return rows.map((r) => r.account_id);
}

/** An account's score by its groupId, with the account's id; undefined when it has none. */
export async function findChurnScoreByGroupId(scope: WorkspaceScope, groupId: string): Promise<ChurnScore | undefined> {
  const row = await scope.db
    .selectFrom('churn_scores as c')
    .innerJoin('accounts as a', (j) => j.onRef('a.workspace_id', '=', 'c.workspace_id').onRef('a.account_id', '=', 'c.account_id'))
    .select(['c.account_id', 'c.probability', 'c.band', 'c.contributions', 'c.model_version', 'c.scored_at'])
    .where('c.workspace_id', '=', scope.workspaceId)
    .where('a.group_id', '=', groupId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    accountId: row.account_id,
    probability: row.probability,
    band: row.band,
    contributions: row.contributions as Contribution[],
    modelVersion: row.model_version,
    scoredAt: row.scored_at,
  };
}

/** Removes the scores of accounts no longer scored (churned since), so `churn_risk` reads them as missing. */
export async function deleteChurnScoresExcept(scope: WorkspaceScope, keptAccountIds: readonly string[]): Promise<string[]> {
  const { rows } = await sql<{ account_id: string }>`
    DELETE FROM churn_scores WHERE workspace_id = ${scope.workspaceId} AND NOT (account_id = ANY(${keptAccountIds}::uuid[]))
    RETURNING account_id`.execute(scope.db);
  return rows.map((r) => r.account_id);
}
