import type { WorkspaceScope } from '../workspace-scope.js';

/** Where a schedule playbook stands: its last enrolled cron time, and the one being enrolled in chunks. */
export interface ScheduleTick {
  /** The last cron time enrolled to the end (or the time enrolment was counted from, before the first). */
  lastTickAt: Date;
  /** A cron time whose enrolment has begun, and the last person id it enrolled: the next chunk goes on after it. */
  running: { tickAt: Date; after: string } | null;
}

/** The playbook's schedule tick, locked until the transaction ends; undefined before its first. */
export async function findScheduleTick(scope: WorkspaceScope, playbookKey: string): Promise<ScheduleTick | undefined> {
  const row = await scope.db
    .selectFrom('playbook_schedule_ticks')
    .select(['last_tick_at', 'running_tick_at', 'running_after'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('playbook_key', '=', playbookKey)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return undefined;
  const running = row.running_tick_at && row.running_after ? { tickAt: row.running_tick_at, after: row.running_after } : null;
  return { lastTickAt: row.last_tick_at, running };
}

export async function saveScheduleTick(scope: WorkspaceScope, playbookKey: string, tick: ScheduleTick): Promise<void> {
  const values = {
    last_tick_at: tick.lastTickAt,
    running_tick_at: tick.running?.tickAt ?? null,
    running_after: tick.running?.after ?? null,
  };
  await scope.db
    .insertInto('playbook_schedule_ticks')
    .values({ workspace_id: scope.workspaceId, playbook_key: playbookKey, ...values })
    .onConflict((oc) => oc.columns(['workspace_id', 'playbook_key']).doUpdateSet(values))
    .execute();
}
