import { sql } from 'kysely';
import type { SegmentSize, SharedMembers } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

/** Every segment's key, target, current size and whether it has an active version, by key. */
export async function listSegmentSizes(scope: WorkspaceScope): Promise<Array<SegmentSize & { active: boolean }>> {
  const { rows } = await sql<{ key: string; target: 'person' | 'account'; size: number; active: boolean }>`
    SELECT s.segment_key AS key, s.target, s.active_version IS NOT NULL AS active,
           (SELECT count(*)::int FROM segment_members m WHERE m.workspace_id = s.workspace_id AND m.segment_key = s.segment_key) AS size
    FROM segments s WHERE s.workspace_id = ${scope.workspaceId} ORDER BY s.segment_key`.execute(scope.db);
  return rows;
}

/**
 * Members each pair of the given segments shares now (pairs with none are left out). One pass
 * over the members of those segments, paired by member through the `(workspace_id, member_id)` index.
 */
export async function listSharedMembers(scope: WorkspaceScope, keys: readonly string[]): Promise<SharedMembers[]> {
  if (keys.length < 2) return [];
  const { rows } = await sql<SharedMembers>`
    SELECT a.segment_key AS a, b.segment_key AS b, count(*)::int AS shared
    FROM segment_members a
    JOIN segment_members b ON b.workspace_id = a.workspace_id AND b.member_id = a.member_id AND b.segment_key > a.segment_key
    WHERE a.workspace_id = ${scope.workspaceId} AND a.segment_key = ANY(${keys}::text[]) AND b.segment_key = ANY(${keys}::text[])
    GROUP BY 1, 2`.execute(scope.db);
  return rows;
}

/** Per target: its profiles, and how many of them are in no segment at all. */
export async function readCoverage(
  scope: WorkspaceScope,
): Promise<Record<'person' | 'account', { profiles: number; inNoSegment: number }>> {
  const ws = scope.workspaceId;
  const { rows } = await sql<{ people: number; people_out: number; accounts: number; accounts_out: number }>`
    SELECT
      (SELECT count(*)::int FROM people p WHERE p.workspace_id = ${ws}) AS people,
      (SELECT count(*)::int FROM people p WHERE p.workspace_id = ${ws}
        AND NOT EXISTS (SELECT 1 FROM segment_members m WHERE m.workspace_id = ${ws} AND m.member_id = p.person_id)) AS people_out,
      (SELECT count(*)::int FROM accounts a WHERE a.workspace_id = ${ws}) AS accounts,
      (SELECT count(*)::int FROM accounts a WHERE a.workspace_id = ${ws}
        AND NOT EXISTS (SELECT 1 FROM segment_members m WHERE m.workspace_id = ${ws} AND m.member_id = a.account_id)) AS accounts_out`.execute(
    scope.db,
  );
  const r = rows[0]!;
  return { person: { profiles: r.people, inNoSegment: r.people_out }, account: { profiles: r.accounts, inNoSegment: r.accounts_out } };
}
