import type { WorkspaceScope } from '../workspace-scope.js';

/** Every member of a segment now, by Strata id (people or accounts, as the segment's target). */
export async function listSegmentMemberIds(scope: WorkspaceScope, segmentKey: string): Promise<string[]> {
  const rows = await scope.db
    .selectFrom('segment_members')
    .select('member_id')
    .where('workspace_id', '=', scope.workspaceId)
    .where('segment_key', '=', segmentKey)
    .orderBy('member_id')
    .execute();
  return rows.map((r) => r.member_id);
}
