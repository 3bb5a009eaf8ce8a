import type { WorkspaceScope } from '../workspace-scope.js';

/** A step an enrolment ran, and what came of it. */
export interface StepRun {
  enrolmentId: string;
  stepPath: string;
  stepType: string;
  outcome: string;
  detail: unknown;
  at: Date;
}

/**
 * Records a step as run, keyed by enrolment and step path: false when it was recorded before (a
 * job repeated after a crash), and the caller then does not repeat the step's effect. Called in
 * the transaction that writes the effect, so the record and the effect commit together.
 */
export async function recordStepRun(scope: WorkspaceScope, run: Omit<StepRun, 'at'>): Promise<boolean> {
  const result = await scope.db
    .insertInto('playbook_step_runs')
    .values({
      workspace_id: scope.workspaceId,
      enrolment_id: run.enrolmentId,
      step_path: run.stepPath,
      step_type: run.stepType,
      outcome: run.outcome,
      detail: run.detail === undefined ? null : JSON.stringify(run.detail),
      at: scope.clock(),
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'enrolment_id', 'step_path']).doNothing())
    .returning('step_path')
    .executeTakeFirst();
  return result !== undefined;
}

/** The steps these enrolments ran, in the order they ran. */
export async function listStepRuns(scope: WorkspaceScope, enrolmentIds: readonly string[]): Promise<StepRun[]> {
  if (enrolmentIds.length === 0) return [];
  const rows = await scope.db
    .selectFrom('playbook_step_runs')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('enrolment_id', 'in', enrolmentIds)
    .orderBy('at')
    .orderBy('step_path')
    .execute();
  return rows.map((r) => ({
    enrolmentId: String(r.enrolment_id),
    stepPath: r.step_path,
    stepType: r.step_type,
    outcome: r.outcome,
    detail: r.detail,
    at: r.at,
  }));
}
