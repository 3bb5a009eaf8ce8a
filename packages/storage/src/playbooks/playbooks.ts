import { isDeepStrictEqual } from 'node:util';
import { sql, type Kysely } from 'kysely';
import type { Playbook, PlaybookDefinition } from '@strata/core';
import type { Database } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** A stored playbook with when it was last saved. */
export interface StoredPlaybook extends Playbook {
  /** Changes from before this instant enroll nobody: a playbook acts on what happens after it exists. */
  createdAt: Date;
  updatedAt: Date;
}

type Row = { playbook_key: string; version: number; definition: unknown; created_at: Date; updated_at: Date };
const columns = ['playbook_key', 'version', 'definition', 'created_at', 'updated_at'] as const;
const toPlaybook = (row: Row): StoredPlaybook => ({
  ...(row.definition as PlaybookDefinition),
  key: row.playbook_key,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** The workspace's playbooks by key, each at its current version. */
export async function listPlaybooks(scope: WorkspaceScope): Promise<StoredPlaybook[]> {
  const rows = await scope.db
    .selectFrom('playbooks')
    .select(columns)
    .where('workspace_id', '=', scope.workspaceId)
    .orderBy('playbook_key')
    .execute();
  return rows.map(toPlaybook);
}

export async function findPlaybook(scope: WorkspaceScope, key: string): Promise<StoredPlaybook | undefined> {
  const row = await scope.db
    .selectFrom('playbooks')
    .select(columns)
    .where('workspace_id', '=', scope.workspaceId)
    .where('playbook_key', '=', key)
    .executeTakeFirst();
  return row && toPlaybook(row);
}

/** The definition of one version, which an enrolment that started on it keeps running. */
export async function findPlaybookVersion(scope: WorkspaceScope, key: string, version: number): Promise<PlaybookDefinition | undefined> {
  const row = await scope.db
    .selectFrom('playbook_versions')
    .select('definition')
    .where('workspace_id', '=', scope.workspaceId)
    .where('playbook_key', '=', key)
    .where('version', '=', version)
    .executeTakeFirst();
  return row?.definition as PlaybookDefinition | undefined;
}

/**
 * Saves a playbook as a new version (the first is 1), or as nothing new when the definition is
 * the one already current. Locks the playbook's row, so two saves at once number in turn.
 */
export async function savePlaybook(
  scope: WorkspaceScope,
  key: string,
  definition: PlaybookDefinition,
): Promise<{ created: boolean; version: number }> {
  const { db, workspaceId } = scope;
  const current = await db
    .selectFrom('playbooks')
    .select(['version', 'definition'])
    .where('workspace_id', '=', workspaceId)
    .where('playbook_key', '=', key)
    .forUpdate()
    .executeTakeFirst();
  const json = JSON.stringify(definition);
  // jsonb keeps keys in its own order: compare as values, after JSON drops undefined properties.
  if (current && isDeepStrictEqual(current.definition, JSON.parse(json))) return { created: false, version: current.version };
  const version = (current?.version ?? 0) + 1;
  const at = scope.clock();
  if (current)
    await db
      .updateTable('playbooks')
      .set({ name: definition.name, enabled: definition.enabled, version, definition: json, updated_at: at })
      .where('workspace_id', '=', workspaceId)
      .where('playbook_key', '=', key)
      .execute();
  else
    await db
      .insertInto('playbooks')
      .values({
        workspace_id: workspaceId,
        playbook_key: key,
        name: definition.name,
        enabled: definition.enabled,
        version,
        definition: json,
        created_at: at,
        updated_at: at,
      })
      .execute();
  await db
    .insertInto('playbook_versions')
    .values({ workspace_id: workspaceId, playbook_key: key, version, definition: json, created_at: at })
    .execute();
  await recordPlaybookTriggers(scope);
  return { created: !current, version };
}

/** Deletes a playbook with its versions, enrolments and their step records. */
export async function deletePlaybook(scope: WorkspaceScope, key: string): Promise<boolean> {
  const result = await scope.db
    .deleteFrom('playbooks')
    .where('workspace_id', '=', scope.workspaceId)
    .where('playbook_key', '=', key)
    .executeTakeFirst();
  await recordPlaybookTriggers(scope);
  return result.numDeletedRows > 0n;
}

/**
 * Keeps `workspaces.playbook_triggers`, the trigger kinds of the workspace's enabled playbooks, in
 * the caller's transaction: pollers across workspaces read it to skip those with nothing to poll.
 */
async function recordPlaybookTriggers(scope: WorkspaceScope): Promise<void> {
  await sql`
    UPDATE workspaces SET playbook_triggers = ARRAY(
      SELECT DISTINCT definition -> 'trigger' ->> 'on' FROM playbooks WHERE workspace_id = ${scope.workspaceId} AND enabled ORDER BY 1)
    WHERE workspace_id = ${scope.workspaceId}`.execute(scope.db);
}

/** The workspaces with an enabled playbook of one of these trigger kinds, in id order: one query of the global table. */
export async function listWorkspacesWithPlaybooksOn(db: Kysely<Database>, kinds: readonly string[]): Promise<string[]> {
  const rows = await db
    .selectFrom('workspaces')
    .select('workspace_id')
    .where(sql<boolean>`playbook_triggers && ${[...kinds]}::text[]`)
    .orderBy('workspace_id')
    .execute();
  return rows.map((r) => r.workspace_id);
}
