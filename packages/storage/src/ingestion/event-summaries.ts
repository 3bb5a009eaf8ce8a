import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';
import { summaryHorizonDays } from '../segments/event-summary-sql.js';

/*
 * Event summaries (migration 0017) are added to by a trigger on every insert into `events`. What
 * moves or removes events keeps them exact here: a merge folds one person's into another's,
 * retention rebuilds them from the events kept, and pruning bounds their lists of times.
 */

/**
 * Folds `fromId`'s summaries into `intoId`'s, as `movePerson` moves the events (both people
 * locked). The loser's rows go with the person's deletion (the foreign key cascades).
 */
export async function mergeEventSummaries(scope: WorkspaceScope, fromId: string, intoId: string): Promise<void> {
  const { db, workspaceId } = scope;
  await sql`
    INSERT INTO event_summaries AS s (workspace_id, person_id, name, count, first_at, last_at, times, complete_since)
    SELECT workspace_id, ${intoId}::uuid, name, count, first_at, last_at, times, complete_since
    FROM event_summaries WHERE workspace_id = ${workspaceId} AND person_id = ${fromId}
    ORDER BY name
    ON CONFLICT (workspace_id, person_id, name) DO UPDATE SET
      count = s.count + excluded.count,
      first_at = least(s.first_at, excluded.first_at),
      last_at = greatest(s.last_at, excluded.last_at),
      complete_since = greatest(s.complete_since, excluded.complete_since),
      times = strata_merge_times(s.times, excluded.times, greatest(s.complete_since, excluded.complete_since))`.execute(db);
}

/** Rebuilds a workspace's summaries from its events, in the caller's transaction (after events were deleted). */
export async function rebuildEventSummaries(scope: WorkspaceScope, now: Date): Promise<void> {
  const { db, workspaceId } = scope;
  const cutoff = horizonStart(now);
  await sql`DELETE FROM event_summaries WHERE workspace_id = ${workspaceId}`.execute(db);
  await sql`
    INSERT INTO event_summaries (workspace_id, person_id, name, count, first_at, last_at, times, complete_since)
    SELECT workspace_id, person_id, name, count(*), min(timestamp), max(timestamp),
      coalesce(array_agg(timestamp ORDER BY timestamp) FILTER (WHERE timestamp >= ${cutoff}), '{}'), ${cutoff}
    FROM events WHERE workspace_id = ${workspaceId} AND person_id IS NOT NULL
    GROUP BY workspace_id, person_id, name`.execute(db);
}

/**
 * Drops the times older than the horizon from a workspace's summaries, so that each list stays
 * bounded by a person's activity over the horizon; `complete_since` records from when each list
 * is whole. Answers how many summaries were pruned.
 */
export async function pruneEventSummaries(scope: WorkspaceScope, now: Date): Promise<number> {
  const { db, workspaceId } = scope;
  const cutoff = horizonStart(now);
  const result = await sql`
    UPDATE event_summaries SET
      times = coalesce((SELECT array_agg(t ORDER BY t) FROM unnest(times) t WHERE t >= ${cutoff}), '{}'),
      complete_since = ${cutoff}
    WHERE workspace_id = ${workspaceId} AND cardinality(times) > 0 AND times[1] < ${cutoff}`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

function horizonStart(now: Date): Date {
  return new Date(now.getTime() - summaryHorizonDays * 86_400_000);
}
