import { sql, type Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** A canned response as stored: its Liquid body unrendered, its scopes null when unrestricted. */
export interface CannedResponseRecord {
  key: string;
  title: string;
  body: string;
  /** Only for tickets whose requester or account is in one of these segments; null for any. */
  segments: string[] | null;
  /** Only for tickets in one of these languages (ISO 639-1); null for any. */
  languages: string[] | null;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

function toCannedResponse(r: Selectable<Database['canned_responses']>): CannedResponseRecord {
  return {
    key: r.response_key,
    title: r.title,
    body: r.body,
    segments: r.segments,
    languages: r.languages,
    tags: r.tags,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Creates or replaces a canned response; answers whether it was new. */
export async function upsertCannedResponse(
  scope: WorkspaceScope,
  response: Omit<CannedResponseRecord, 'createdAt' | 'updatedAt'>,
): Promise<{ response: CannedResponseRecord; created: boolean }> {
  const { db, workspaceId } = scope;
  const now = scope.clock();
  const result = await sql<Selectable<Database['canned_responses']> & { inserted: boolean }>`
    INSERT INTO canned_responses (workspace_id, response_key, title, body, segments, languages, tags, created_at, updated_at)
    VALUES (${workspaceId}, ${response.key}, ${response.title}, ${response.body}, ${response.segments}::text[],
      ${response.languages}::text[], ${response.tags}::text[], ${now}, ${now})
    ON CONFLICT (workspace_id, response_key) DO UPDATE SET title = excluded.title, body = excluded.body,
      segments = excluded.segments, languages = excluded.languages, tags = excluded.tags, updated_at = excluded.updated_at
    RETURNING *, (xmax = 0) AS inserted`.execute(db);
  const row = result.rows[0]!;
  return { response: toCannedResponse(row), created: row.inserted };
}

export async function findCannedResponse(scope: WorkspaceScope, key: string): Promise<CannedResponseRecord | undefined> {
  const { db, workspaceId } = scope;
  const row = await db
    .selectFrom('canned_responses')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('response_key', '=', key)
    .executeTakeFirst();
  return row ? toCannedResponse(row) : undefined;
}

export async function listCannedResponses(scope: WorkspaceScope): Promise<CannedResponseRecord[]> {
  const { db, workspaceId } = scope;
  const rows = await db
    .selectFrom('canned_responses')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('response_key')
    .execute();
  return rows.map(toCannedResponse);
}

export async function deleteCannedResponse(scope: WorkspaceScope, key: string): Promise<boolean> {
  const { db, workspaceId } = scope;
  const result = await db
    .deleteFrom('canned_responses')
    .where('workspace_id', '=', workspaceId)
    .where('response_key', '=', key)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
