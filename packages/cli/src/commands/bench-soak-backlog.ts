import { sql, type Kysely } from 'kysely';
import { forEachWorkspace, type Database } from '@strata/storage';

/**
 * Live work per tenant, straight from the database: `NAME` is every queued item whatever its
 * state, `NAME_retrying` those that failed and wait for another attempt, `NAME_parked` those set
 * aside after their last attempt (the last two only where the schema has them). Read in each
 * workspace's scope: row-level security shows a statement one workspace's queue.
 */
export async function readBacklog(db: Kysely<Database>, names: ReadonlyMap<string, string>): Promise<Record<string, number>> {
  const schema = await sql<{ parked: boolean; attempts: boolean }>`
    SELECT to_regclass('segment_work_parked') IS NOT NULL AS parked,
      EXISTS (SELECT 1 FROM information_schema.columns
              WHERE table_name = 'segment_work' AND column_name = 'attempts') AS attempts`.execute(db);
  const { parked, attempts } = schema.rows[0] ?? { parked: false, attempts: false };
  const backlog: Record<string, number> = { main: 0, normal: 0, poison: 0 };
  const name = (workspaceId: string) => names.get(workspaceId) ?? 'other';
  await forEachWorkspace(
    db,
    () => new Date(),
    async (scope) => {
      const queued = await sql<{ workspace_id: string; n: number; retrying: number }>`
      SELECT workspace_id, count(*)::int AS n,
        ${attempts ? sql`count(*) FILTER (WHERE attempts > 0)::int` : sql`0`} AS retrying
      FROM segment_work GROUP BY workspace_id`.execute(scope.db);
      for (const row of queued.rows) {
        backlog[name(row.workspace_id)] = row.n;
        if (row.retrying > 0) backlog[`${name(row.workspace_id)}_retrying`] = row.retrying;
      }
      if (parked) {
        const rows = await sql<{ workspace_id: string; n: number }>`
        SELECT workspace_id, count(*)::int AS n FROM segment_work_parked GROUP BY workspace_id`.execute(scope.db);
        for (const row of rows.rows) backlog[`${name(row.workspace_id)}_parked`] = row.n;
      }
    },
  );
  return backlog;
}

/** Waits until the normal tenants have no queued work; false if they still have some at the timeout. */
export async function waitForNormalBacklog(db: Kysely<Database>, names: ReadonlyMap<string, string>, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const backlog = await readBacklog(db, names);
    if (backlog['main'] === 0 && backlog['normal'] === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
