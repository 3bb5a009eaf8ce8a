import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

// graphile-worker takes back a job whose worker died (kill -9, power loss) only after its lock is
// 4 hours old. Strata holds a job's lock as a lease instead: the process running the job renews
// it, and a lock left unrenewed for the lease is taken back by any process, so a job cut off by a
// crash runs again within the lease. Both statements touch graphile-worker's tables (0.17 layout).

/** Renews the locks of jobs this process is running, and of the queues they hold. */
export async function renewJobLocks(db: Kysely<Database>, jobIds: readonly string[]): Promise<void> {
  if (jobIds.length === 0) return;
  await sql`
    WITH renewed AS (
      UPDATE graphile_worker._private_jobs SET locked_at = now()
      WHERE id = ANY(${jobIds}::bigint[]) AND locked_at IS NOT NULL
      RETURNING job_queue_id, locked_by
    )
    UPDATE graphile_worker._private_job_queues q SET locked_at = now()
    FROM renewed r WHERE q.id = r.job_queue_id AND q.locked_by = r.locked_by`.execute(db);
}

/** Unlocks jobs and queues whose lock was not renewed for `leaseMs`; answers how many jobs. */
export async function releaseExpiredJobLocks(db: Kysely<Database>, leaseMs: number): Promise<number> {
  const { rows } = await sql<{ jobs: number }>`
    WITH jobs AS (
      UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL, run_at = greatest(run_at, now())
      WHERE locked_at < now() - make_interval(secs => ${leaseMs / 1000})
      RETURNING id
    ), queues AS (
      UPDATE graphile_worker._private_job_queues SET locked_at = NULL, locked_by = NULL
      WHERE locked_at < now() - make_interval(secs => ${leaseMs / 1000})
      RETURNING id
    )
    SELECT (SELECT count(*) FROM jobs)::int AS jobs, (SELECT count(*) FROM queues)::int AS queues`.execute(db);
  return rows[0]?.jobs ?? 0;
}
