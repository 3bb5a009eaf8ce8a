import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** Who may send events from a browser, and whether events keep the sender's IP address. */
export interface IngestionSettings {
  /** Origins (`https://app.example.com`) whose pages may send events; `*` any; none: no browser ingestion. */
  allowedOrigins: string[];
  /** Keep `context.ip` on stored events; off by default, as an IP address is personal data. */
  allowIp: boolean;
}

/** The workspace's ingestion settings. */
export async function readIngestionSettings(scope: WorkspaceScope): Promise<IngestionSettings> {
  const row = await scope.db
    .selectFrom('workspaces')
    .select(['allowed_origins', 'allow_ip'])
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirst();
  return { allowedOrigins: row?.allowed_origins ?? [], allowIp: row?.allow_ip ?? false };
}

/** Replaces the ingestion settings in the caller's transaction; answers the previous ones. */
export async function writeIngestionSettings(scope: WorkspaceScope, settings: IngestionSettings): Promise<IngestionSettings> {
  const before = await readIngestionSettings(scope);
  await scope.db
    .updateTable('workspaces')
    .set({ allowed_origins: settings.allowedOrigins, allow_ip: settings.allowIp })
    .where('workspace_id', '=', scope.workspaceId)
    .execute();
  return before;
}

/**
 * Whether some workspace lets pages of this origin send events. A CORS preflight names no write
 * key, so it can only be answered for all workspaces; the request that follows is then held to
 * its own workspace's origins.
 */
export async function originAllowedByAnyWorkspace(db: Kysely<Database>, origin: string): Promise<boolean> {
  const row = await sql<{ allowed: boolean }>`
    SELECT EXISTS (SELECT 1 FROM workspaces WHERE ${origin} = ANY(allowed_origins) OR '*' = ANY(allowed_origins)) AS allowed`.execute(db);
  return row.rows[0]?.allowed ?? false;
}
