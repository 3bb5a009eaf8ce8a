import { sql } from 'kysely';
import type { QueueDefinition } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

export interface StoredQueue extends QueueDefinition {
  lastAssigned: string | null;
  createdAt: Date;
  updatedAt: Date;
}

type QueueRow = {
  key: string;
  name: string;
  assignment: QueueDefinition['assignment'];
  language_fallback: QueueDefinition['languageFallback'];
  agents: QueueDefinition['agents'];
  help_desk_groups: QueueDefinition['helpDeskGroups'];
  last_assigned: string | null;
  created_at: Date;
  updated_at: Date;
};

const toQueue = (r: QueueRow): StoredQueue => ({
  key: r.key,
  name: r.name,
  assignment: r.assignment,
  languageFallback: r.language_fallback,
  agents: r.agents,
  helpDeskGroups: r.help_desk_groups,
  lastAssigned: r.last_assigned,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const columns = [
  'key',
  'name',
  'assignment',
  'language_fallback',
  'agents',
  'help_desk_groups',
  'last_assigned',
  'created_at',
  'updated_at',
] as const;

export async function listQueues(scope: WorkspaceScope): Promise<StoredQueue[]> {
  const rows = await scope.db
    .selectFrom('support_queues')
    .select(columns)
    .where('workspace_id', '=', scope.workspaceId)
    .orderBy('key')
    .execute();
  return rows.map(toQueue);
}

/** One queue; with `forUpdate`, locked until the caller's transaction ends (assignments in it take turns). */
export async function findQueue(
  scope: WorkspaceScope,
  key: string,
  options: { forUpdate?: boolean } = {},
): Promise<StoredQueue | undefined> {
  let query = scope.db.selectFrom('support_queues').select(columns).where('workspace_id', '=', scope.workspaceId).where('key', '=', key);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toQueue(row);
}

/** Creates or replaces a queue; its round-robin position is kept. */
export async function saveQueue(scope: WorkspaceScope, queue: QueueDefinition): Promise<StoredQueue> {
  const row = await scope.db
    .insertInto('support_queues')
    .values({
      workspace_id: scope.workspaceId,
      key: queue.key,
      name: queue.name,
      assignment: queue.assignment,
      language_fallback: queue.languageFallback,
      agents: JSON.stringify(queue.agents),
      help_desk_groups: JSON.stringify(queue.helpDeskGroups),
    })
    .onConflict((c) =>
      c.columns(['workspace_id', 'key']).doUpdateSet({
        name: queue.name,
        assignment: queue.assignment,
        language_fallback: queue.languageFallback,
        agents: JSON.stringify(queue.agents),
        help_desk_groups: JSON.stringify(queue.helpDeskGroups),
        updated_at: sql`now()`,
      }),
    )
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toQueue(row);
}

export async function deleteQueue(scope: WorkspaceScope, key: string): Promise<boolean> {
  const result = await scope.db
    .deleteFrom('support_queues')
    .where('workspace_id', '=', scope.workspaceId)
    .where('key', '=', key)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function recordRoundRobinPick(scope: WorkspaceScope, key: string, email: string): Promise<void> {
  await scope.db
    .updateTable('support_queues')
    .set({ last_assigned: email })
    .where('workspace_id', '=', scope.workspaceId)
    .where('key', '=', key)
    .execute();
}
