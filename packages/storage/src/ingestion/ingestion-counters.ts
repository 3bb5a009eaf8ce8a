import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';

/**
 * Ingestion outcomes of a workspace; `received = stored + rejected + deduplicated + suppressed`
 * always (suppressed: messages naming an erased person, dropped).
 */
export interface IngestionStats {
  received: number;
  stored: number;
  rejected: number;
  deduplicated: number;
  suppressed: number;
}

const shards = 8;

/** Adds to the counters in the caller's transaction, so counts commit with the data they count. */
export async function addIngestionCounts(
  scope: WorkspaceScope,
  counts: Omit<IngestionStats, 'received' | 'suppressed'> & { suppressed?: number },
): Promise<void> {
  const { db: tx, workspaceId } = scope;
  const suppressed = counts.suppressed ?? 0;
  const received = counts.stored + counts.rejected + counts.deduplicated + suppressed;
  if (received === 0) return;
  const shard = Math.floor(Math.random() * shards);
  await sql`
    INSERT INTO ingestion_counters AS c (workspace_id, shard, received, stored, rejected, deduplicated, suppressed)
    VALUES (${workspaceId}, ${shard}, ${received}, ${counts.stored}, ${counts.rejected}, ${counts.deduplicated}, ${suppressed})
    ON CONFLICT (workspace_id, shard) DO UPDATE SET
      received = c.received + excluded.received, stored = c.stored + excluded.stored,
      rejected = c.rejected + excluded.rejected, deduplicated = c.deduplicated + excluded.deduplicated,
      suppressed = c.suppressed + excluded.suppressed`.execute(tx);
}

export async function readIngestionStats(scope: WorkspaceScope): Promise<IngestionStats> {
  const { db, workspaceId } = scope;
  const row = await db
    .selectFrom('ingestion_counters')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('received'), sql<number>`0`).as('received'),
      eb.fn.coalesce(eb.fn.sum<number>('stored'), sql<number>`0`).as('stored'),
      eb.fn.coalesce(eb.fn.sum<number>('rejected'), sql<number>`0`).as('rejected'),
      eb.fn.coalesce(eb.fn.sum<number>('deduplicated'), sql<number>`0`).as('deduplicated'),
      eb.fn.coalesce(eb.fn.sum<number>('suppressed'), sql<number>`0`).as('suppressed'),
    ])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return {
    received: Number(row.received),
    stored: Number(row.stored),
    rejected: Number(row.rejected),
    deduplicated: Number(row.deduplicated),
    suppressed: Number(row.suppressed),
  };
}
