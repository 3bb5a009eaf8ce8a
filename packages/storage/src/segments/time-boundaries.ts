import { sql } from 'kysely';
import type { Target, TimeLeaf } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';
import { rowTimeColumn } from './compile-rule.js';

/**
 * Profiles at the leaf's level holding an instant in `(from, to]`: those for whom a boundary may
 * have passed. Every query reads an index by time, so the work is proportional to them.
 */
export async function findInstantsBetween(
  scope: WorkspaceScope,
  leaf: TimeLeaf,
  from: Date,
  to: Date,
  /**
   * Only event rows that arrived before their own time. A row reaching its own time changes a
   * window only if it was stored before then; rows stored afterwards were decided live on arrival.
   */
  onlyEarlyEvents = false,
): Promise<string[]> {
  const { db, workspaceId } = scope;
  const { source, level } = leaf;
  let rows: Array<{ id: string | null }>;
  if (source.kind === 'rows') {
    const time = sql.ref(rowTimeColumn(source.table));
    const owner = sql.ref(level === 'person' ? 'person_id' : 'account_id');
    rows = (
      await sql<{ id: string | null }>`
        SELECT DISTINCT ${owner} AS id FROM ${sql.table(source.table)}
        WHERE workspace_id = ${workspaceId} AND ${time} > ${from} AND ${time} <= ${to}
          ${source.table === 'events' && source.event !== undefined ? sql`AND name = ${source.event}` : sql``}
          ${source.table === 'events' && onlyEarlyEvents ? sql`AND received_at < timestamp` : sql``}`.execute(db)
    ).rows;
  } else if (source.kind === 'trait') {
    rows = await db
      .selectFrom('trait_instants')
      .select('profile_id as id')
      .where('workspace_id', '=', workspaceId)
      .where('target', '=', level)
      .where('name', '=', source.name)
      .where('at', '>', from)
      .where('at', '<=', to)
      .execute();
  } else if (source.kind === 'history') {
    if (source.trait !== 'mrr' || level !== 'account') throw new Error(`invariant: no history is kept of ${level} trait ${source.trait}`);
    rows = await db
      .selectFrom('account_mrr_history')
      .select('account_id as id')
      .distinct()
      .where('workspace_id', '=', workspaceId)
      .where('at', '>', from)
      .where('at', '<=', to)
      .execute();
  } else {
    const table = level === 'person' ? 'people' : 'accounts';
    const id = sql.ref(level === 'person' ? 'person_id' : 'account_id');
    rows = (
      await sql<{ id: string }>`
        SELECT ${id} AS id FROM ${sql.table(table)}
        WHERE workspace_id = ${workspaceId} AND ${sql.ref(source.column)} > ${from} AND ${sql.ref(source.column)} <= ${to}`.execute(db)
    ).rows;
  }
  return rows.flatMap((r) => (r.id === null ? [] : [r.id]));
}

/** The accounts of these people, or the people of these accounts. */
export async function findLinkedProfiles(
  scope: WorkspaceScope,
  from: Target,
  ids: readonly string[],
): Promise<Array<{ from: string; to: string }>> {
  const { db, workspaceId } = scope;
  if (ids.length === 0) return [];
  const [own, other] = from === 'person' ? (['person_id', 'account_id'] as const) : (['account_id', 'person_id'] as const);
  const rows = await db
    .selectFrom('person_accounts')
    .select([`${own} as from`, `${other} as to`])
    .where('workspace_id', '=', workspaceId)
    .where(sql<boolean>`${sql.ref(own)} = ANY(${ids}::uuid[])`)
    .execute();
  return rows;
}

/** All profile ids of a target in id order, for backfills in chunks. */
export async function listProfileIds(scope: WorkspaceScope, target: Target): Promise<string[]> {
  const { db, workspaceId } = scope;
  const rows =
    target === 'person'
      ? await db.selectFrom('people').select('person_id as id').where('workspace_id', '=', workspaceId).orderBy('person_id').execute()
      : await db.selectFrom('accounts').select('account_id as id').where('workspace_id', '=', workspaceId).orderBy('account_id').execute();
  return rows.map((r) => r.id);
}
