import { sql } from 'kysely';
import type { Target } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';
import { computedFieldSqls } from './computed-field-sql.js';

/** One column of a member export: the external id, when the member entered, a built-in column, a trait or a computed field. */
export type MemberExportColumn =
  | { kind: 'id' }
  | { kind: 'entered-at' }
  | { kind: 'column'; column: string }
  | { kind: 'trait'; name: string }
  | { kind: 'computed'; name: string };

/**
 * One page of a segment's members in id order with the values of `columns` (traits as their JSON
 * values, computed fields as SQL reads them at `now`). Pages are read by cursor, so an export of
 * any size holds one page at a time.
 */
export async function readMemberExportPage(
  scope: WorkspaceScope,
  segment: { key: string; target: Target },
  columns: readonly MemberExportColumn[],
  page: { limit: number; after?: string | undefined; now: Date },
): Promise<{ rows: Array<{ memberId: string; values: unknown[] }>; more: boolean }> {
  const { db, workspaceId } = scope;
  const [table, idColumn, external] =
    segment.target === 'person'
      ? [sql.table('people'), sql.ref('p.person_id'), sql`coalesce(p.user_id, p.person_id::text)`]
      : [sql.table('accounts'), sql.ref('p.account_id'), sql`p.group_id`];
  const readers = new Map(computedFieldSqls(segment.target).map((c) => [c.name, c.read]));
  const selected = columns.map((column, i) => {
    const name = sql.raw(`c${i}`);
    switch (column.kind) {
      case 'id':
        return sql`${external} AS ${name}`;
      case 'entered-at':
        return sql`m.entered_at AS ${name}`;
      case 'column':
        return sql`${sql.ref(`p.${column.column}`)} AS ${name}`;
      case 'trait':
        return sql`p.traits -> ${column.name} AS ${name}`;
      case 'computed': {
        const read = readers.get(column.name);
        // A computed field whose domain is not registered in this process is missing, as in rules.
        return read ? sql`${read('p', page.now)} AS ${name}` : sql`NULL AS ${name}`;
      }
    }
  });
  const rows = await sql<Record<string, unknown> & { member_id: string }>`
    SELECT m.member_id${sql.join(
      selected.map((s) => sql`, ${s}`),
      sql``,
    )}
    FROM segment_members m JOIN ${table} p ON p.workspace_id = m.workspace_id AND ${idColumn} = m.member_id
    WHERE m.workspace_id = ${workspaceId} AND m.segment_key = ${segment.key}
      ${page.after ? sql`AND m.member_id > ${page.after}::uuid` : sql``}
    ORDER BY m.member_id
    LIMIT ${page.limit + 1}`.execute(db);
  return {
    rows: rows.rows.slice(0, page.limit).map((r) => ({ memberId: r.member_id, values: columns.map((_, i) => r[`c${i}`]) })),
    more: rows.rows.length > page.limit,
  };
}
