import type { PlaybookEnrolmentStatus } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** One person's run through one version of a playbook. */
export interface PlaybookEnrolment {
  id: string;
  playbookKey: string;
  version: number;
  personId: string;
  cause: Record<string, unknown>;
  status: PlaybookEnrolmentStatus;
  nextStep: string | null;
  error: string | null;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** The experiment arm the enrolment runs (`holdout`: none); null without an experiment. */
  arm: string | null;
}

type Row = {
  enrolment_id: string;
  playbook_key: string;
  version: number;
  person_id: string;
  cause: unknown;
  status: PlaybookEnrolmentStatus;
  next_step: string | null;
  error: string | null;
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  arm: string | null;
};
const columns = [
  'enrolment_id',
  'playbook_key',
  'version',
  'person_id',
  'cause',
  'status',
  'next_step',
  'error',
  'started_at',
  'updated_at',
  'finished_at',
  'arm',
] as const;
const toEnrolment = (row: Row): PlaybookEnrolment => ({
  id: String(row.enrolment_id),
  playbookKey: row.playbook_key,
  version: row.version,
  personId: row.person_id,
  cause: row.cause as Record<string, unknown>,
  status: row.status,
  nextStep: row.next_step,
  error: row.error,
  startedAt: row.started_at,
  updatedAt: row.updated_at,
  finishedAt: row.finished_at,
  arm: row.arm,
});

/**
 * Enrolls a person unless they are in the playbook now (an active or failed enrolment) or
 * started it less than `reenrollAfterDays` ago (ever, when it is absent). The person's row is
 * locked first, so two triggers for one person at once enroll them once. Answers the new
 * enrolment's id, or undefined when they were not enrolled.
 */
export async function enrollPerson(
  scope: WorkspaceScope,
  enrolment: {
    playbookKey: string;
    version: number;
    personId: string;
    cause: Record<string, unknown>;
    firstStep: string | null;
    arm?: string | null | undefined;
  },
  reenrollAfterDays: number | undefined,
): Promise<string | undefined> {
  const { db, workspaceId } = scope;
  const now = scope.clock();
  const person = await db
    .selectFrom('people')
    .select('person_id')
    .where('workspace_id', '=', workspaceId)
    .where('person_id', '=', enrolment.personId)
    .forUpdate()
    .executeTakeFirst();
  // Merged away or erased since the trigger named them: nobody to enroll, and the trigger's batch goes on.
  if (!person) return undefined;
  const last = await db
    .selectFrom('playbook_enrolments')
    .select(['status', 'started_at'])
    .where('workspace_id', '=', workspaceId)
    .where('playbook_key', '=', enrolment.playbookKey)
    .where('person_id', '=', enrolment.personId)
    .orderBy('enrolment_id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (last) {
    if (last.status === 'active' || last.status === 'failed') return undefined;
    if (reenrollAfterDays === undefined) return undefined;
    if (now.getTime() - last.started_at.getTime() < reenrollAfterDays * 86_400_000) return undefined;
  }
  const row = await db
    .insertInto('playbook_enrolments')
    .values({
      workspace_id: workspaceId,
      playbook_key: enrolment.playbookKey,
      version: enrolment.version,
      person_id: enrolment.personId,
      cause: JSON.stringify(enrolment.cause),
      status: enrolment.firstStep === null ? 'completed' : 'active',
      next_step: enrolment.firstStep,
      started_at: now,
      updated_at: now,
      finished_at: enrolment.firstStep === null ? now : null,
      arm: enrolment.arm ?? null,
    })
    .returning('enrolment_id')
    .executeTakeFirstOrThrow();
  return String(row.enrolment_id);
}

/** An enrolment, its row locked until the transaction ends: one advance of it runs at a time. */
export async function lockEnrolment(scope: WorkspaceScope, id: string): Promise<PlaybookEnrolment | undefined> {
  const row = await scope.db
    .selectFrom('playbook_enrolments')
    .select(columns)
    .where('workspace_id', '=', scope.workspaceId)
    .where('enrolment_id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row && toEnrolment(row);
}

/** Moves an enrolment on: its next step, or its end (with the error of a failure). */
export async function moveEnrolment(
  scope: WorkspaceScope,
  id: string,
  to: { status: PlaybookEnrolmentStatus; nextStep: string | null; error?: string | null },
): Promise<void> {
  const now = scope.clock();
  const ended = to.status !== 'active' && to.status !== 'failed';
  await scope.db
    .updateTable('playbook_enrolments')
    .set({ status: to.status, next_step: to.nextStep, error: to.error ?? null, updated_at: now, finished_at: ended ? now : null })
    .where('workspace_id', '=', scope.workspaceId)
    .where('enrolment_id', '=', id)
    .execute();
}

/** Filters of the runs view. */
export interface EnrolmentFilter {
  playbookKey?: string | undefined;
  personId?: string | undefined;
  status?: PlaybookEnrolmentStatus | undefined;
  limit: number;
}

/** Enrolments newest first, each with its person's userId (null for a person known only anonymously). */
export async function listEnrolments(
  scope: WorkspaceScope,
  filter: EnrolmentFilter,
): Promise<Array<PlaybookEnrolment & { userId: string | null }>> {
  let query = scope.db
    .selectFrom('playbook_enrolments as e')
    .innerJoin('people as p', (join) => join.onRef('p.workspace_id', '=', 'e.workspace_id').onRef('p.person_id', '=', 'e.person_id'))
    .select(columns.map((c) => `e.${c}` as const))
    .select('p.user_id')
    .where('e.workspace_id', '=', scope.workspaceId);
  if (filter.playbookKey !== undefined) query = query.where('e.playbook_key', '=', filter.playbookKey);
  if (filter.personId !== undefined) query = query.where('e.person_id', '=', filter.personId);
  if (filter.status !== undefined) query = query.where('e.status', '=', filter.status);
  const rows = await query.orderBy('e.enrolment_id', 'desc').limit(filter.limit).execute();
  return rows.map((row) => ({ ...toEnrolment(row), userId: row.user_id }));
}
