import { sql } from 'kysely';
import type { SlaPolicy } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

type Row = { policy_key: string; name: string; business_hours: boolean; targets: unknown };
const toPolicy = (row: Row): SlaPolicy => ({
  key: row.policy_key,
  name: row.name,
  businessHours: row.business_hours,
  targets: row.targets as SlaPolicy['targets'],
});

/** The workspace's SLA policies by key. */
export async function listSlaPolicies(scope: WorkspaceScope): Promise<SlaPolicy[]> {
  const rows = await scope.db
    .selectFrom('sla_policies')
    .select(['policy_key', 'name', 'business_hours', 'targets'])
    .where('workspace_id', '=', scope.workspaceId)
    .orderBy('policy_key')
    .execute();
  return rows.map(toPolicy);
}

export async function findSlaPolicy(scope: WorkspaceScope, key: string): Promise<SlaPolicy | undefined> {
  const row = await scope.db
    .selectFrom('sla_policies')
    .select(['policy_key', 'name', 'business_hours', 'targets'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('policy_key', '=', key)
    .executeTakeFirst();
  return row && toPolicy(row);
}

/** Creates or replaces an SLA policy; answers whether it was new. */
export async function saveSlaPolicy(scope: WorkspaceScope, policy: SlaPolicy): Promise<{ created: boolean }> {
  const row = await scope.db
    .insertInto('sla_policies')
    .values({
      workspace_id: scope.workspaceId,
      policy_key: policy.key,
      name: policy.name,
      business_hours: policy.businessHours,
      targets: JSON.stringify(policy.targets),
      updated_at: scope.clock(),
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'policy_key']).doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        business_hours: eb.ref('excluded.business_hours'),
        targets: eb.ref('excluded.targets'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    // xmax is 0 only on a row this statement inserted.
    .returning(sql<boolean>`(xmax = 0)`.as('created'))
    .executeTakeFirstOrThrow();
  return { created: row.created };
}

export async function deleteSlaPolicy(scope: WorkspaceScope, key: string): Promise<boolean> {
  const result = await scope.db
    .deleteFrom('sla_policies')
    .where('workspace_id', '=', scope.workspaceId)
    .where('policy_key', '=', key)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Minutes before an SLA target that `sla.warning` fires, as the workspace set it (null: the default). */
export async function readSlaWarningMinutes(scope: WorkspaceScope): Promise<number | null> {
  const row = await scope.db
    .selectFrom('workspaces')
    .select('sla_warning_minutes')
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirstOrThrow();
  return row.sla_warning_minutes;
}

export async function writeSlaWarningMinutes(scope: WorkspaceScope, minutes: number | null): Promise<void> {
  await scope.db.updateTable('workspaces').set({ sla_warning_minutes: minutes }).where('workspace_id', '=', scope.workspaceId).execute();
}
