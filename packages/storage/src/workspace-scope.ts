import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * One workspace's view of the database, built once at a root (a request, a CLI command, a
 * background job taking one workspace's work) and passed down: repositories read
 * `workspaceId` from it and take the time from `clock`, never from the system clock.
 */
export interface WorkspaceScope {
  readonly db: Kysely<Database>;
  readonly workspaceId: string;
  readonly clock: () => Date;
}

/** The scope of one workspace on a database (or a transaction) with the root's clock. */
export function workspaceScope(db: Kysely<Database>, workspaceId: string, clock: () => Date): WorkspaceScope {
  return { db, workspaceId, clock };
}

/**
 * Runs `work` in one transaction and hands it the scope bound to that transaction.
 *
 * This is the one place a workspace's transaction begins: row-level security will set
 * `SET LOCAL app.workspace_id` here, before `work` runs, so every statement of the
 * transaction sees only this workspace's rows.
 */
export async function inWorkspaceTransaction<T>(scope: WorkspaceScope, work: (tx: WorkspaceScope) => Promise<T>): Promise<T> {
  return scope.db.transaction().execute((tx) => work({ ...scope, db: tx }));
}

/** The same scope with its clock stopped at the current instant, for work that must stamp one time throughout. */
export function atOneInstant(scope: WorkspaceScope): WorkspaceScope {
  const now = scope.clock();
  return { ...scope, clock: () => now };
}
