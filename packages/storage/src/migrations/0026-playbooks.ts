import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

/**
 * Playbooks. A playbook's current definition, and every version of it (an enrolment finishes on
 * the version it started on, as a segment's members are decided by one rule version). Each
 * enrolment of a person: where it stands (the path of its next step), its status and why it
 * stopped. Each step an enrolment ran: the primary key is the idempotency key of the step, written
 * in the same transaction as the step's effect, so a step repeated after a crash finds it and does
 * nothing. CSM tasks that `task` steps open.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE playbooks (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      playbook_key text NOT NULL CHECK (playbook_key ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
      name text NOT NULL,
      enabled boolean NOT NULL,
      version integer NOT NULL,
      definition jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, playbook_key)
    );
    CREATE TABLE playbook_versions (
      workspace_id uuid NOT NULL,
      playbook_key text NOT NULL,
      version integer NOT NULL,
      definition jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, playbook_key, version),
      FOREIGN KEY (workspace_id, playbook_key) REFERENCES playbooks (workspace_id, playbook_key) ON DELETE CASCADE
    );
    CREATE TABLE playbook_enrolments (
      workspace_id uuid NOT NULL,
      enrolment_id bigint GENERATED ALWAYS AS IDENTITY,
      playbook_key text NOT NULL,
      version integer NOT NULL,
      person_id uuid NOT NULL,
      -- What enrolled the person (the trigger and its change), for templates and the runs view.
      cause jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('active', 'completed', 'exited', 'stopped', 'failed')),
      -- The next step's path ("2.then.0"); NULL once the enrolment ended.
      next_step text,
      error text,
      started_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      finished_at timestamptz,
      PRIMARY KEY (workspace_id, enrolment_id),
      FOREIGN KEY (workspace_id, playbook_key, version) REFERENCES playbook_versions (workspace_id, playbook_key, version) ON DELETE CASCADE,
      FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, person_id) ON DELETE CASCADE
    );
    CREATE INDEX playbook_enrolments_by_playbook ON playbook_enrolments (workspace_id, playbook_key, status, enrolment_id);
    CREATE INDEX playbook_enrolments_by_person ON playbook_enrolments (workspace_id, person_id, playbook_key);
    CREATE TABLE playbook_step_runs (
      workspace_id uuid NOT NULL,
      enrolment_id bigint NOT NULL,
      step_path text NOT NULL,
      step_type text NOT NULL,
      outcome text NOT NULL,
      detail jsonb,
      at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, enrolment_id, step_path),
      FOREIGN KEY (workspace_id, enrolment_id) REFERENCES playbook_enrolments (workspace_id, enrolment_id) ON DELETE CASCADE
    );
    CREATE TABLE csm_tasks (
      workspace_id uuid NOT NULL,
      task_id bigint GENERATED ALWAYS AS IDENTITY,
      enrolment_id bigint,
      playbook_key text,
      person_id uuid NOT NULL,
      title text NOT NULL,
      assignee text,
      reason text,
      due_at timestamptz,
      status text NOT NULL CHECK (status IN ('open', 'done')),
      created_at timestamptz NOT NULL,
      completed_at timestamptz,
      PRIMARY KEY (workspace_id, task_id),
      FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, person_id) ON DELETE CASCADE
    );
    CREATE INDEX csm_tasks_by_assignee ON csm_tasks (workspace_id, status, assignee)
  `.execute(db);
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE csm_tasks, playbook_step_runs, playbook_enrolments, playbook_versions, playbooks`.execute(db);
}
