import { sql, type RawBuilder } from 'kysely';
import { defaultLifecycleStageRules, lifecycleSegmentKey, lifecycleStages, type LifecycleStageRule } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

/**
 * How SQL reads `lifecycle_stage` of the account row aliased `alias`: the stage whose segment
 * holds it, NULL when none does, as core's evaluator reads the loaded memberships: the first in
 * `lifecycleStages` order, should two overlap while an edit of the stages is being applied.
 */
export function lifecycleStageSql(alias: string): RawBuilder<unknown> {
  const keys = lifecycleStages.map(lifecycleSegmentKey);
  return sql`(SELECT substr(m.segment_key, ${'lifecycle-'.length + 1}) FROM segment_members m
    WHERE m.workspace_id = ${sql.ref(`${alias}.workspace_id`)} AND m.member_id = ${sql.ref(`${alias}.account_id`)}
      AND m.segment_key = ANY(${keys}::text[])
    ORDER BY array_position(${keys}::text[], m.segment_key) LIMIT 1)`;
}

/** The workspace's stage rules in the order they are tried; the defaults until it saves its own. */
export async function readLifecycleStages(scope: WorkspaceScope): Promise<LifecycleStageRule[]> {
  const row = await scope.db
    .selectFrom('workspaces')
    .select('lifecycle_stages')
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirst();
  return (row?.lifecycle_stages as LifecycleStageRule[] | null | undefined) ?? [...defaultLifecycleStageRules];
}

/** Saves checked stage rules (see core's `checkLifecycleStages`). */
export async function writeLifecycleStages(scope: WorkspaceScope, stages: readonly LifecycleStageRule[]): Promise<void> {
  await scope.db
    .updateTable('workspaces')
    .set({ lifecycle_stages: JSON.stringify(stages) })
    .where('workspace_id', '=', scope.workspaceId)
    .execute();
}
