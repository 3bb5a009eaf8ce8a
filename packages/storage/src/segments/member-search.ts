import { sql, type RawBuilder } from 'kysely';
import type { Target } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

/** A customer found from a segment's page: who, and whether (since when) they are a member. */
export interface SegmentMemberHit {
  id: string;
  name: string | null;
  email: string | null;
  domain: string | null;
  member: boolean;
  enteredAt: Date | null;
}

/**
 * Customers of the segment's target whose id, email or name (accounts: id, name or domain) starts
 * with `q`, case-insensitively, each with its membership: members first, then an exact id, then by
 * id; at most `limit`. The prefix match is the header search's (migration 0014: stored lowercased
 * columns with `text_pattern_ops` indexes, matched by the leakproof `starts_with`, so row-level
 * security lets the planner use them); membership is a lookup of each hit by the members' primary key.
 */
export async function searchSegmentMembers(
  scope: WorkspaceScope,
  segment: { key: string; target: Target },
  q: string,
  limit: number,
): Promise<SegmentMemberHit[]> {
  const rows = await segmentMemberSearch(scope, segment, q, limit).execute(scope.db);
  return rows.rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    domain: r.domain,
    member: r.entered_at !== null,
    enteredAt: r.entered_at,
  }));
}

/** The statement of `searchSegmentMembers`, for tests that EXPLAIN it. */
export function segmentMemberSearch(scope: WorkspaceScope, segment: { key: string; target: Target }, q: string, limit: number) {
  const { workspaceId } = scope;
  const starts = (column: string) => sql<boolean>`starts_with(p.${sql.ref(column)}, lower(${q}))`;
  // A subquery per hit, by the members' primary key: its cost follows the hits, never the
  // segment's size (as a join, the planner may read every member of a large segment).
  const enteredAt = (profileId: RawBuilder<unknown>) =>
    sql`(SELECT m.entered_at FROM segment_members m
         WHERE m.workspace_id = p.workspace_id AND m.segment_key = ${segment.key} AND m.member_id = ${profileId})`;
  const hits =
    segment.target === 'person'
      ? sql`SELECT p.user_id AS id, p.traits ->> 'name' AS name, p.traits ->> 'email' AS email, NULL AS domain,
              ${enteredAt(sql`p.person_id`)} AS entered_at
            FROM people p
            WHERE p.workspace_id = ${workspaceId} AND p.user_id IS NOT NULL
              AND (${starts('search_user_id')} OR ${starts('search_email')} OR ${starts('search_name')})`
      : sql`SELECT p.group_id AS id, p.traits ->> 'name' AS name, NULL AS email, p.traits ->> 'domain' AS domain,
              ${enteredAt(sql`p.account_id`)} AS entered_at
            FROM accounts p
            WHERE p.workspace_id = ${workspaceId}
              AND (${starts('search_group_id')} OR ${starts('search_name')} OR ${starts('search_domain')})`;
  return sql<HitRow>`SELECT * FROM (${hits}) hits ORDER BY entered_at IS NULL, id = ${q} DESC, id LIMIT ${limit}`;
}

interface HitRow {
  id: string;
  name: string | null;
  email: string | null;
  domain: string | null;
  entered_at: Date | null;
}
