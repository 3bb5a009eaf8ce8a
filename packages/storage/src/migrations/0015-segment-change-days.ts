import { sql, type Kysely } from 'kysely';

/**
 * A segment's enters and exits by time, for its daily sizes (GET /segments/{key}/sizes and the
 * list's GET /segment-activity): the days since a start are a range of this index per segment.
 * The existing indexes lead with (workspace, segment) but then order by txid or member, so each
 * read scanned every change the segment ever had. `kind` rides along (INCLUDE) so the count of
 * enters and exits per day can be an index-only scan, without visiting the table's rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX segment_changes_at ON segment_changes (workspace_id, segment_key, at) INCLUDE (kind)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX segment_changes_at`.execute(db);
}
