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
 * with `q`, case-insensitively, each with its membership: the exact id or email first, then
 * members, then by id; at most `limit`, chosen among exact matches and the first `memberSearchCandidates` others. The prefix match is the header search's (migration 0014: stored lowercased
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

/**
 * How many prefix matches are weighed: a short prefix ("p") matches most of a workspace, and
 * looking each one up in the segment would grow with it. Exact matches are always weighed.
 */
export const memberSearchCandidates = 200;

/** The statement of `searchSegmentMembers`, for tests that EXPLAIN it. */
export function segmentMemberSearch(scope: WorkspaceScope, segment: { key: string; target: Target }, q: string, limit: number) {
  const { workspaceId } = scope;
  const person = segment.target === 'person';
  const [id, keys] = person
    ? ['user_id', ['search_user_id', 'search_email', 'search_name']]
    : ['group_id', ['search_group_id', 'search_name', 'search_domain']];
  const any = (test: (column: string) => RawBuilder<boolean>) => sql<boolean>`${sql.join(keys.map(test), sql` OR `)}`;
  const candidates = (where: RawBuilder<boolean>, cap: number | null) =>
    sql`(SELECT p.${sql.ref(person ? 'person_id' : 'account_id')} AS profile_id, p.${sql.ref(id)} AS id, p.traits ->> 'name' AS name,
           ${person ? sql`p.traits ->> 'email'` : sql`NULL`} AS email, ${person ? sql`NULL` : sql`p.traits ->> 'domain'`} AS domain
         FROM ${sql.table(person ? 'people' : 'accounts')} p
         WHERE p.workspace_id = ${workspaceId} ${person ? sql`AND p.user_id IS NOT NULL` : sql``} AND (${where})
         ${cap === null ? sql`` : sql`LIMIT ${cap}`})`;
  // Exact id, email (name, domain) first, then up to `memberSearchCandidates` prefix matches;
  // each is looked up in the segment by key (a subquery per candidate, so the planner never reads
  // the whole segment). `=` and `starts_with` on the stored lowercased columns are leakproof:
  // under row-level security they still use the indexes of migration 0014.
  const found = sql`${candidates(
    any((c) => sql<boolean>`p.${sql.ref(c)} = lower(${q})`),
    null,
  )}
    UNION ${candidates(
      any((c) => sql<boolean>`starts_with(p.${sql.ref(c)}, lower(${q}))`),
      memberSearchCandidates,
    )}`;
  return sql<HitRow>`
    SELECT * FROM (
      SELECT f.id, f.name, f.email, f.domain,
        (SELECT m.entered_at FROM segment_members m
          WHERE m.workspace_id = ${workspaceId} AND m.segment_key = ${segment.key} AND m.member_id = f.profile_id) AS entered_at
      FROM (${found}) f
    ) hits
    ORDER BY id = ${q} OR lower(email) = lower(${q}) DESC NULLS LAST, entered_at IS NULL, id
    LIMIT ${limit}`;
}

interface HitRow {
  id: string;
  name: string | null;
  email: string | null;
  domain: string | null;
  entered_at: Date | null;
}
