import { sql } from 'kysely';
import type { Target } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

/** Why a membership changed: the event, trait change, passing of time or rule edit that flipped it. */
export type ChangeCause =
  | { kind: 'event'; name: string; messageId?: string }
  | { kind: 'traits'; names: string[] }
  | { kind: 'membership' }
  | { kind: 'merge' }
  | { kind: 'support' }
  | { kind: 'segment'; key: string }
  | { kind: 'time' }
  | { kind: 'rule-change'; version: number }
  | { kind: 'recompute' }
  /** A manual segment's member added or removed: `by` is `api` or `playbook:KEY` (migration 0033). */
  | { kind: 'manual'; by: string };

/** One enter or exit to apply. */
export interface MembershipChange {
  segmentKey: string;
  version: number;
  memberId: string;
  kind: 'enter' | 'exit';
  cause: ChangeCause;
}

/** A change as the feed and the history show it; `id` is the member's userId or groupId. */
export interface RecordedChange {
  cursor: string;
  segmentKey: string;
  id: string;
  kind: 'enter' | 'exit';
  at: Date;
  version: number;
  cause: ChangeCause;
}

/** Current memberships of the given profiles, as `segmentKey -> member ids`. */
export async function findMemberships(scope: WorkspaceScope, memberIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const { db, workspaceId } = scope;
  const bySegment = new Map<string, Set<string>>();
  if (memberIds.length === 0) return bySegment;
  const rows = await db
    .selectFrom('segment_members')
    .select(['segment_key', 'member_id'])
    .where('workspace_id', '=', workspaceId)
    .where(sql<boolean>`member_id = ANY(${memberIds}::uuid[])`)
    .execute();
  for (const row of rows) {
    let members = bySegment.get(row.segment_key);
    if (!members) bySegment.set(row.segment_key, (members = new Set()));
    members.add(row.member_id);
  }
  return bySegment;
}

/**
 * Applies enters and exits in the caller's transaction: the members table and the history (the
 * change log subscribers read), all at once, so delivery never sees a change that did not happen
 * or misses one that did.
 */
export async function applyMembershipChanges(
  scope: WorkspaceScope,
  target: Target,
  changes: readonly MembershipChange[],
  at: Date,
): Promise<void> {
  const { db, workspaceId } = scope;
  if (changes.length === 0) return;
  // Column arrays through unnest: one parameter per column however many changes (a switch-over
  // of a large segment applies tens of thousands at once; PostgreSQL takes at most 65,535 parameters).
  const enters = changes.filter((c) => c.kind === 'enter');
  const exits = changes.filter((c) => c.kind === 'exit');
  if (enters.length > 0)
    await sql`
      INSERT INTO segment_members (workspace_id, segment_key, member_id, entered_at)
      SELECT ${workspaceId}::uuid, x.segment_key, x.member_id, ${at}::timestamptz
      FROM unnest(${enters.map((c) => c.segmentKey)}::text[], ${enters.map((c) => c.memberId)}::uuid[]) AS x(segment_key, member_id)
      ON CONFLICT DO NOTHING`.execute(db);
  if (exits.length > 0)
    await sql`
      DELETE FROM segment_members m
      USING unnest(${exits.map((c) => c.segmentKey)}::text[], ${exits.map((c) => c.memberId)}::uuid[]) AS x(segment_key, member_id)
      WHERE m.workspace_id = ${workspaceId} AND m.segment_key = x.segment_key AND m.member_id = x.member_id`.execute(db);
  await sql`
    INSERT INTO segment_changes (workspace_id, segment_key, member_id, kind, at, version, cause)
    SELECT ${workspaceId}::uuid, x.segment_key, x.member_id, x.kind, ${at}::timestamptz, x.version, x.cause
    FROM unnest(
      ${changes.map((c) => c.segmentKey)}::text[], ${changes.map((c) => c.memberId)}::uuid[], ${changes.map((c) => c.kind)}::text[],
      ${changes.map((c) => c.version)}::int[], ${changes.map((c) => JSON.stringify(c.cause))}::jsonb[]
    ) AS x(segment_key, member_id, kind, version, cause)`.execute(db);
  // Wakes change subscribers at once (they also poll); one notification per transaction.
  await sql`SELECT pg_notify('strata_segment_changes', ${workspaceId})`.execute(db);
}

