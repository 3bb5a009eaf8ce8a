import type { PlaybookDefinition } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

/** An enrolment as an experiment's readout counts it. */
export interface ExperimentEnrolment {
  id: string;
  playbookKey: string;
  personId: string;
  version: number;
  arm: string;
  startedAt: Date;
  goalReachedAt: Date | null;
}

/** Every version of a playbook with its definition, oldest first. */
export async function listPlaybookVersions(
  scope: WorkspaceScope,
  key: string,
): Promise<Array<{ version: number; definition: PlaybookDefinition }>> {
  const rows = await scope.db
    .selectFrom('playbook_versions')
    .select(['version', 'definition'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('playbook_key', '=', key)
    .orderBy('version')
    .execute();
  return rows.map((r) => ({ version: r.version, definition: r.definition as PlaybookDefinition }));
}

/** The enrolments of these versions of a playbook that were assigned an arm. */
export async function listExperimentEnrolments(
  scope: WorkspaceScope,
  key: string,
  versions: readonly number[],
): Promise<ExperimentEnrolment[]> {
  if (versions.length === 0) return [];
  const rows = await scope.db
    .selectFrom('playbook_enrolments')
    .select(['enrolment_id', 'playbook_key', 'person_id', 'version', 'arm', 'started_at', 'goal_reached_at'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('playbook_key', '=', key)
    .where('version', 'in', versions)
    .where('arm', 'is not', null)
    .orderBy('enrolment_id')
    .execute();
  return rows.map((r) => ({
    id: String(r.enrolment_id),
    playbookKey: r.playbook_key,
    personId: r.person_id,
    version: r.version,
    arm: r.arm!,
    startedAt: r.started_at,
    goalReachedAt: r.goal_reached_at,
  }));
}

/** Records that these enrolments reached their goal at `at`; one reached earlier keeps its first time. */
export async function markGoalReached(scope: WorkspaceScope, enrolmentIds: readonly string[], at: Date): Promise<void> {
  if (enrolmentIds.length === 0) return;
  await scope.db
    .updateTable('playbook_enrolments')
    .set({ goal_reached_at: at })
    .where('workspace_id', '=', scope.workspaceId)
    .where('enrolment_id', 'in', enrolmentIds)
    .where('goal_reached_at', 'is', null)
    .execute();
}

/** One enrolment as the readout counts it, its row locked until the transaction ends; undefined without an arm. */
export async function lockExperimentEnrolment(scope: WorkspaceScope, id: string): Promise<ExperimentEnrolment | undefined> {
  const row = await scope.db
    .selectFrom('playbook_enrolments')
    .select(['enrolment_id', 'playbook_key', 'person_id', 'version', 'arm', 'started_at', 'goal_reached_at'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('enrolment_id', '=', id)
    .where('arm', 'is not', null)
    .forUpdate()
    .executeTakeFirst();
  return (
    row && {
      id: String(row.enrolment_id),
      playbookKey: row.playbook_key,
      personId: row.person_id,
      version: row.version,
      arm: row.arm!,
      startedAt: row.started_at,
      goalReachedAt: row.goal_reached_at,
    }
  );
}
