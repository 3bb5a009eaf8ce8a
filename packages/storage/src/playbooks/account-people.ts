import type { WorkspaceScope } from '../workspace-scope.js';

/** The people of an account, in the order they joined it: whom an account's playbook addresses. */
export async function listAccountPeopleIds(scope: WorkspaceScope, accountId: string): Promise<string[]> {
  const rows = await scope.db
    .selectFrom('person_accounts')
    .select('person_id')
    .where('workspace_id', '=', scope.workspaceId)
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('person_id')
    .execute();
  return rows.map((r) => r.person_id);
}