/** userId of people, groupId of accounts; a person without a userId is known by its Strata id. */
export async function findExternalIds(scope: WorkspaceScope, target: Target, ids: readonly string[]): Promise<Map<string, string>> {
  const { db, workspaceId } = scope;
  if (ids.length === 0) return new Map();
  const rows =
    target === 'person'
      ? await db
          .selectFrom('people')
          .select(['person_id as id', 'user_id as external'])
          .where('workspace_id', '=', workspaceId)
          .where(sql<boolean>`person_id = ANY(${ids}::uuid[])`)
          .execute()
      : await db
          .selectFrom('accounts')
          .select(['account_id as id', 'group_id as external'])
          .where('workspace_id', '=', workspaceId)
          .where(sql<boolean>`account_id = ANY(${ids}::uuid[])`)
          .execute();
  return new Map(rows.map((r) => [r.id, r.external ?? r.id]));
}

/** A page of a segment's members in id order, with their external ids. */
export async function listSegmentMembers(
  scope: WorkspaceScope,
  segment: { key: string; target: Target },
  page: { limit: number; after?: string | undefined },
): Promise<{ items: Array<{ memberId: string; id: string; enteredAt: Date }>; more: boolean }> {
  const { db, workspaceId } = scope;
  const profile =
    segment.target === 'person'
      ? sql`people p ON p.workspace_id = m.workspace_id AND p.person_id = m.member_id`
      : sql`accounts p ON p.workspace_id = m.workspace_id AND p.account_id = m.member_id`;
  const external = segment.target === 'person' ? sql`coalesce(p.user_id, m.member_id::text)` : sql`p.group_id`;
  const rows = await sql<{ member_id: string; id: string; entered_at: Date }>`
    SELECT m.member_id, ${external} AS id, m.entered_at
    FROM segment_members m JOIN ${profile}
    WHERE m.workspace_id = ${workspaceId} AND m.segment_key = ${segment.key}
      ${page.after ? sql`AND m.member_id > ${page.after}::uuid` : sql``}
    ORDER BY m.member_id
    LIMIT ${page.limit + 1}`.execute(db);
  const items = rows.rows.slice(0, page.limit).map((r) => ({ memberId: r.member_id, id: r.id, enteredAt: r.entered_at }));
  return { items, more: rows.rows.length > page.limit };
}

