import type { WorkspaceScope } from '../workspace-scope.js';

/** A task for a customer success manager, opened by a playbook's `task` step. */
export interface CsmTask {
  id: string;
  playbookKey: string | null;
  enrolmentId: string | null;
  personId: string;
  title: string;
  assignee: string | null;
  reason: string | null;
  dueAt: Date | null;
  status: 'open' | 'done';
  createdAt: Date;
  completedAt: Date | null;
}

type Row = {
  task_id: string;
  playbook_key: string | null;
  enrolment_id: string | null;
  person_id: string;
  title: string;
  assignee: string | null;
  reason: string | null;
  due_at: Date | null;
  status: 'open' | 'done';
  created_at: Date;
  completed_at: Date | null;
};
const columns = [
  'task_id',
  'playbook_key',
  'enrolment_id',
  'person_id',
  'title',
  'assignee',
  'reason',
  'due_at',
  'status',
  'created_at',
  'completed_at',
] as const;
const toTask = (row: Row): CsmTask => ({
  id: String(row.task_id),
  playbookKey: row.playbook_key,
  enrolmentId: row.enrolment_id === null ? null : String(row.enrolment_id),
  personId: row.person_id,
  title: row.title,
  assignee: row.assignee,
  reason: row.reason,
  dueAt: row.due_at,
  status: row.status,
  createdAt: row.created_at,
  completedAt: row.completed_at,
});

export async function insertCsmTask(
  scope: WorkspaceScope,
  task: Pick<CsmTask, 'playbookKey' | 'enrolmentId' | 'personId' | 'title' | 'assignee' | 'reason' | 'dueAt'>,
): Promise<string> {
  const row = await scope.db
    .insertInto('csm_tasks')
    .values({
      workspace_id: scope.workspaceId,
      playbook_key: task.playbookKey,
      enrolment_id: task.enrolmentId,
      person_id: task.personId,
      title: task.title,
      assignee: task.assignee,
      reason: task.reason,
      due_at: task.dueAt,
      status: 'open',
      created_at: scope.clock(),
    })
    .returning('task_id')
    .executeTakeFirstOrThrow();
  return String(row.task_id);
}

/** Tasks, oldest due first (undated last), optionally of one assignee and status. */
export async function listCsmTasks(
  scope: WorkspaceScope,
  filter: { assignee?: string | undefined; status?: 'open' | 'done' | undefined; limit: number },
): Promise<CsmTask[]> {
  let query = scope.db.selectFrom('csm_tasks').select(columns).where('workspace_id', '=', scope.workspaceId);
  if (filter.assignee !== undefined) query = query.where('assignee', '=', filter.assignee);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  const rows = await query
    .orderBy(
      (eb) => eb.ref('due_at'),
      (ob) => ob.asc().nullsLast(),
    )
    .orderBy('task_id')
    .limit(filter.limit)
    .execute();
  return rows.map(toTask);
}

/** Marks a task done or open again; undefined when there is no such task. */
export async function setCsmTaskStatus(scope: WorkspaceScope, id: string, status: 'open' | 'done'): Promise<CsmTask | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const row = await scope.db
    .updateTable('csm_tasks')
    .set({ status, completed_at: status === 'done' ? scope.clock() : null })
    .where('workspace_id', '=', scope.workspaceId)
    .where('task_id', '=', id)
    .returning(columns)
    .executeTakeFirst();
  return row && toTask(row);
}
