import { sql } from 'kysely';
import type { PolicyExperiment, PolicySet, SupportPolicy, TicketRule } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

/** Progress of re-deciding the open tickets after a policy changed. */
export interface RedecisionProgress {
  status: 'running' | 'done';
  done: number;
  total: number;
  startedAt: string;
  finishedAt: string | null;
}

/** A stored policy with the progress of the re-decision its last change started. */
export interface StoredSupportPolicy extends SupportPolicy {
  redecision: RedecisionProgress | null;
}

type Row = {
  policy_key: string;
  name: string;
  position: number;
  rule_text: string;
  rule: unknown;
  sets: unknown;
  experiment: unknown;
  redecision: unknown;
};
const columns = ['policy_key', 'name', 'position', 'rule_text', 'rule', 'sets', 'experiment', 'redecision'] as const;
const toPolicy = (row: Row): StoredSupportPolicy => ({
  key: row.policy_key,
  name: row.name,
  position: row.position,
  whenText: row.rule_text,
  when: row.rule as TicketRule,
  set: row.sets as PolicySet,
  ...(row.experiment ? { experiment: row.experiment as PolicyExperiment } : {}),
  redecision: row.redecision as RedecisionProgress | null,
});

/** The workspace's support policies in the order they apply: position, then key. */
export async function listSupportPolicies(scope: WorkspaceScope): Promise<StoredSupportPolicy[]> {
  const rows = await scope.db
    .selectFrom('support_policies')
    .select(columns)
    .where('workspace_id', '=', scope.workspaceId)
    .orderBy('position')
    .orderBy('policy_key')
    .execute();
  return rows.map(toPolicy);
}

export async function findSupportPolicy(scope: WorkspaceScope, key: string): Promise<StoredSupportPolicy | undefined> {
  const row = await scope.db
    .selectFrom('support_policies')
    .select(columns)
    .where('workspace_id', '=', scope.workspaceId)
    .where('policy_key', '=', key)
    .executeTakeFirst();
  return row && toPolicy(row);
}

/** Creates or replaces a support policy; answers whether it was new. */
export async function saveSupportPolicy(scope: WorkspaceScope, policy: SupportPolicy): Promise<{ created: boolean }> {
  const row = await scope.db
    .insertInto('support_policies')
    .values({
      workspace_id: scope.workspaceId,
      policy_key: policy.key,
      name: policy.name,
      position: policy.position,
      rule_text: policy.whenText,
      rule: JSON.stringify(policy.when),
      sets: JSON.stringify(policy.set),
      experiment: policy.experiment ? JSON.stringify(policy.experiment) : null,
      updated_at: scope.clock(),
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'policy_key']).doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        position: eb.ref('excluded.position'),
        rule_text: eb.ref('excluded.rule_text'),
        rule: eb.ref('excluded.rule'),
        sets: eb.ref('excluded.sets'),
        experiment: eb.ref('excluded.experiment'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    // xmax is 0 only on a row this statement inserted.
    .returning(sql<boolean>`(xmax = 0)`.as('created'))
    .executeTakeFirstOrThrow();
  return { created: row.created };
}

export async function deleteSupportPolicy(scope: WorkspaceScope, key: string): Promise<boolean> {
  const result = await scope.db
    .deleteFrom('support_policies')
    .where('workspace_id', '=', scope.workspaceId)
    .where('policy_key', '=', key)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Sets each policy's position (keys in their new order get 10, 20, 30, ...); the caller checks every policy is listed once. */
export async function reorderSupportPolicies(scope: WorkspaceScope, keys: readonly string[]): Promise<void> {
  for (const [i, key] of keys.entries())
    await scope.db
      .updateTable('support_policies')
      .set({ position: (i + 1) * 10 })
      .where('workspace_id', '=', scope.workspaceId)
      .where('policy_key', '=', key)
      .execute();
}

/** Records how far re-deciding the open tickets after the policy's change has come (nothing when it was deleted). */
export async function recordRedecision(scope: WorkspaceScope, key: string, progress: RedecisionProgress): Promise<void> {
  await scope.db
    .updateTable('support_policies')
    .set({ redecision: JSON.stringify(progress) })
    .where('workspace_id', '=', scope.workspaceId)
    .where('policy_key', '=', key)
    .execute();
}
