import { sql, type Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { BusinessHoursSetting, Database } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** A tenant. */
export interface Workspace {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  createdAt: Date;
}

function toWorkspace(row: { workspace_id: string; slug: string; name: string; timezone: string; created_at: Date }): Workspace {
  return { id: row.workspace_id, slug: row.slug, name: row.name, timezone: row.timezone, createdAt: row.created_at };
}

/** Creates a workspace; `slug` is its unique, URL-safe name. */
export async function createWorkspace(db: Kysely<Database>, input: { slug: string; name?: string; timezone?: string }): Promise<Workspace> {
  const row = await db
    .insertInto('workspaces')
    .values({
      workspace_id: uuidv7(),
      slug: input.slug,
      name: input.name ?? input.slug,
      ...(input.timezone ? { timezone: input.timezone } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toWorkspace(row);
}

export async function findWorkspaceBySlug(db: Kysely<Database>, slug: string): Promise<Workspace | undefined> {
  const row = await db.selectFrom('workspaces').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row ? toWorkspace(row) : undefined;
}

export async function findWorkspaceById(db: Kysely<Database>, workspaceId: string): Promise<Workspace | undefined> {
  const row = await db.selectFrom('workspaces').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row ? toWorkspace(row) : undefined;
}

export async function listWorkspaces(db: Kysely<Database>): Promise<Workspace[]> {
  const rows = await db.selectFrom('workspaces').selectAll().orderBy('created_at').execute();
  return rows.map(toWorkspace);
}

/** The workspace's timezone and stored business-hours setting (null: the default hours). */
export async function readWorkspaceHours(scope: WorkspaceScope): Promise<{ timezone: string; businessHours: BusinessHoursSetting | null }> {
  const { db, workspaceId } = scope;
  const row = await db
    .selectFrom('workspaces')
    .select(['timezone', 'business_hours'])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return { timezone: row.timezone, businessHours: row.business_hours };
}

export async function writeBusinessHours(scope: WorkspaceScope, hours: BusinessHoursSetting): Promise<void> {
  const { db, workspaceId } = scope;
  await db
    .updateTable('workspaces')
    .set({ business_hours: JSON.stringify(hours) })
    .where('workspace_id', '=', workspaceId)
    .execute();
}

/** Renames the workspace or sets its timezone; the workspace as it is then. */
export async function updateWorkspace(
  scope: WorkspaceScope,
  change: { name?: string | undefined; timezone?: string | undefined },
): Promise<Workspace> {
  const { db, workspaceId } = scope;
  const row = await db
    .updateTable('workspaces')
    .set({
      ...(change.name === undefined ? {} : { name: change.name }),
      ...(change.timezone === undefined ? {} : { timezone: change.timezone }),
    })
    .where('workspace_id', '=', workspaceId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toWorkspace(row);
}

/**
 * The zone name as PostgreSQL's tz database spells it (`europe/berlin` → `Europe/Berlin`), or
 * undefined when calendar windows in SQL would not know it (`strata_timezones`, migration 0008).
 */
export async function findDatabaseTimezone(db: Kysely<Database>, name: string): Promise<string | undefined> {
  const row = await sql<{ name: string | null }>`SELECT strata_timezone(${name}) AS name`.execute(db);
  return row.rows[0]?.name ?? undefined;
}

/** The workspace, its row locked until the caller's transaction ends: a change reads what it replaces. */
export async function lockWorkspace(scope: WorkspaceScope): Promise<Workspace> {
  const { db, workspaceId } = scope;
  return toWorkspace(
    await db.selectFrom('workspaces').selectAll().where('workspace_id', '=', workspaceId).forUpdate().executeTakeFirstOrThrow(),
  );
}
