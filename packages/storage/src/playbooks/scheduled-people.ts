import type { WorkspaceScope } from '../workspace-scope.js';

/**
 * The next people a schedule enrolls from a segment now, by person id after `after`: the
 * segment's people, or the people of its accounts (each once), `limit` at a time, so a large
 * segment is enrolled in chunks that each commit.
 */
export async function listScheduledPeopleIds(
  scope: WorkspaceScope,
  segment: { key: string; target: 'person' | 'account' },
  after: string | null,
  limit: number,
): Promise<string[]> {
  const { db, workspaceId } = scope;
  if (segment.target === 'person') {
    let query = db
      .selectFrom('segment_members')
      .select('member_id as person_id')
      .where('workspace_id', '=', workspaceId)
      .where('segment_key', '=', segment.key);
    if (after !== null) query = query.where('member_id', '>', after);
    const rows = await query.orderBy('member_id').limit(limit).execute();
    return rows.map((r) => r.person_id);
  }
  let query = db
    .selectFrom('person_accounts as pa')
    .innerJoin('segment_members as m', (join) =>
      join.onRef('m.workspace_id', '=', 'pa.workspace_id').onRef('m.member_id', '=', 'pa.account_id'),
    )
    .select('pa.person_id')
    .distinct()
    .where('pa.workspace_id', '=', workspaceId)
    .where('m.segment_key', '=', segment.key);
  if (after !== null) query = query.where('pa.person_id', '>', after);
  const rows = await query.orderBy('pa.person_id').limit(limit).execute();
  return rows.map((r) => r.person_id);
}
