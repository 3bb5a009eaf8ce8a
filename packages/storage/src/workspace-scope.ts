import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { databaseForWorkspace } from './workspace-database.js';

/**
 * One workspace's view of the database, built once at a root (a request, a CLI command, a
 * background job taking one workspace's work) and passed down: repositories read
 * `workspaceId` from it and take the time from `clock`, never from the system clock.
 *
 * `db` is the workspace's own Kysely (`workspace-database.ts`): every statement made through it
 * runs with `app.workspace_id` set for its transaction, so row-level security shows it this
 * workspace's rows and refuses writes to another's.
 */
export interface WorkspaceScope {
  readonly db: Kysely<Database>;
  readonly workspaceId: string;
  readonly clock: () => Date;
}

/**
 * The scope of one workspace on a database opened with `openDatabase` (or on this workspace's
 * database or transaction again) with the root's clock.
 */
export function workspaceScope(db: Kysely<Database>, workspaceId: string, clock: () => Date): WorkspaceScope {
  return { db: databaseForWorkspace(db, workspaceId), workspaceId, clock };
}

/**
 * Runs `work` in one transaction and hands it the scope bound to that transaction.
 *
 * This is the one place a workspace's transaction begins: the scope's database sets
 * `app.workspace_id` with the BEGIN (`SET LOCAL`), before `work` runs, so every statement of
 * the transaction sees only this workspace's rows.
 */
export async function inWorkspaceTransaction<T>(scope: WorkspaceScope, work: (tx: WorkspaceScope) => Promise<T>): Promise<T> {
  return scope.db.transaction().execute((tx) => work({ ...scope, db: tx }));
}

/** The same scope with its clock stopped at the current instant, for work that must stamp one time throughout. */
export function atOneInstant(scope: WorkspaceScope): WorkspaceScope {
  const now = scope.clock();
  return { ...scope, clock: () => now };
}

/**
 * Runs `work` in each workspace's scope in turn, in id order. Code that spans workspaces (sweeps,
 * process metrics, pruning) works this way: row-level security never lets one statement read
 * two workspaces, and no workspace's backlog can hold up another's.
 */
export async function forEachWorkspace<T>(
  db: Kysely<Database>,
  clock: () => Date,
  work: (scope: WorkspaceScope) => Promise<T>,
): Promise<T[]> {
  const workspaces = await db.selectFrom('workspaces').select('workspace_id').orderBy('workspace_id').execute();
  const results: T[] = [];
  for (const { workspace_id } of workspaces) results.push(await work(workspaceScope(db, workspace_id, clock)));
  return results;
}
