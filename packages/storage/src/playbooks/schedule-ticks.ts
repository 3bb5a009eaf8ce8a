import type { WorkspaceScope } from '../workspace-scope.js';

/** The last cron time a schedule playbook enrolled at; undefined before its first. */
export async function findScheduleTick(scope: WorkspaceScope, playbookKey: string): Promise<Date | undefined> {
  const row = await scope.db
    .selectFrom('playbook_schedule_ticks')
    .select('last_tick_at')
    .where('workspace_id', '=', scope.workspaceId)
    .where('playbook_key', '=', playbookKey)
    .forUpdate()
    .executeTakeFirst();
  return row?.last_tick_at;
}

export async function saveScheduleTick(scope: WorkspaceScope, playbookKey: string, at: Date): Promise<void> {
  await scope.db
    .insertInto('playbook_schedule_ticks')
    .values({ workspace_id: scope.workspaceId, playbook_key: playbookKey, last_tick_at: at })
    .onConflict((oc) => oc.columns(['workspace_id', 'playbook_key']).doUpdateSet({ last_tick_at: at }))
    .execute();
}