export async function countSegmentMembers(scope: WorkspaceScope, key: string): Promise<number> {
  const { db, workspaceId } = scope;
  const row = await db
    .selectFrom('segment_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('segment_key', '=', key)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Members as of a past instant: whose last change at or before it was an enter. */
export async function listMembersAsOf(
  scope: WorkspaceScope,
  segment: { key: string; target: Target },
  asOf: Date,
  page: { limit: number; after?: string | undefined },
): Promise<{ items: Array<{ memberId: string; id: string; enteredAt: Date }>; more: boolean }> {
  const { db, workspaceId } = scope;
  const profile =
    segment.target === 'person'
      ? sql`people p ON p.workspace_id = ${workspaceId} AND p.person_id = h.member_id`
      : sql`accounts p ON p.workspace_id = ${workspaceId} AND p.account_id = h.member_id`;
  const external = segment.target === 'person' ? sql`coalesce(p.user_id, h.member_id::text)` : sql`p.group_id`;
  const rows = await sql<{ member_id: string; id: string | null; entered_at: Date }>`
    SELECT h.member_id, ${external} AS id, h.at AS entered_at
    FROM (
      SELECT DISTINCT ON (member_id) member_id, kind, at
      FROM segment_changes
      WHERE workspace_id = ${workspaceId} AND segment_key = ${segment.key} AND at <= ${asOf}
        ${page.after ? sql`AND member_id > ${page.after}::uuid` : sql``}
      ORDER BY member_id, at DESC, change_id DESC
    ) h LEFT JOIN ${profile}
    WHERE h.kind = 'enter'
    ORDER BY h.member_id
    LIMIT ${page.limit + 1}`.execute(db);
  const items = rows.rows.slice(0, page.limit).map((r) => ({ memberId: r.member_id, id: r.id ?? r.member_id, enteredAt: r.entered_at }));
  return { items, more: rows.rows.length > page.limit };
}

/**
 * Changes of a segment after a cursor, oldest first. Only transactions older than every running
 * one are read, ordered by transaction id: a change that commits later always sorts after the
 * cursor, so no reader skips it.
 */
export async function listSegmentChanges(
  scope: WorkspaceScope,
  segment: { key: string; target: Target },
  since: string | undefined,
  limit: number,
): Promise<RecordedChange[]> {
  const { db, workspaceId } = scope;
  const [txid, changeId] = since ? since.split('.') : [undefined, undefined];
  const external =
    segment.target === 'person'
      ? sql`(SELECT coalesce(p.user_id, c.member_id::text) FROM people p WHERE p.workspace_id = c.workspace_id AND p.person_id = c.member_id)`
      : sql`(SELECT a.group_id FROM accounts a WHERE a.workspace_id = c.workspace_id AND a.account_id = c.member_id)`;
  const rows = await sql<{
    txid: string;
    change_id: number;
    member_id: string;
    id: string | null;
    kind: 'enter' | 'exit';
    at: Date;
    version: number;
    cause: ChangeCause;
  }>`
    SELECT c.txid::text AS txid, c.change_id, c.member_id, ${external} AS id, c.kind, c.at, c.version, c.cause
    FROM segment_changes c
    WHERE c.workspace_id = ${workspaceId} AND c.segment_key = ${segment.key}
      AND c.txid < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
      ${txid !== undefined ? sql`AND (c.txid, c.change_id) > (${txid}::xid8, ${Number(changeId)}::bigint)` : sql``}
    ORDER BY c.txid, c.change_id
    LIMIT ${limit}`.execute(db);
  return rows.rows.map((r) => ({
    cursor: `${r.txid}.${r.change_id}`,
    segmentKey: segment.key,
    id: r.id ?? r.member_id,
    kind: r.kind,
    at: r.at,
    version: r.version,
    cause: r.cause,
  }));
}

/** The history of one profile in one segment, oldest first. */
export async function listMemberHistory(
  scope: WorkspaceScope,
  key: string,
  memberId: string,
): Promise<Array<{ kind: 'enter' | 'exit'; at: Date; version: number; cause: ChangeCause }>> {
  const { db, workspaceId } = scope;
  const rows = await db
    .selectFrom('segment_changes')
    .select(['kind', 'at', 'version', 'cause'])
    .where('workspace_id', '=', workspaceId)
    .where('segment_key', '=', key)
    .where('member_id', '=', memberId)
    .orderBy('at')
    .orderBy('change_id')
    .execute();
  return rows.map((r) => ({ kind: r.kind, at: r.at, version: r.version, cause: r.cause as ChangeCause }));
}

/** The segments a profile is in now, with when it entered. */
export async function listProfileSegments(scope: WorkspaceScope, memberId: string): Promise<Array<{ key: string; enteredAt: Date }>> {
  const { db, workspaceId } = scope;
  const rows = await db
    .selectFrom('segment_members')
    .select(['segment_key', 'entered_at'])
    .where('workspace_id', '=', workspaceId)
    .where('member_id', '=', memberId)
    .orderBy('segment_key')
    .execute();
  return rows.map((r) => ({ key: r.segment_key, enteredAt: r.entered_at }));
}

/** The segments each of some profiles is in now, keys sorted: one read for a page of a list. */
export async function listSegmentsOfProfiles(scope: WorkspaceScope, memberIds: readonly string[]): Promise<Map<string, string[]>> {
  const byMember = new Map<string, string[]>();
  if (memberIds.length === 0) return byMember;
  const rows = await scope.db
    .selectFrom('segment_members')
    .select(['member_id', 'segment_key'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('member_id', 'in', [...new Set(memberIds)])
    .orderBy('segment_key')
    .execute();
  for (const r of rows) byMember.set(r.member_id, [...(byMember.get(r.member_id) ?? []), r.segment_key]);
  return byMember;
}
