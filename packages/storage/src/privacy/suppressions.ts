import type { WorkspaceScope } from '../workspace-scope.js';

/** Adds keyed hashes of an erased person's identifiers, in the caller's transaction. */
export async function addSuppressions(scope: WorkspaceScope, hashes: readonly Buffer[]): Promise<void> {
  if (hashes.length === 0) return;
  await scope.db
    .insertInto('suppressions')
    .values(hashes.map((h) => ({ workspace_id: scope.workspaceId, identifier_hash: h, created_at: scope.clock() })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Whether the workspace suppresses anyone: one index probe, so ingestion skips hashing when not. */
export async function hasSuppressions(scope: WorkspaceScope): Promise<boolean> {
  const row = await scope.db
    .selectFrom('suppressions')
    .select('identifier_hash')
    .where('workspace_id', '=', scope.workspaceId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Which of these hashes are suppressed, as hex. */
export async function findSuppressed(scope: WorkspaceScope, hashes: readonly Buffer[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await scope.db
    .selectFrom('suppressions')
    .select('identifier_hash')
    .where('workspace_id', '=', scope.workspaceId)
    .where('identifier_hash', 'in', [...hashes])
    .execute();
  return new Set(rows.map((r) => r.identifier_hash.toString('hex')));
}
