import { sql, type Kysely } from 'kysely';

/**
 * Covering indexes for rules decided over a whole workspace (previews, recomputes), measured in
 * docs/benchmarks.md ("rule previews, fourth pass"):
 *
 * - `events_name_time` also carries `properties`, so `count(events "x" where prop = … within …)`
 *   reads the index alone (events are append-only, so the visibility map is soon set) instead of
 *   every event row of the window. It replaces the index of migration 0002, whose readers it
 *   serves as before.
 * - `people_member_ids` holds each person's `user_id` beside the id, so the members of a rule
 *   decided on other tables (event summaries, date traits) and their user ids (a preview's sample
 *   is ordered by them) are read without the people rows, whose traits make them wide.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX events_name_time;
    CREATE INDEX events_name_time ON events (workspace_id, name, timestamp) INCLUDE (person_id, account_id, properties);
    CREATE INDEX people_member_ids ON people (workspace_id, person_id) INCLUDE (user_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX people_member_ids;
    DROP INDEX events_name_time;
    CREATE INDEX events_name_time ON events (workspace_id, name, timestamp) INCLUDE (person_id, account_id);
  `.execute(db);
}
