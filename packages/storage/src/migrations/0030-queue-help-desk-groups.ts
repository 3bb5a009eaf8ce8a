import { sql, type Kysely } from 'kysely';

/**
 * Each queue's group in the help desks tickets come from (a Zendesk or Freshdesk group id, an
 * Intercom team id), so a decision that moves a ticket to a queue moves it there too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE support_queues ADD COLUMN help_desk_groups jsonb NOT NULL DEFAULT '{}'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE support_queues DROP COLUMN help_desk_groups`.execute(db);
}
