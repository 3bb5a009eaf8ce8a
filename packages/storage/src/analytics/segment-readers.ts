import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';

/** Something that names segments it acts on: a webhook, a canned response (null: every segment). */
export interface SegmentScopedThing {
  kind: 'webhook' | 'canned-response';
  key: string;
  segments: string[] | null;
}

/** Webhooks and canned responses with the segments they are limited to. */
export async function listSegmentScopedThings(scope: WorkspaceScope): Promise<SegmentScopedThing[]> {
  const ws = scope.workspaceId;
  const { rows } = await sql<SegmentScopedThing>`
    SELECT 'webhook' AS kind, w.webhook_key AS key, w.segments FROM webhooks w WHERE w.workspace_id = ${ws}
    UNION ALL
    SELECT 'canned-response', c.response_key, c.segments FROM canned_responses c WHERE c.workspace_id = ${ws}`.execute(scope.db);
  return rows;
}

/** The active rule (stored IR) of every segment that has one. */
export async function listActiveSegmentRules(scope: WorkspaceScope): Promise<Array<{ key: string; rule: unknown }>> {
  const { rows } = await sql<{ key: string; rule: unknown }>`
    SELECT s.segment_key AS key, v.rule FROM segments s
    JOIN segment_versions v ON v.workspace_id = s.workspace_id AND v.segment_key = s.segment_key AND v.version = s.active_version
    WHERE s.workspace_id = ${scope.workspaceId}`.execute(scope.db);
  return rows;
}
