import { sql, type Kysely } from 'kysely';

/**
 * Playbook experiments. Each enrolment records the arm it was assigned when it started (NULL for
 * a playbook without an experiment; `holdout` for one held out), and when it reached the
 * experiment's goal rule, written once, so a goal reached inside the window stays reached after
 * the rule stops holding. No new table: the enrolments' row-level security covers both columns.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE playbook_enrolments ADD COLUMN arm text, ADD COLUMN goal_reached_at timestamptz;
    CREATE INDEX playbook_enrolments_by_arm ON playbook_enrolments (workspace_id, playbook_key, arm) WHERE arm IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX playbook_enrolments_by_arm;
    ALTER TABLE playbook_enrolments DROP COLUMN goal_reached_at, DROP COLUMN arm;
  `.execute(db);
}
