import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { inWorkspaceTransaction, workspaceScope, type WorkspaceScope } from '../workspace-scope.js';
import { rebuildEventSummaries } from '../ingestion/event-summaries.js';

/** Months of raw events the workspace keeps; null keeps them all. */
export async function readEventRetention(scope: WorkspaceScope): Promise<number | null> {
  const row = await scope.db
    .selectFrom('workspaces')
    .select('raw_events_months')
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirst();
  return row?.raw_events_months ?? null;
}

/** Sets the months of raw events kept, in the caller's transaction; answers the previous setting. */
export async function writeEventRetention(scope: WorkspaceScope, months: number | null): Promise<number | null> {
  const before = await readEventRetention(scope);
  await scope.db.updateTable('workspaces').set({ raw_events_months: months }).where('workspace_id', '=', scope.workspaceId).execute();
  return before;
}

/** What a retention pass did: months emptied for everyone, and rows deleted per workspace. */
export interface RetentionOutcome {
  truncated: string[];
  deleted: Record<string, number>;
}

/** `2026-03` of the first month a workspace keeping `months` months still keeps at `now`. */
function firstKeptMonth(now: Date, months: number): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months + 1, 1)).toISOString().slice(0, 7);
}

/**
 * Drops raw events older than each workspace's retention, a whole monthly partition at a time:
 * a month is expired for a workspace when it lies entirely before the `months` most recent
 * months (the current one included). Partitions are shared, so a month expired for every
 * workspace is emptied at once (TRUNCATE, through the owner's `truncate_event_partition`); one
 * expired for some is emptied of their rows only. The event summaries of each workspace that lost
 * events are rebuilt from the events it kept, so rules read the same from either. Nothing else
 * derived from events is touched: profiles, traits, segment memberships and their history,
 * tickets and surveys stay.
 */
export async function applyEventRetention(db: Kysely<Database>, now: Date): Promise<RetentionOutcome> {
  const workspaces = await db.selectFrom('workspaces').select(['workspace_id', 'raw_events_months']).execute();
  const { rows: partitions } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'events'::regclass ORDER BY c.relname`.execute(db);
  const outcome: RetentionOutcome = { truncated: [], deleted: {} };
  for (const { name } of partitions) {
    const match = /^events_(\d{4})_(\d{2})$/.exec(name);
    if (!match) continue;
    const month = `${match[1]}-${match[2]}`;
    const expiredFor = workspaces.filter((w) => w.raw_events_months !== null && month < firstKeptMonth(now, w.raw_events_months));
    if (expiredFor.length === 0) continue;
    if (expiredFor.length === workspaces.length) {
      await sql`SELECT truncate_event_partition(${name}::regclass)`.execute(db);
      outcome.truncated.push(month);
      continue;
    }
    for (const w of expiredFor) {
      const scope = workspaceScope(db, w.workspace_id, () => now);
      const deleted = await inWorkspaceTransaction(scope, async (tx) => {
        const result = await sql`DELETE FROM ${sql.table(name)} WHERE workspace_id = ${w.workspace_id}`.execute(tx.db);
        return Number(result.numAffectedRows ?? 0n);
      });
      if (deleted > 0) outcome.deleted[w.workspace_id] = (outcome.deleted[w.workspace_id] ?? 0) + deleted;
    }
  }
  const changed = outcome.truncated.length > 0 ? workspaces.map((w) => w.workspace_id) : Object.keys(outcome.deleted);
  for (const workspaceId of changed)
    await inWorkspaceTransaction(
      workspaceScope(db, workspaceId, () => now),
      (tx) => rebuildEventSummaries(tx, now),
    );
  return outcome;
}
